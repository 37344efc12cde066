"""The claims service's use cases, each one call from an HTTP route or a Kafka handler: submit a claim (from the
portal's draft or from a portal's intake command: one way to build its event), follow its timeline, and the agents'
actions (inspection outcome, manual-review decision, four-eyes approval), each kept with the claim as an event
before it is published, and audited. They depend on the ports below, not on the servers."""

import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

from contracts import ClaimForm, ClaimSubmitted, DocumentRef, Event, SubmitClaim, Topic
from services.claims import domain
from services.runtime.auth import Caller

log = logging.getLogger(__name__)


class ClaimRecords(Protocol):
    """The claims, each with its timeline and outbox."""

    async def submit(self, claim_id: str, event: ClaimSubmitted, decision_due_at: datetime) -> bool: ...

    async def insert_submitted(self, event: ClaimSubmitted, owner: str, decision_due_at: datetime) -> bool: ...

    async def record_timelines(self, steps: Sequence[domain.TimelineStep]) -> set[str]:
        """Each step in its claim's timeline (a redelivered one changes nothing); the claims not found."""

    async def record_action(
        self, claim_id: str, condition: dict[str, Any], fields: dict[str, Any], topic: str, event: Event
    ) -> bool: ...


class AgentAudit(Protocol):
    """Who did what to which claim, and when."""

    async def record(
        self, agent: Caller, action: str, claim: dict[str, Any], detail: dict[str, Any] | None = None
    ) -> None: ...


class ActionRefused(Exception):
    """An agent's action the claim's state does not allow now: `code` says why (the API's 409)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


class SubmitClaims:
    """Draft (or returned) → submitted, from the claims API; or a claim a portal submitted whole, from the intake
    topic. Both build the `ClaimSubmitted` event the same way, filed today, and start (or restart) the claim's
    decision clock."""

    def __init__(self, claims: ClaimRecords, decision_days: int) -> None:
        self.claims, self.decision_days = claims, decision_days

    async def draft(self, claim: dict[str, Any], form: ClaimForm, correlation_id: str) -> None:
        """A draft or returned claim validated (the API checked the caller); a claim already submitted stays."""
        if claim["status"] in ("draft", "returned"):
            documents = tuple(DocumentRef.model_validate(d) for d in claim["documents"].values())
            event = self._event(claim["_id"], form, claim["reference"], documents, correlation_id)
            due = domain.decision_due(claim, event.occurred_at, self.decision_days)
            await self.claims.submit(claim["_id"], event, due)

    async def intake(self, command: SubmitClaim) -> None:
        """Raises OpenClaimExists when the insured already has a claim in progress."""
        reference = domain.reference_for(command.claim_id, _today())
        event = self._event(command.claim_id, command.form, reference, command.documents, command.correlation_id)
        due = domain.decision_due(None, event.occurred_at, self.decision_days)
        await self.claims.insert_submitted(event, command.submitted_by, due)

    @staticmethod
    def _event(
        claim_id: str, form: ClaimForm, reference: str, documents: tuple[DocumentRef, ...], correlation_id: str
    ) -> ClaimSubmitted:
        details = domain.claim_details(form, reference, _today())
        return domain.submitted_event(claim_id, details, documents, correlation_id)


class FollowTimeline:
    def __init__(self, claims: ClaimRecords) -> None:
        self.claims = claims

    async def __call__(self, events: Sequence[Event]) -> set[str]:
        """Each event in its claim's timeline, with the status it moves the claim to; the claims not found."""
        return await self.claims.record_timelines([domain.timeline_step(event) for event in events])


