"""A claim's status follows its events whatever the order the claims service reads its timeline's topics in (no
order between topics), and a redelivered event does not move it back."""

import itertools
import uuid

import pytest
from pymongo import AsyncMongoClient

from services.claims.repository import ClaimsRepository

pytestmark = pytest.mark.integration


def entry(status: str) -> dict:
    return {"event_id": uuid.uuid4().hex, "status": status, "at": "2026-11-23T10:00:00+00:00", "detail": {}}


@pytest.fixture
async def claims(servers, run_id):
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    yield ClaimsRepository(client[f"{run_id}_claim_status"])
    await client.close()


async def submitted_claim(claims: ClaimsRepository) -> str:
    claim_id = str(uuid.uuid4())
    await claims.collection.insert_one({"_id": claim_id, "status": "submitted", "timeline": {}})
    return claim_id


async def status_after(claims: ClaimsRepository, claim_id: str, events: list[tuple[dict, str | None]]) -> str:
    for event, status in events:
        await claims.record_timeline(claim_id, event, status, closes=status in ("accepted", "refused"))
    claim = await claims.collection.find_one({"_id": claim_id})
    assert set(claim["timeline"]) == {event["event_id"] for event, _ in events}
    return claim["status"]


@pytest.mark.parametrize("selected", [False, True])
async def test_an_accepted_claim_shows_accepted_in_every_order_its_events_are_read(claims, selected):
    decided = "under_inspection" if selected else "decided"
    events = [(entry("decided"), decided), (entry("receipt_issued"), None), (entry("accepted"), "accepted")]
    finals = {
        await status_after(claims, await submitted_claim(claims), list(order))
        for order in itertools.permutations(events)
    }
    assert finals == {"accepted"}


async def test_a_refusal_is_final_and_a_decision_read_after_it_does_not_undo_it(claims):
    claim_id = await submitted_claim(claims)
    assert (
        await status_after(
            claims,
            claim_id,
            [(entry("inspection_failed"), "refused"), (entry("selected_for_inspection"), "under_inspection")],
        )
        == "refused"
    )


async def test_a_redelivered_incomplete_documents_event_leaves_a_resubmitted_claim_submitted(claims):
    claim_id = await submitted_claim(claims)
    incomplete = entry("documents_incomplete")
    assert await status_after(claims, claim_id, [(incomplete, "returned")]) == "returned"
    await claims.collection.update_one({"_id": claim_id}, {"$set": {"status": "submitted"}})  # the claimant resubmits
    assert await status_after(claims, claim_id, [(incomplete, "returned")]) == "submitted"
    assert await status_after(claims, claim_id, [(incomplete, "returned"), (entry("decided"), "decided")]) == "decided"


async def test_an_event_for_a_claim_that_does_not_exist_creates_nothing(claims):
    claim_id = str(uuid.uuid4())
    assert not await claims.record_timeline(claim_id, entry("accepted"), "accepted", closes=True)
    assert not await claims.record_timeline(claim_id, entry("receipt_issued"), None, closes=False)
    assert await claims.collection.find_one({"_id": claim_id}) is None
