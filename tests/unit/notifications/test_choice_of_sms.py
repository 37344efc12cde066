from decimal import Decimal

import pytest

from contracts import (
    ClaimAccepted,
    DecisionSummary,
    DocumentsIncomplete,
    InspectionSelection,
    ReasonExplanation,
    ReceiptIssued,
)
from contracts.receipts import ReceiptRef
from services.notifications.domain import sms_for, status_of_report
from tests.samples import sample_claim

CLAIM = sample_claim(language="ar")
ENVELOPE = {"claim_id": "c", "correlation_id": "k", "producer": "p", "claim": CLAIM}
RECEIPT = ReceiptRef(bucket="receipts", object_key="c/a.pdf", sha256="0" * 64, size=1)


def issued(selected: bool) -> ReceiptIssued:
    return ReceiptIssued(
        **ENVELOPE,
        decision=DecisionSummary(outcome="eligible"),
        receipt=RECEIPT,
        inspection=InspectionSelection(selected=selected),
    )


def test_a_receipt_of_a_claim_selected_for_inspection_calls_for_the_inspection_sms_in_the_claimants_language():
    sms = sms_for(issued(selected=True), max_parts=3)
    assert (sms.kind, sms.to) == ("inspection", "+212612345678")
    assert "RCS-1" in sms.text and "مراقبة" in sms.text


def test_a_receipt_of_a_claim_not_selected_calls_for_no_sms():
    assert sms_for(issued(selected=False), max_parts=3) is None


def test_acceptance_and_missing_documents_each_call_for_their_sms_keyed_by_the_event():
    accepted = ClaimAccepted(**ENVELOPE, amount=Decimal("100.00"))
    incomplete = DocumentsIncomplete(**ENVELOPE, missing=("bank_details",))
    assert sms_for(accepted, 3).notification_id == f"{accepted.event_id}:acceptance"
    assert sms_for(incomplete, 3).kind == "missing_documents"


def refused(reasons: tuple[str, ...], language: str, selected: bool = False) -> ReceiptIssued:
    explanations = tuple(ReasonExplanation(code=code, fr=f"Explication {code}.", ar=f"شرح {code}.") for code in reasons)
    return ReceiptIssued(
        **ENVELOPE | {"claim": CLAIM.model_copy(update={"language": language})},
        receipt=RECEIPT,
        decision=DecisionSummary(outcome="ineligible", reasons=reasons, explanations=explanations),
        inspection=InspectionSelection(selected=selected),
    )


@pytest.mark.parametrize(
    "language, words",
    [("fr", "refusée: 60 ans (55 si mineur) non atteints."), ("ar", "السبب: السن المطلوبة غير مبلوغة.")],
)
def test_a_receipt_of_a_refused_claim_calls_for_the_refusal_sms_naming_the_first_reason(language, words):
    event = refused(("AGE_NOT_REACHED", "PENSION_RIGHTS"), language)
    sms = sms_for(event, max_parts=4)
    assert (sms.kind, sms.to, sms.notification_id) == ("refusal", "+212612345678", f"{event.event_id}:refusal")
    assert words in sms.text and "RCS-1" in sms.text and "080 20 20 109" in sms.text


def test_a_refusal_reason_with_no_short_wording_is_told_by_the_decisions_explanation():
    assert "refusée: explication NEW_CODE." in sms_for(refused(("NEW_CODE",), "fr", selected=True), 4).text
    assert "السبب: شرح NEW_CODE." in sms_for(refused(("NEW_CODE",), "ar"), 4).text


def test_a_claim_in_manual_review_calls_for_no_sms_at_its_receipt():
    event = ReceiptIssued(
        **ENVELOPE,
        receipt=RECEIPT,
        inspection=InspectionSelection(selected=False),
        decision=DecisionSummary(outcome="manual_review", reasons=("INSURED_UNKNOWN",)),
    )
    assert sms_for(event, 4) is None


@pytest.mark.parametrize("report, status", [(1, "delivered"), (2, "failed"), (8, "sent"), (16, "failed"), (99, None)])
def test_kannel_delivery_reports_map_to_notification_statuses(report, status):
    assert status_of_report(report) == status
