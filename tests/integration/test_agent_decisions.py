"""The agents' actions applied to decisions on the real MongoDB-compatible server: each once, four eyes, and an
inspection outcome that comes before the review (or the approval) it follows is kept and applied when that lands,
however the two consumers interleave."""

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

import pytest
from pymongo import AsyncMongoClient

from contracts import (
    ClaimDecided,
    DecisionSummary,
    InspectionCompleted,
    InspectionSelection,
    ReviewApproved,
    ReviewDecided,
    Topic,
)
from services.eligibility.repository import DecisionsRepository
from services.eligibility.use_cases import ApplyAgentAction, NewDecision
from services.runtime.dead_letters import PermanentError
from tests.samples import sample_claim

pytestmark = pytest.mark.integration
CLAIM = sample_claim(reference="RCS-20261201-AAAA0000", filed_on="2026-12-01", force_majeure=True)


@pytest.fixture
async def decisions(servers, run_id):
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    database = client[f"{run_id}_agent_decisions"]
    yield DecisionsRepository(database["decisions"], database["refusals"])
    await client.close()


async def in_manual_review(decisions: DecisionsRepository, selected: bool) -> str:
    claim_id = str(uuid.uuid4())
    decided = ClaimDecided(
        claim_id=claim_id,
        correlation_id="k",
        producer="test",
        claim=CLAIM,
        documents=(),
        decision=DecisionSummary(
            outcome="manual_review", reasons=("FORCE_MAJEURE_REVIEW",), amount=Decimal("60000.00")
        ),
        inspection=InspectionSelection(selected=selected, reasons=("FORCE_MAJEURE",) * selected),
    )
    await decisions.record([NewDecision(str(uuid.uuid4()), decided, None)])
    return claim_id


def review(claim_id: str, outcome: str, **fields) -> ReviewDecided:
    return ReviewDecided(
        claim_id=claim_id, correlation_id="k", producer="test", agent_id="a1", outcome=outcome, **fields
    )


def approval(accepted: ReviewDecided, agent_id: str) -> ReviewApproved:
    return ReviewApproved(
        claim_id=accepted.claim_id,
        correlation_id="k",
        producer="test",
        agent_id=agent_id,
        review_event_id=accepted.event_id,
        inspection_pending=True,
    )


def failed_inspection(claim_id: str) -> InspectionCompleted:
    return InspectionCompleted(
        claim_id=claim_id,
        correlation_id="k",
        producer="test",
        passed=False,
        agent_id="a3",
        reason="IDENTITY_NOT_CONFIRMED",
        event_id=f"inspection-of-{claim_id}",
    )


async def outbox_topics(decisions: DecisionsRepository, claim_id: str) -> list[str]:
    found = await decisions.collection.find_one({"claim_id": claim_id})
    return sorted(entry["topic"] for entry in found["outbox"].values())


async def test_a_refusal_is_applied_once_and_remembered_for_the_insureds_next_claim(decisions):
    claim_id = await in_manual_review(decisions, selected=False)
    agents = ApplyAgentAction(decisions)
    refusal = review(claim_id, "refuse", reasons=("FORCE_MAJEURE_REVIEW",), justification="Aucune preuve fournie.")
    assert await agents.review_decided(refusal)
    assert await agents.review_decided(refusal) is None  # replayed
    assert await agents.review_decided(review(claim_id, "accept")) is None  # a later, contrary one
    assert await outbox_topics(decisions, claim_id) == [Topic.CLAIM_DECIDED, Topic.CLAIM_REFUSED]
    assert claim_id in (await decisions.refused_claims([CLAIM.registration_number]))[CLAIM.registration_number]


