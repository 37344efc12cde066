"""Which SMS an event calls for, and what a delivery report means."""

from dataclasses import dataclass

from contracts import ClaimAccepted, DocumentsIncomplete, NotificationStatusChanged, ReceiptIssued
from contracts.notifications import NotificationKind, NotificationStatus
from services.notifications import messages

PRODUCER = "notifications"

# Kannel's delivery-report types (the `%d` of the dlr-url).
_REPORT_STATUS: dict[int, NotificationStatus] = {1: "delivered", 2: "failed", 4: "queued", 8: "sent", 16: "failed"}


@dataclass(frozen=True)
class Sms:
    notification_id: str
    claim_id: str
    correlation_id: str
    kind: NotificationKind
    to: str
    text: str


def sms_for(event: ReceiptIssued | DocumentsIncomplete | ClaimAccepted, max_parts: int) -> Sms | None:
    """The SMS this event calls for, keyed by the event (so it is sent once), or None. The inspection and
    refusal SMS wait for the receipt (one per decision), which the claimant brings to the agency."""
    claim = event.claim
    match event:
        case DocumentsIncomplete():
            doc_types = list(event.missing) + [rejected.doc_type for rejected in event.rejected]
            kind, text = "missing_documents", messages.missing_documents(claim.language, claim.reference, doc_types)
        case ReceiptIssued() if event.decision.outcome == "ineligible":
            kind, text = "refusal", messages.refusal(claim.language, claim.reference, *_main_reason(event))
        case ReceiptIssued() if event.inspection.selected:
            kind, text = "inspection", messages.inspection(claim.language, claim.reference)
        case ClaimAccepted():
            kind, text = "acceptance", messages.acceptance(claim.language, claim.reference, event.amount)
        case _:
            return None
    return Sms(f"{event.event_id}:{kind}", event.claim_id, event.correlation_id, kind, claim.phone,
               messages.fit_to_parts(text, max_parts))


def _main_reason(event: ReceiptIssued) -> tuple[str | None, str]:
    """The first reason code in listing order, and the decision's explanation of it in the claimant's language."""
    reason = event.decision.reasons[0] if event.decision.reasons else None
    explained = next((e for e in event.decision.explanations if e.code == reason), None)
    return reason, (getattr(explained, event.claim.language) if explained else "")


def status_of_report(report_type: int) -> NotificationStatus | None:
    return _REPORT_STATUS.get(report_type)


def status_event(sms: Sms | dict, status: NotificationStatus, detail: str = "") -> NotificationStatusChanged:
    fields = sms if isinstance(sms, dict) else sms.__dict__
    return NotificationStatusChanged(
        claim_id=fields["claim_id"], correlation_id=fields["correlation_id"], producer=PRODUCER,
        notification_id=fields["notification_id"], kind=fields["kind"], status=status, detail=detail,
    )
