"""Which SMS an event calls for, what a delivery report means, and what an incoming SMS asks."""

import re
from dataclasses import dataclass
from typing import Literal

from contracts import (
    ClaimAccepted,
    ClaimRefused,
    DocumentsIncomplete,
    InvitationDue,
    NotificationStatusChanged,
    ReceiptIssued,
)
from contracts.eligibility import ReasonExplanation
from contracts.notifications import NotificationKind, NotificationStatus
from services.notifications import messages

PRODUCER = "notifications"

# Kannel's delivery-report types (the `%d` of the dlr-url).
_REPORT_STATUS: dict[int, NotificationStatus] = {1: "delivered", 2: "failed", 4: "queued", 8: "sent", 16: "failed"}


SmsKind = NotificationKind | Literal["invitation"]
MOROCCAN_MOBILE = re.compile(r"^(?:\+212|00212|212|0)([67]\d{8})$")
STOP_WORDS = frozenset({"stop", "arret", "arrêt", "توقف"})


@dataclass(frozen=True)
class Sms:
    """An SMS to send once; one of a claim tells the claim's timeline how it went, an invitation has no claim."""

    notification_id: str
    claim_id: str | None
    correlation_id: str
    kind: SmsKind
    to: str
    text: str


@dataclass(frozen=True)
class Move:
    """Where an SMS goes next: the gateway took it ("queued"), refused it ("failed"), or a report tells."""

    notification_id: str
    status: NotificationStatus
    detail: str = ""


SmsEvent = ReceiptIssued | DocumentsIncomplete | ClaimAccepted | ClaimRefused


def sms_for(event: SmsEvent, max_parts: int) -> Sms | None:
    """The SMS this event calls for, keyed by the event (so it is sent once), or None. The inspection SMS and the
    rules' refusal wait for the receipt (one per decision), which the claimant brings to the agency; an agent's
    refusal (review or inspection) is its own event."""
    claim = event.claim
    match event:
        case DocumentsIncomplete():
            doc_types = list(event.missing) + [rejected.doc_type for rejected in event.rejected]
            kind, text = "missing_documents", messages.missing_documents(claim.language, claim.reference, doc_types)
        case ReceiptIssued() if event.decision.outcome == "ineligible":
            kind, text = (
                "refusal",
                messages.refusal(
                    claim.language,
                    claim.reference,
                    *_main_reason(event.decision.reasons, event.decision.explanations, claim.language),
                ),
            )
        case ClaimRefused():
            kind, text = (
                "refusal",
                messages.refusal(
                    claim.language, claim.reference, *_main_reason(event.reasons, event.explanations, claim.language)
                ),
            )
        case ReceiptIssued() if event.inspection.selected:
            kind, text = "inspection", messages.inspection(claim.language, claim.reference)
        case ClaimAccepted():
            kind, text = "acceptance", messages.acceptance(claim.language, claim.reference, event.amount)
        case _:
            return None
    return Sms(
        f"{event.event_id}:{kind}",
        event.claim_id,
        event.correlation_id,
        kind,
        claim.phone,
        messages.fit_to_parts(text, max_parts),
    )


def invitation_sms(event: InvitationDue, portal_url: str, max_parts: int) -> Sms:
    """The invitation to file, or the reminder of a claim left unfinished (it has the claim's reference), keyed by the
    invitation (a milestone before a deadline), so it is sent once."""
    if event.reference:
        text = messages.reminder(event.language, event.reference, event.deadline, portal_url)
    else:
        text = messages.invitation(event.language, event.deadline, portal_url)
    return Sms(
        f"invitation:{event.invitation_id}",
        None,
        event.correlation_id,
        "invitation",
        event.phone,
        messages.fit_to_parts(text, max_parts),
    )


def opt_out_keys(phone: str | None = None, registration_number: str | None = None) -> list[str]:
    """How an opt-out is kept: by the phone it came from (a STOP reply), or by the insured (an agent's action)."""
    return [
        key for key in (phone and f"phone:{phone}", registration_number and f"insured:{registration_number}") if key
    ]


def mobile_from_gateway(sender: str) -> str | None:
    """The E.164 Moroccan mobile of an incoming SMS's sender, however the network wrote it; None for another."""
    match = MOROCCAN_MOBILE.match(sender.strip().replace(" ", ""))
    return f"+212{match.group(1)}" if match else None


def asks_to_stop(text: str) -> bool:
    return text.strip().strip(".!").casefold() in STOP_WORDS


def _main_reason(
    reasons: tuple[str, ...], explanations: tuple[ReasonExplanation, ...], language: str
) -> tuple[str | None, str]:
    """The first reason code (in listing order), and its explanation in the claimant's language."""
    reason = reasons[0] if reasons else None
    explained = next((e for e in explanations if e.code == reason), None)
    return reason, (getattr(explained, language) if explained else "")


def status_of_report(report_type: int) -> NotificationStatus | None:
    return _REPORT_STATUS.get(report_type)


def status_event(sms: Sms, status: NotificationStatus, detail: str = "") -> NotificationStatusChanged:
    return NotificationStatusChanged(
        claim_id=sms.claim_id,
        correlation_id=sms.correlation_id,
        producer=PRODUCER,
        notification_id=sms.notification_id,
        kind=sms.kind,
        status=status,
        detail=detail,
    )