async def test_an_acceptance_above_the_limit_waits_for_a_second_agent_then_for_the_inspection(decisions):
    claim_id = await in_manual_review(decisions, selected=True)
    agents = ApplyAgentAction(decisions)
    accepted = review(claim_id, "accept", needs_approval=True, inspection_pending=True)
    await agents.review_decided(accepted)
    assert await outbox_topics(decisions, claim_id) == [Topic.CLAIM_DECIDED]
    with pytest.raises(PermanentError):
        await agents.review_approved(approval(accepted, "a1"))
    approved = approval(accepted, "a2")
    assert await agents.review_approved(approved)
    assert await agents.review_approved(approved) is None  # replayed
    assert await outbox_topics(decisions, claim_id) == [Topic.CLAIM_DECIDED]  # the inspection comes first
    passed = InspectionCompleted(claim_id=claim_id, correlation_id="k", producer="test", passed=True, agent_id="a2")
    assert await agents.inspection_completed(passed)
    assert await agents.inspection_completed(passed) is None
    assert await outbox_topics(decisions, claim_id) == [Topic.CLAIM_ACCEPTED, Topic.CLAIM_DECIDED]


async def test_an_inspection_outcome_read_before_the_review_and_its_approval_is_applied_when_they_land(decisions):
    claim_id = await in_manual_review(decisions, selected=True)
    agents = ApplyAgentAction(decisions)
    assert await agents.inspection_completed(failed_inspection(claim_id)) is None  # kept: no review yet
    accepted = review(claim_id, "accept", needs_approval=True, inspection_pending=True)
    assert await agents.review_decided(accepted)
    assert await agents.inspection_completed(failed_inspection(claim_id)) is None  # kept: no approval yet
    assert await outbox_topics(decisions, claim_id) == [Topic.CLAIM_DECIDED]
    assert await agents.review_approved(approval(accepted, "a2"))
    assert await outbox_topics(decisions, claim_id) == [Topic.CLAIM_DECIDED, Topic.CLAIM_REFUSED]
    assert await agents.inspection_completed(failed_inspection(claim_id)) is None  # read again: nothing more
    assert await outbox_topics(decisions, claim_id) == [Topic.CLAIM_DECIDED, Topic.CLAIM_REFUSED]
    assert claim_id in (await decisions.refused_claims([CLAIM.registration_number]))[CLAIM.registration_number]


async def test_an_acceptance_within_the_limit_of_a_claim_not_selected_is_accepted_at_once(decisions):
    claim_id = await in_manual_review(decisions, selected=False)
    assert await ApplyAgentAction(decisions).review_decided(review(claim_id, "accept"))
    found = await decisions.collection.find_one({"claim_id": claim_id})
    accepted = next(e for e in found["outbox"].values() if e["topic"] == Topic.CLAIM_ACCEPTED)
    assert '"amount":"60000.00"' in accepted["value"] and '"agent_id":"a1"' in accepted["value"]


class ActsAfterFirstCall:
    """The decisions as one consumer sees them while another consumer acts right after its first call."""

    def __init__(self, decisions: DecisionsRepository, act: Callable[[], Awaitable[object]]) -> None:
        self.decisions, self.act, self.acted = decisions, act, False

    def __getattr__(self, name: str):
        call = getattr(self.decisions, name)

        async def call_then_act(*args):
            result = await call(*args)
            if not self.acted:
                self.acted = True
                await self.act()
            return result

        return call_then_act


async def test_a_review_landing_just_after_an_inspection_outcome_was_kept_applies_it(decisions):
    claim_id = await in_manual_review(decisions, selected=True)
    reviews_consumer = ApplyAgentAction(decisions)
    inspections_consumer = ApplyAgentAction(
        ActsAfterFirstCall(decisions, lambda: reviews_consumer.review_decided(review(claim_id, "accept")))
    )
    assert await inspections_consumer.inspection_completed(failed_inspection(claim_id)) is None
    assert await outbox_topics(decisions, claim_id) == [Topic.CLAIM_DECIDED, Topic.CLAIM_REFUSED]


async def test_an_inspection_outcome_kept_while_its_review_is_being_applied_is_applied_by_that_review(decisions):
    claim_id = await in_manual_review(decisions, selected=True)
    inspections_consumer = ApplyAgentAction(decisions)
    reviews_consumer = ApplyAgentAction(
        ActsAfterFirstCall(decisions, lambda: inspections_consumer.inspection_completed(failed_inspection(claim_id)))
    )
    assert await reviews_consumer.review_decided(review(claim_id, "accept"))  # read the decision before the outcome
    assert await outbox_topics(decisions, claim_id) == [Topic.CLAIM_DECIDED, Topic.CLAIM_REFUSED]