class AgentActions:
    """Each action is written with the claim (its event in the outbox) only if the claim's state still allows it,
    so two clicks or two agents make one event; then audited. The caller publishes the claim's outbox."""

    def __init__(self, claims: ClaimRecords, audit: AgentAudit, approval_above: Decimal) -> None:
        self.claims, self.audit, self.approval_above = claims, audit, approval_above

    async def record_inspection(self, claim: dict[str, Any], agent: Caller, outcome: domain.InspectionOutcome) -> None:
        if "record_inspection" not in domain.agent_actions(claim, agent.subject)[0]:
            raise ActionRefused("not_under_inspection", f"claim is {claim['status']}, not waiting for an inspection")
        event = domain.inspection_event(claim["_id"], outcome, agent.subject, agent.agency)
        recorded = {"agent_id": agent.subject, "passed": outcome.passed, "at": event.occurred_at}
        if not await self._act(
            claim,
            agent,
            "inspection_recorded",
            {"status": "under_inspection", "inspection_recorded": {"$exists": False}},
            {"inspection_recorded": recorded},
            (Topic.INSPECTION_COMPLETED, event),
            {"passed": outcome.passed, "reason": outcome.reason},
        ):
            raise ActionRefused("not_under_inspection", f"claim is {claim['status']}, not waiting for an inspection")

    async def decide_review(self, claim: dict[str, Any], agent: Caller, review: domain.ReviewInput) -> bool:
        """Accept or refuse a claim in manual review; True when the acceptance waits for a second agent."""
        decision = claim.get("decision") or {}
        allowed, withheld = domain.agent_actions(claim, agent.subject)
        if review.outcome not in allowed:
            if withheld == "no_amount":
                raise ActionRefused("no_amount", "the rules computed no amount for this claim: it can only be refused")
            code = "already_decided" if claim.get("review") else "not_in_review"
            raise ActionRefused(code, f"claim is {claim['status']}, not waiting for a manual decision")
        accepting = review.outcome == "accept"
        needs_approval = accepting and domain.needs_approval(decision, self.approval_above)
        event = domain.review_event(
            claim["_id"],
            review,
            agent.subject,
            agent.agency,
            needs_approval=needs_approval,
            inspection_pending=accepting and bool(decision.get("selected")),
        )
        recorded = {
            "event_id": event.event_id,
            "outcome": review.outcome,
            "reasons": list(review.reasons),
            "justification": event.justification,
            "agent_id": agent.subject,
            "agency": agent.agency,
            "at": event.occurred_at,
            "needs_approval": needs_approval,
            "inspection_pending": event.inspection_pending,
        }
        if not await self._act(
            claim,
            agent,
            "review_decided",
            {"status": "manual_review", "review": {"$exists": False}},
            {"review": recorded},
            (Topic.REVIEWS, event),
            {"outcome": review.outcome, "reasons": list(review.reasons)},
        ):
            raise ActionRefused("already_decided", "another decision on this claim was recorded first")
        return needs_approval

    async def approve_review(self, claim: dict[str, Any], agent: Caller) -> None:
        """Four eyes: a second agent approves an acceptance that needs it; never the agent who decided it."""
        review = claim.get("review") or {}
        allowed, withheld = domain.agent_actions(claim, agent.subject)
        if withheld == "own_decision":
            raise ActionRefused("own_decision", "the agent who accepted a claim cannot approve that acceptance")
        if "approve" not in allowed:
            raise ActionRefused("nothing_to_approve", "this claim has no acceptance waiting for approval")
        event = domain.approval_event(
            claim["_id"], review["event_id"], agent.subject, agent.agency, review["inspection_pending"]
        )
        if not await self._act(
            claim,
            agent,
            "review_approved",
            {
                "review.event_id": review["event_id"],
                "review.approved_by": {"$exists": False},
                "review.agent_id": {"$ne": agent.subject},
            },
            {"review.approved_by": agent.subject, "review.approved_at": event.occurred_at},
            (Topic.REVIEWS, event),
            {"review_event_id": review["event_id"]},
        ):
            raise ActionRefused("nothing_to_approve", "another agent approved this acceptance first")

    async def _act(
        self,
        claim: dict[str, Any],
        agent: Caller,
        action: str,
        condition: dict[str, Any],
        fields: dict[str, Any],
        event: tuple[str, Event],
        detail: dict[str, Any],
    ) -> bool:
        topic, published = event
        if not await self.claims.record_action(claim["_id"], condition, fields, topic, published):
            return False
        await self.audit.record(agent, action, claim, detail | {"event_id": published.event_id})
        log.info("agent action %s", action, extra={"claim_id": claim["_id"]})
        return True


def _today() -> date:
    return datetime.now(UTC).date()
