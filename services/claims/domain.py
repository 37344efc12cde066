"""A claim's life: its reference, the event it is submitted with, and its status timeline."""

import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal
from uuid import uuid4

from pydantic import BaseModel, Field, model_validator

from contracts import (
    ClaimAccepted,
    ClaimDecided,
    ClaimDetails,
    ClaimDrafted,
    ClaimForm,
    ClaimRefused,
    ClaimSubmitted,
    DocumentRef,
    DocumentsIncomplete,
    DocumentsVerified,
    Event,
    InspectionCompleted,
    NotificationStatusChanged,
    ReceiptIssued,
    ReviewApproved,
    ReviewDecided,
)
from contracts.agents import INSPECTION_FAILURE_REASONS, REVIEW_REFUSAL_REASONS
from contracts.documents import DOCUMENT_LABELS

PRODUCER = "claims"
FILE_NAME_CHARS = 200
MIN_JUSTIFICATION_CHARS = 10
# A manual-review decision whose amount the rules could not compute: an agent can only refuse it.
UNDECIDABLE_REASONS = frozenset({"INSURED_UNKNOWN", "REGISTRY_DATA_MISSING"})
_DECISION_FIELDS = {
    "outcome",
    "reasons",
    "explanations",
    "period",
    "event_date",
    "deadline",
    "refund_basis",
    "amount",
    "breakdown",
    "shares",
    "undistributed",
}


class InspectionOutcome(BaseModel):
    passed: bool
    reason: str | None = Field(default=None, description="why it failed: one of contracts.agents' codes")
    notes: str = Field(default="", max_length=1000)

    @model_validator(mode="after")
    def _failure_has_a_reason(self) -> "InspectionOutcome":
        if not self.passed and self.reason not in INSPECTION_FAILURE_REASONS:
            raise ValueError(f"a failed inspection needs a reason, one of {', '.join(INSPECTION_FAILURE_REASONS)}")
        if self.passed and self.reason is not None:
            raise ValueError("a passed inspection has no failure reason")
        return self


class ReviewInput(BaseModel):
    """An agent's decision on a claim in manual review."""

    outcome: Literal["accept", "refuse"]
    reasons: tuple[str, ...] = Field(default=(), max_length=10)
    justification: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _refusal_is_explained(self) -> "ReviewInput":
        if self.outcome == "refuse":
            unknown = [code for code in self.reasons if code not in REVIEW_REFUSAL_REASONS]
            if not self.reasons or unknown:
                raise ValueError(f"a refusal needs reason codes among {', '.join(REVIEW_REFUSAL_REASONS)}")
            if len(self.justification.strip()) < MIN_JUSTIFICATION_CHARS:
                raise ValueError(
                    f"a refusal needs a written justification of {MIN_JUSTIFICATION_CHARS} characters or more"
                )
        elif self.reasons:
            raise ValueError("an acceptance has no refusal reasons")
        return self


def reference_for(claim_id: str, created: date) -> str:
    """The request reference shown to the claimant, e.g. RCS-20261122-3F9A1C2B."""
    return f"RCS-{created:%Y%m%d}-{claim_id.replace('-', '')[:8].upper()}"


def claim_details(form: ClaimForm, reference: str, filed_on: date) -> ClaimDetails:
    return ClaimDetails(reference=reference, filed_on=filed_on, **form.model_dump())


def submitted_event(
    claim_id: str, details: ClaimDetails, documents: tuple[DocumentRef, ...], correlation_id: str
) -> ClaimSubmitted:
    return ClaimSubmitted(
        claim_id=claim_id,
        correlation_id=correlation_id,
        producer=PRODUCER,
        claim=details,
        documents=documents,
    )


def drafted_event(claim_id: str, form: ClaimForm, reference: str, correlation_id: str) -> ClaimDrafted:
    """The event of a claim started (its form as the contract has it, not as the API took it in)."""
    contract_form = ClaimForm.model_validate(form.model_dump(mode="json"))
    return ClaimDrafted(
        claim_id=claim_id, correlation_id=correlation_id, producer=PRODUCER, reference=reference, form=contract_form
    )


