"""A claim filed after the same insured's refusal may be drawn for inspection: the eligibility service finds earlier
refusals by registration number (one document per insured, read by `_id`; the use case leaves the claim itself
out)."""

import uuid

import pytest
from pymongo import AsyncMongoClient

from contracts import ClaimDecided, Topic
from services.eligibility.repository import DecisionsRepository
from services.eligibility.use_cases import NewDecision
from tests.failures.hostile import sample

pytestmark = pytest.mark.integration


@pytest.fixture
async def decisions(servers, run_id):
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    database = client[f"{run_id}_refusals"]
    yield DecisionsRepository(database["decisions"], database["refusals"])
    await client.close()


def decided_event(registration_number: str, outcome: str) -> ClaimDecided:
    event = ClaimDecided.model_validate(sample(Topic.CLAIM_DECIDED, str(uuid.uuid4())))
    return event.model_copy(
        update={
            "claim": event.claim.model_copy(update={"registration_number": registration_number}),
            "decision": event.decision.model_copy(update={"outcome": outcome}),
        }
    )


async def decide(decisions: DecisionsRepository, registration_number: str, outcome: str) -> str:
    decided = decided_event(registration_number, outcome)
    await decisions.record([NewDecision(decided.event_id, decided, accepted=None)])
    return decided.claim_id


async def test_a_refusal_counts_for_the_insured_s_other_claims_only(decisions):
    insured, other = uuid.uuid4().hex[:9], uuid.uuid4().hex[:9]
    refused = await decide(decisions, insured, "ineligible")
    await decide(decisions, insured, "eligible")

    assert await decisions.refused_claims([insured, other]) == {insured: {refused}}


async def test_an_accepted_or_undecided_claim_is_no_refusal(decisions):
    insured = uuid.uuid4().hex[:9]
    await decide(decisions, insured, "eligible")
    await decide(decisions, insured, "manual_review")

    assert await decisions.refused_claims([insured]) == {}


async def test_a_redelivered_refusal_is_recorded_once(decisions):
    insured = uuid.uuid4().hex[:9]
    refused = decided_event(insured, "ineligible")
    for _ in range(2):
        await decisions.record([NewDecision(refused.event_id, refused, accepted=None)])

    assert (await decisions.refusals.find_one({"_id": insured}))["claim_ids"] == [refused.claim_id]
    assert await decisions.collection.count_documents({"claim_id": refused.claim_id}) == 1
