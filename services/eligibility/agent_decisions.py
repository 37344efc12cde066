"""What the agents' actions do to a claim's decision: an inspection outcome, a manual-review decision, and the
second agent's approval. Each is applied once (a replayed action finds nothing waiting for it) and ends, when the
claim is settled, in ClaimAccepted (the amount the rules computed) or ClaimRefused."""

import logging
from decimal import Decimal
from typing import Any

from contracts import InspectionCompleted, ReviewApproved, ReviewDecided, Topic
from services.eligibility import domain
from services.eligibility.repository import DecisionsRepository
from services.runtime.dead_letters import PermanentError

log = logging.getLogger(__name__)


class ActionNotYetApplicable(Exception):
    """An inspection outcome read before the review that sends the claim to inspection: retried, not dropped."""


class AgentDecisions:
    def __init__(self, decisions: DecisionsRepository) -> None:
        self.decisions = decisions

    async def inspection_completed(self, completed: InspectionCompleted) -> str | None:
        """The decision's id once the outcome is recorded with its acceptance or refusal; None when no decision
        waits for it (a replay, or a claim never selected)."""
        decision = await self.decisions.awaiting_inspection(completed.claim_id)
        if decision is None:
            if await self.decisions.awaiting_review(completed.claim_id):
                raise ActionNotYetApplicable("inspection outcome before the review of a claim in manual review")
            log.warning("inspection outcome for a claim not awaiting one", extra={"claim_id": completed.claim_id})
            return None
        if completed.passed:
            event = (Topic.CLAIM_ACCEPTED, self._accepted(decision, completed.correlation_id, completed.agent_id))
        else:
            reasons = (completed.reason,) if completed.reason else ()
            event = (
                Topic.CLAIM_REFUSED,
                self._refused(decision, completed.correlation_id, reasons, completed.agent_id),
            )
        await self.decisions.settle(
            decision,
            "inspection_event_id",
            {
                "inspection_event_id": completed.event_id,
                "inspection_passed": completed.passed,
                "accepted": completed.passed,
            },
            event,
        )
        return decision["_id"]

    async def review_decided(self, review: ReviewDecided) -> str | None:
        decision = await self.decisions.awaiting_review(review.claim_id)
        if decision is None:
            log.warning("review of a claim not awaiting one", extra={"claim_id": review.claim_id})
            return None
        fields: dict[str, Any] = {
            "review_event_id": review.event_id,
            "review_agent_id": review.agent_id,
            "review_outcome": review.outcome,
            "review_needs_approval": review.needs_approval,
        }
        if review.outcome == "refuse":
            event = (
                Topic.CLAIM_REFUSED,
                self._refused(decision, review.correlation_id, review.reasons, review.agent_id),
            )
            await self.decisions.settle(decision, "review_event_id", fields, event)
        elif review.needs_approval:
            await self.decisions.settle(decision, "review_event_id", fields, None)
        else:
            await self._accept(decision, "review_event_id", fields, review.correlation_id, review.agent_id)
        return decision["_id"]

    async def review_approved(self, approved: ReviewApproved) -> str | None:
        decision = await self.decisions.awaiting_approval(approved.claim_id, approved.review_event_id)
        if decision is None:
            log.warning("approval of an acceptance not awaiting one", extra={"claim_id": approved.claim_id})
            return None
        if decision["review_agent_id"] == approved.agent_id:
            raise PermanentError("agent_id: the agent who accepted a claim cannot approve that acceptance")
        await self._accept(
            decision, "approved_by", {"approved_by": approved.agent_id}, approved.correlation_id, approved.agent_id
        )
        return decision["_id"]

    async def _accept(
        self, decision: dict[str, Any], awaited: str, fields: dict[str, Any], correlation_id: str, agent_id: str
    ) -> None:
        """Accepted by agents: at once, or after the inspection the claim was selected for."""
        if decision["selected_for_inspection"] and "inspection_event_id" not in decision:
            await self.decisions.settle(decision, awaited, fields | {"review_accepted": True}, None)
        else:
            accepted = self._accepted(decision, correlation_id, agent_id)
            await self.decisions.settle(
                decision,
                awaited,
                fields | {"review_accepted": True, "accepted": True},
                (Topic.CLAIM_ACCEPTED, accepted),
            )

    @staticmethod
    def _accepted(decision: dict[str, Any], correlation_id: str, agent_id: str):
        return domain.accepted_event(
            decision["claim_id"],
            correlation_id,
            domain.ClaimDetails.model_validate(decision["claim"]),
            Decimal(decision["decision"]["amount"]),
            agent_id,
        )

    @staticmethod
    def _refused(decision: dict[str, Any], correlation_id: str, reasons: tuple[str, ...], agent_id: str):
        return domain.refused_event(
            decision["claim_id"],
            correlation_id,
            domain.ClaimDetails.model_validate(decision["claim"]),
            reasons,
            agent_id,
        )