def listed(claim: dict[str, Any]) -> dict[str, Any]:
    """One line of the claimant's list of claims."""
    return {
        "claim_id": claim["_id"],
        "reference": claim["reference"],
        "status": claim["status"],
        "created_at": claim["created_at"],
        "updated_at": claim.get("updated_at") or claim["created_at"],
        "claimant_type": claim["form"]["claimant_type"],
    }


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


def inspection_event(
    claim_id: str, outcome: InspectionOutcome, agent_id: str, agency: str | None
) -> InspectionCompleted:
    return InspectionCompleted(
        claim_id=claim_id,
        correlation_id=str(uuid4()),
        producer=PRODUCER,
        passed=outcome.passed,
        reason=outcome.reason,
        notes=outcome.notes,
        agent_id=agent_id,
        agency=agency,
    )


def review_event(
    claim_id: str,
    review: ReviewInput,
    agent_id: str,
    agency: str | None,
    *,
    needs_approval: bool,
    inspection_pending: bool,
) -> ReviewDecided:
    return ReviewDecided(
        claim_id=claim_id,
        correlation_id=str(uuid4()),
        producer=PRODUCER,
        agent_id=agent_id,
        agency=agency,
        outcome=review.outcome,
        reasons=review.reasons,
        justification=review.justification.strip(),
        needs_approval=needs_approval,
        inspection_pending=inspection_pending,
    )


def approval_event(
    claim_id: str, review_event_id: str, agent_id: str, agency: str | None, inspection_pending: bool
) -> ReviewApproved:
    return ReviewApproved(
        claim_id=claim_id,
        correlation_id=str(uuid4()),
        producer=PRODUCER,
        agent_id=agent_id,
        agency=agency,
        review_event_id=review_event_id,
        inspection_pending=inspection_pending,
    )


def facts_of(event: Event) -> dict[str, Any]:
    """What an event brings to the claim beyond its timeline, for the agents' queues and the claim's file: the
    latest decision with its inspection selection, and the documents the checks accepted (where they are kept)."""
    match event:
        case ClaimDecided():
            return {
                "decision": {
                    **event.decision.model_dump(mode="json"),
                    "selected": event.inspection.selected,
                    "inspection_reasons": list(event.inspection.reasons),
                }
            }
        case DocumentsVerified() | DocumentsIncomplete():
            return {
                f"verified_documents.{document.document_id}": document.model_dump(mode="json")
                for document in event.documents
            }
    return {}


def timeline_entry(event: Event) -> dict[str, Any]:
    """What the portal shows for one event of the claim; `at` keeps microseconds as an ISO string."""
    status, detail = _status_of(event)
    return {
        "event_id": event.event_id,
        "type": event.type,
        "status": status,
        "at": event.occurred_at.isoformat(),
        "detail": detail,
    }


# The status each status may follow. The timeline's topics are read in no order between them (ClaimAccepted may be
# read before the ClaimDecided it follows), so a status only moves forward: accepted and refused are final.
STATUS_MAY_FOLLOW: dict[str, tuple[str, ...]] = {
    "returned": ("submitted",),
    "decided": ("submitted",),
    "manual_review": ("submitted",),
    "awaiting_approval": ("manual_review",),
    "under_inspection": ("submitted", "manual_review", "awaiting_approval"),
    "accepted": ("submitted", "decided", "manual_review", "awaiting_approval", "under_inspection"),
    "refused": ("submitted", "decided", "manual_review", "awaiting_approval", "under_inspection"),
}
# What moves a claim on from each status that is not final: the only way out of "manual_review" and
# "awaiting_approval", and out of "under_inspection", is an agent's action (tests/unit/claims check every status).
NEXT_STEP: dict[str, str] = {
    "draft": "the claimant validates it",
    "returned": "the claimant completes it and validates it again",
    "submitted": "the documents service checks its documents, then the eligibility service decides",
    "decided": "the eligibility service accepts it (eligible, not selected for inspection)",
    "manual_review": "an agent accepts or refuses it (back office, manual review queue)",
    "awaiting_approval": "a second agent approves the acceptance (back office, approval queue)",
    "under_inspection": "an agent records the inspection outcome (back office, inspection queue)",
}
FINAL_STATUSES = ("accepted", "refused")
# The one-week promise: a claim is decided within `decision_days` of its submission, the time it waits on the
# claimant (returned for documents) not counted. The clock runs in these statuses, is paused while the claim is
# returned, and stops when it is accepted or refused.
CLOCK_RUNS = ("submitted", "decided", "manual_review", "awaiting_approval", "under_inspection")
CLOCK_PAUSED = "returned"


