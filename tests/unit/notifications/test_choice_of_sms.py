from decimal import Decimal

import pytest

from contracts import (
    ClaimAccepted,
    ClaimDetails,
    DecisionSummary,
    DocumentsIncomplete,
    InspectionSelection,
    ReceiptIssued,
)
from contracts.receipts import ReceiptRef
from services.notifications.domain import sms_for, status_of_report

CLAIM = ClaimDetails(reference="RCS-1", filed_on="2026-11-22", claimant_type="insured", registration_number="123456789",
                     applicant_name="A", phone="+212612345678", language="ar")
ENVELOPE = {"claim_id": "c", "correlation_id": "k", "producer": "p", "claim": CLAIM}
RECEIPT = ReceiptRef(bucket="receipts", object_key="c/a.pdf", sha256="0" * 64, size=1)


def issued(selected: bool) -> ReceiptIssued:
    return ReceiptIssued(**ENVELOPE, decision=DecisionSummary(outcome="eligible"), receipt=RECEIPT,
                         inspection=InspectionSelection(selected=selected))


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


@pytest.mark.parametrize("report, status", [(1, "delivered"), (2, "failed"), (8, "sent"), (16, "failed"), (99, None)])
def test_kannel_delivery_reports_map_to_notification_statuses(report, status):
    assert status_of_report(report) == status
