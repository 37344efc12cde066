import pytest

from contracts import Beneficiary, ClaimForm
from services.documents.checklist import missing_documents, required_documents

BASE = {"registration_number": "123456789", "applicant_name": "A", "phone": "+212612345678"}


def form(**fields) -> ClaimForm:
    return ClaimForm.model_validate(BASE | fields)


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"claimant_type": "insured"}, ["identity_card", "bank_details"]),
        (
            {"claimant_type": "insured", "mining_activity": True},
            ["identity_card", "bank_details", "underground_work_certificate"],
        ),
        ({"claimant_type": "insured", "force_majeure": True}, ["identity_card", "bank_details", "force_majeure_proof"]),
        (
            {"claimant_type": "survivors", "applicant_role": "spouse"},
            ["survivors_request_form", "bank_details", "identity_card", "marriage_certificate", "heirship_deed"],
        ),
        (
            {
                "claimant_type": "survivors",
                "applicant_role": "guardian",
                "beneficiaries": [Beneficiary(id="c", relation="child", in_school=True, sick=True)],
            },
            [
                "survivors_request_form",
                "bank_details",
                "death_certificates",
                "identity_card",
                "guardianship_deed",
                "birth_certificate",
                "school_certificate",
                "sickness_certificate",
            ],
        ),
    ],
)
def test_each_claimant_needs_the_documents_of_their_role(fields, expected):
    assert [doc.value for doc in required_documents(form(**fields))] == expected


def test_missing_documents_are_named():
    assert missing_documents(form(claimant_type="insured"), {"identity_card"}) == ["bank_details"]