def decision_due(claim: dict[str, Any] | None, now: datetime, decision_days: int) -> datetime:
    """When a claim submitted (or submitted again) now must be decided: `decision_days` from its first submission,
    plus the time it was returned to the claimant."""
    if claim and claim.get("clock_paused_at") and claim.get("decision_due_at"):
        return claim["decision_due_at"] + (now - claim["clock_paused_at"])
    return now + timedelta(days=decision_days)


def facts_on_entering(status: str | None, at: datetime) -> dict[str, Any]:
    """What a claim records when it moves to `status`: the moment its clock paused, when returned."""
    return {"clock_paused_at": at} if status == CLOCK_PAUSED else {}


@dataclass(frozen=True)
class TimelineStep:
    """What one event does to its claim: its timeline entry, the status it moves the claim to (None: unchanged) and
    whether that closes the claim, the facts it brings, and what is written only with the status change."""

    claim_id: str
    entry: dict[str, Any]
    status: str | None
    closes: bool
    facts: dict[str, Any]
    on_entering: dict[str, Any]


def timeline_step(event: Event) -> TimelineStep:
    status, closes = claim_status_after(event)
    return TimelineStep(
        event.claim_id,
        timeline_entry(event),
        status,
        closes,
        facts_of(event),
        facts_on_entering(status, event.occurred_at),
    )


def decision_clock(claim: dict[str, Any], now: datetime, warning: timedelta) -> dict[str, Any]:
    """The claim's decision deadline and where it stands: "past", "close" (within `warning`), "on_time", "paused"
    (returned to the claimant), or None (a draft, or decided for good)."""
    due = claim.get("decision_due_at")
    if claim["status"] == CLOCK_PAUSED and due is not None:
        state = "paused"
    elif claim["status"] not in CLOCK_RUNS or due is None:
        state = None
    elif due <= now:
        state = "past"
    else:
        state = "close" if due - now <= warning else "on_time"
    return {"decision_due_at": _iso(due), "decision_clock": state}


def claim_status_after(event: Event) -> tuple[str | None, bool]:
    """The claim's new status after this event (None: unchanged), and whether the claim is closed by it."""
    match event:
        case DocumentsIncomplete():
            return "returned", False
        case ClaimDecided() if event.decision.outcome == "ineligible":
            return "refused", True
        case ClaimDecided() if event.decision.outcome == "manual_review":
            return "manual_review", False
        case ClaimDecided():
            return "under_inspection" if event.inspection.selected else "decided", False
        case ReviewDecided() if event.outcome == "refuse":
            return "refused", True
        case ReviewDecided() if event.needs_approval:
            return "awaiting_approval", False
        case ReviewDecided() | ReviewApproved():
            return ("under_inspection", False) if event.inspection_pending else (None, False)
        case InspectionCompleted() if not event.passed:
            return "refused", True
        case ClaimRefused():
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
            return "receipt_issued", {
                "bucket": event.receipt.bucket,
                "object_key": event.receipt.object_key,
                "verification_code": event.receipt.verification_code,
            }
        case InspectionCompleted():
            return "inspection_passed" if event.passed else "inspection_failed", {
                "agent_id": event.agent_id,
                "agency": event.agency,
                "reason": event.reason,
                "notes": event.notes,
            }
        case ReviewDecided():
            return "review_accepted" if event.outcome == "accept" else "review_refused", {
                "agent_id": event.agent_id,
                "agency": event.agency,
                "reasons": list(event.reasons),
                "justification": event.justification,
                "needs_approval": event.needs_approval,
            }
        case ReviewApproved():
            return "review_approved", {"agent_id": event.agent_id, "agency": event.agency}
        case ClaimRefused():
            return "refused", {
                "agent_id": event.agent_id,
                "reasons": list(event.reasons),
                "explanations": [e.model_dump() for e in event.explanations],
            }
        case ClaimAccepted():
            return "accepted", {"amount": str(event.amount), "agent_id": event.agent_id}
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


