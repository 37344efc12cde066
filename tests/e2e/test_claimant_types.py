"""Every kind of claimant through the real stack: the documents their role needs (DOMAIN.md section 6), a claim
filed without them coming back with the whole list, and a complete claim reaching its decision."""

import pytest

from tests.e2e.flow import client_for, enrol_insured, phone_of, submit_claim, wait_for_status
from tests.e2e.samples import pdf_scan

pytestmark = pytest.mark.e2e

DECEASED = {
    "birth_date": "1970-06-01",
    "death_date": "2025-09-14",
    "contribution_days": 1100,
    "ceased_activity_on": "2025-09-14",
    "contributions": [{"year": 2021, "salary_share": "2500.00", "employer_share": "5000.00"}],
}
MINER = {
    "birth_date": "1970-05-01",
    "underground_mining_years": 6,
    "contribution_days": 800,
    "ceased_activity_on": "2025-01-31",
    "contributions": [{"year": 2022, "salary_share": "1500.00", "employer_share": "3000.00"}],
}
INSURED = {
    "birth_date": "1965-04-10",
    "contribution_days": 900,
    "ceased_activity_on": "2025-12-31",
    "contributions": [{"year": 2018, "salary_share": "2100.00", "employer_share": "4200.00"}],
}
SURVIVORS_BASE = ["survivors_request_form", "bank_details"]
SPOUSE_DOCUMENTS = ["identity_card", "marriage_certificate", "heirship_deed"]


def spouse(id_: str) -> dict:
    return {"id": id_, "relation": "spouse", "full_name": f"Conjoint {id_}"}


def child(id_: str, born: str, **status) -> dict:
    return {"id": id_, "relation": "child", "birth_date": born, "full_name": f"Enfant {id_}", **status}


CLAIMANTS = {
    "insured": (INSURED, {"claimant_type": "insured"}, ["identity_card", "bank_details"]),
    "miner at 55": (
        MINER,
        {"claimant_type": "insured", "mining_activity": True},
        ["identity_card", "bank_details", "underground_work_certificate"],
    ),
    "spouse": (
        DECEASED,
        {"claimant_type": "survivors", "applicant_role": "spouse", "beneficiaries": [spouse("s1")]},
        SURVIVORS_BASE + SPOUSE_DOCUMENTS,
    ),
    "two spouses": (
        DECEASED,
        {"claimant_type": "survivors", "applicant_role": "spouse", "beneficiaries": [spouse("s1"), spouse("s2")]},
        SURVIVORS_BASE + SPOUSE_DOCUMENTS,
    ),
    "divorced parent with custody": (
        DECEASED,
        {
            "claimant_type": "survivors",
            "applicant_role": "divorced_parent",
            "beneficiaries": [child("c1", "2015-03-02", orphan_of="one_parent")],
        },
        SURVIVORS_BASE + ["divorce_deed", "birth_certificate"],
    ),
    "guardian": (
        DECEASED,
        {
            "claimant_type": "survivors",
            "applicant_role": "guardian",
            "beneficiaries": [child("c1", "2012-07-20", orphan_of="both_parents")],
        },
        SURVIVORS_BASE + ["death_certificates", "identity_card", "guardianship_deed", "birth_certificate"],
    ),
    "sick child": (
        DECEASED,
        {
            "claimant_type": "survivors",
            "applicant_role": "spouse",
            "beneficiaries": [spouse("s1"), child("c1", "2006-01-10", sick=True)],
        },
        SURVIVORS_BASE + SPOUSE_DOCUMENTS + ["birth_certificate", "sickness_certificate"],
    ),
    "disabled child": (
        DECEASED,
        {
            "claimant_type": "survivors",
            "applicant_role": "child",
            "beneficiaries": [child("c1", "1999-11-30", disabled=True)],
        },
        SURVIVORS_BASE + ["identity_card", "birth_certificate", "disability_certificate"],
    ),
}

SELECTED_BY_RULE = {
    "miner at 55": "MINER_EARLY_CLAIM",
    "two spouses": "SEVERAL_SPOUSES",
    "divorced parent with custody": "FILED_BY_REPRESENTATIVE",
    "guardian": "FILED_BY_REPRESENTATIVE",
}


async def new_claimant(producer, mongo, run_id, career: dict) -> str:
    return await enrol_insured(producer, mongo[f"{run_id}_eligibility"]["insured"], career)


def form_for(registration_number: str, fields: dict) -> dict:
    return {
        "registration_number": registration_number,
        "applicant_name": "Demandeur Test",
        "phone": phone_of(registration_number),
        **fields,
    }


@pytest.mark.parametrize("claimant", CLAIMANTS)
async def test_a_claim_without_documents_comes_back_with_every_document_the_role_needs(
    claimant, stack, producer, mongo, run_id
):
    career, fields, required = CLAIMANTS[claimant]
    number = await new_claimant(producer, mongo, run_id, career)
    with client_for(stack.url("claims"), number) as api:
        created = submit_claim(api, form_for(number, fields), documents=[])
        claim = await wait_for_status(api, created["claim_id"], "documents_incomplete")
    entry = next(e for e in claim["timeline"] if e["status"] == "documents_incomplete")
    assert [item["doc_type"] for item in entry["detail"]["missing"]] == required
    assert all(item["fr"] and item["ar"] for item in entry["detail"]["missing"])


@pytest.mark.parametrize("claimant", CLAIMANTS)
async def test_a_complete_claim_reaches_its_decision(claimant, stack, producer, mongo, run_id):
    career, fields, required = CLAIMANTS[claimant]
    number = await new_claimant(producer, mongo, run_id, career)
    with client_for(stack.url("claims"), number) as api:
        created = submit_claim(api, form_for(number, fields), documents=[(doc, pdf_scan()) for doc in required])
        claim = await wait_for_status(api, created["claim_id"], "receipt_issued")
    decided = next(e for e in claim["timeline"] if e["status"] in ("decided", "selected_for_inspection"))["detail"]
    assert decided["outcome"] == "eligible", decided
    assert float(decided["amount"]) > 0
    assert len(decided["shares"]) == len(fields.get("beneficiaries", ()))
    assert decided["deadline"] and decided["period"] == "P4"
    rule = SELECTED_BY_RULE.get(claimant)
    assert rule is None or rule in decided["inspection_reasons"]
