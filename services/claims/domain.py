"""A claim's life: its reference, the event it is submitted with, and its status timeline."""

import re
import unicodedata
import urllib.parse
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from contracts import (
    ClaimAccepted,
    ClaimDecided,
    ClaimDetails,
    ClaimForm,
    ClaimSubmitted,
    DocumentRef,
    DocumentsIncomplete,
    DocumentsVerified,
    Event,
    InspectionCompleted,
    NotificationStatusChanged,
    ReceiptIssued,
)
from contracts.documents import DOCUMENT_LABELS

PRODUCER = "claims"
FILE_NAME_CHARS = 200
_DECISION_FIELDS = {"outcome", "reasons", "explanations", "period", "event_date", "deadline", "refund_basis",
                    "amount", "breakdown", "shares", "undistributed"}


class InspectionOutcome(BaseModel):
    passed: bool
    notes: str = Field(default="", max_length=1000)


def reference_for(claim_id: str, created: date) -> str:
    """The request reference shown to the claimant, e.g. RCS-20261122-3F9A1C2B."""
    return f"RCS-{created:%Y%m%d}-{claim_id.replace('-', '')[:8].upper()}"


def claim_details(form: ClaimForm, reference: str, filed_on: date) -> ClaimDetails:
    return ClaimDetails(reference=reference, filed_on=filed_on, **form.model_dump())


def submitted_event(claim_id: str, details: ClaimDetails, documents: tuple[DocumentRef, ...],
                    correlation_id: str) -> ClaimSubmitted:
    return ClaimSubmitted(
        claim_id=claim_id, correlation_id=correlation_id, producer=PRODUCER, claim=details, documents=documents,
    )


def listed(claim: dict[str, Any]) -> dict[str, Any]:
    """One line of the claimant's list of claims."""
    return {"claim_id": claim["_id"], "reference": claim["reference"], "status": claim["status"],
            "created_at": claim["created_at"], "updated_at": claim.get("updated_at") or claim["created_at"],
            "claimant_type": claim["form"]["claimant_type"]}


def file_name_of(header: str | None) -> str | None:
    """The upload's own name, only ever shown back to the claimant (storage keys are generated): UTF-8 sent raw or
    percent-encoded, without folders, control or direction-changing characters, at most 200 characters."""
    if not header:
        return None
    try:
        text = header.encode("latin-1").decode("utf-8")  # HTTP headers arrive as latin-1 text
    except UnicodeError:
        text = header
    name = re.split(r"[\\/]", urllib.parse.unquote(text))[-1]
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C")).strip()
    return name[:FILE_NAME_CHARS] or None


def inspection_event(claim_id: str, correlation_id: str, passed: bool, agent_id: str,
                     notes: str) -> InspectionCompleted:
    return InspectionCompleted(claim_id=claim_id, correlation_id=correlation_id, producer=PRODUCER,
                               passed=passed, agent_id=agent_id, notes=notes)


def timeline_entry(event: Event) -> dict[str, Any]:
    """What the portal shows for one event of the claim; `at` keeps microseconds as an ISO string."""
    status, detail = _status_of(event)
    return {"event_id": event.event_id, "type": event.type, "status": status,
            "at": event.occurred_at.isoformat(), "detail": detail}


# The status each status may follow. The timeline's topics are read in no order between them (ClaimAccepted may be
# read before the ClaimDecided it follows), so a status only moves forward: accepted and refused are final.
STATUS_MAY_FOLLOW: dict[str, tuple[str, ...]] = {
    "returned": ("submitted",),
    "decided": ("submitted",),
    "under_inspection": ("submitted",),
    "accepted": ("submitted", "decided", "under_inspection"),
    "refused": ("submitted", "decided", "under_inspection"),
}


def claim_status_after(event: Event) -> tuple[str | None, bool]:
    """The claim's new status after this event (None: unchanged), and whether the claim is closed by it."""
    match event:
        case DocumentsIncomplete():
            return "returned", False
        case ClaimDecided() if event.decision.outcome == "ineligible":
            return "refused", True
        case ClaimDecided():
            return "under_inspection" if event.inspection.selected else "decided", False
        case InspectionCompleted() if not event.passed:
            return "refused", True
        case ClaimAccepted():
            return "accepted", True
    return None, False


def _status_of(event: Event) -> tuple[str, dict[str, Any]]:
    match event:
        case ClaimSubmitted():
            return "submitted", {"documents": len(event.documents)}
        case DocumentsVerified():
            return "documents_verified", {"documents": [d.doc_type for d in event.documents]}
        case DocumentsIncomplete():
            return "documents_incomplete", {
                "missing": [_labelled(doc_type) for doc_type in event.missing],
                "rejected": [_labelled(r.doc_type) | {"reason": r.reason} for r in event.rejected],
            }
        case ClaimDecided():
            status = "selected_for_inspection" if event.inspection.selected else "decided"
            return status, {
                **event.decision.model_dump(mode="json", include=_DECISION_FIELDS),
                "inspection_reasons": list(event.inspection.reasons),
            }
        case ReceiptIssued():
            return "receipt_issued", {"bucket": event.receipt.bucket, "object_key": event.receipt.object_key,
                                      "verification_code": event.receipt.verification_code}
        case InspectionCompleted():
            return "inspection_passed" if event.passed else "inspection_failed", {"agent_id": event.agent_id}
        case ClaimAccepted():
            return "accepted", {"amount": str(event.amount)}
        case NotificationStatusChanged():
            return f"sms_{event.status}", {"kind": event.kind, "detail": event.detail}
    return event.type, {}


def sorted_timeline(entries: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries.values(), key=lambda entry: datetime.fromisoformat(entry["at"]))


def receipt_location(timeline: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    """(bucket, key) of the claim's latest receipt, from its timeline."""
    issued = [entry for entry in sorted_timeline(timeline) if entry["status"] == "receipt_issued"]
    return (issued[-1]["detail"]["bucket"], issued[-1]["detail"]["object_key"]) if issued else None


def _labelled(doc_type: str) -> dict[str, str]:
    french, arabic = DOCUMENT_LABELS.get(doc_type, (doc_type, doc_type))
    return {"doc_type": doc_type, "fr": french, "ar": arabic}