def acceptable(decision: dict[str, Any]) -> bool:
    """Whether an agent may accept a claim in manual review: the rules computed what it pays."""
    return decision.get("outcome") == "manual_review" and not UNDECIDABLE_REASONS & set(decision.get("reasons", ()))


def needs_approval(decision: dict[str, Any], approval_above: Decimal) -> bool:
    """Four eyes: an acceptance above the configured amount needs a second agent."""
    return Decimal(decision.get("amount") or "0") > approval_above


def _iso(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def queued(queue: str, claim: dict[str, Any], now: datetime, warning: timedelta) -> dict[str, Any]:
    """One line of an agents' work queue."""
    decision = claim.get("decision") or {}
    reasons = {"manual_review": decision.get("reasons", []), "inspection": decision.get("inspection_reasons", [])}.get(
        queue, []
    )
    return {
        "claim_id": claim["_id"],
        "reference": claim["reference"],
        "status": claim["status"],
        "since": _iso(claim.get("status_since")),
        "claimant_type": claim["form"]["claimant_type"],
        "agency": claim["form"].get("agency"),
        "reasons": list(reasons),
        "amount": decision.get("amount"),
        "proposed_by": (claim.get("review") or {}).get("agent_id") if queue == "approval" else None,
        **decision_clock(claim, now, warning),
    }


def agent_actions(claim: dict[str, Any], agent_id: str) -> tuple[list[str], str | None]:
    """What this agent may do to the claim now, and why an expected action is withheld (None: nothing is): the one
    place that says who may act, for the claim's file and for the actions themselves. An acceptance waits for its
    approval from the moment it is recorded, before the timeline shows the claim awaiting approval."""
    review = claim.get("review") or {}
    if review.get("needs_approval") and not review.get("approved_by"):
        return ([], "own_decision") if review.get("agent_id") == agent_id else (["approve"], None)
    match claim["status"]:
        case "under_inspection" if not claim.get("inspection_recorded"):
            return ["record_inspection"], None
        case "manual_review" if not review:
            acceptable_now = acceptable(claim.get("decision") or {})
            return (["accept", "refuse"], None) if acceptable_now else (["refuse"], "no_amount")
    return [], None


def claim_file(
    claim: dict[str, Any], agent_id: str, approval_above: Decimal, now: datetime, warning: timedelta
) -> dict[str, Any]:
    """The claim's file as an agent sees it: the form, the documents with what the checks found, the decision,
    the inspection selection, the review, the actions open to this agent, and the timeline."""
    verified = claim.get("verified_documents", {})
    documents = [
        {
            "document_id": document_id,
            "doc_type": uploaded["doc_type"],
            "file_name": uploaded.get("file_name"),
            "size": uploaded["size"],
            "content_type": verified.get(document_id, uploaded).get("content_type"),
            "pages": verified.get(document_id, uploaded).get("pages"),
            "flags": verified.get(document_id, {}).get("flags", []),
            "verified": document_id in verified,
        }
        for document_id, uploaded in claim.get("documents", {}).items()
    ]
    decision = dict(claim.get("decision") or {}) or None
    inspection = None
    if decision:
        inspection = {"selected": decision.pop("selected"), "reasons": decision.pop("inspection_reasons")}
    review = claim.get("review")
    if review:
        review = {
            **review,
            "at": _iso(review.get("at")),
            "approved_at": _iso(review.get("approved_at")),
            "approved_by": review.get("approved_by"),
        }
    actions, blocked = agent_actions(claim, agent_id)
    return {
        "claim_id": claim["_id"],
        "reference": claim["reference"],
        "status": claim["status"],
        "since": _iso(claim.get("status_since")),
        **decision_clock(claim, now, warning),
        "form": claim["form"],
        "documents": documents,
        "decision": decision,
        "inspection": inspection,
        "review": review,
        "actions": actions,
        "blocked": blocked,
        "approval_above": f"{approval_above:.2f}",
        "timeline": sorted_timeline(claim.get("timeline", {})),
    }


def audit_entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": _iso(entry["at"]),
        "agent_id": entry["agent_id"],
        "agency": entry.get("agency"),
        "action": entry["action"],
        "claim_id": entry["claim_id"],
        "reference": entry.get("reference"),
        "detail": entry.get("detail", {}),
    }
