"""`services/runtime/once.py` on the real server: an event's record is written once, with its outbox, and a second
record of the same event (a redelivery that raced the first) leaves the first as it was."""

import asyncio

import pytest

from contracts import DocumentsVerified
from services.runtime.once import ProcessedEvents
from tests.integration.port_suites import server_collection
from tests.unit.documents.test_claim_checks import CLAIM
from tests.unit.runtime.fakes import CapturedRelay

pytestmark = pytest.mark.integration


def verified() -> DocumentsVerified:
    return DocumentsVerified(claim_id="c-1", correlation_id="k", producer="documents", claim=CLAIM, documents=())


async def test_an_event_is_recorded_once_with_its_outbox_and_a_racing_second_record_changes_nothing(request, run_id):
    async with server_collection(request, run_id, "processed_events") as collection:
        processed, relay = ProcessedEvents(collection), CapturedRelay(collection)
        events = [verified() for _ in range(5)]
        assert not await processed.already_done("e-1")
        outcomes = await asyncio.gather(
            *(processed.record("e-1", {"attempt": n}, ("documents.verified.v1", e)) for n, e in enumerate(events))
        )
        assert sorted(outcomes) == [False] * 4 + [True]
        assert await processed.already_done("e-1")
        kept = await collection.find_one({"_id": "e-1"})
        winner = outcomes.index(True)
        assert (kept["attempt"], kept["outbox_pending"]) == (winner, [events[winner].event_id])
        await relay.publish_pending("e-1")
        assert [sent["event_id"] for _, sent in relay.published] == [events[winner].event_id]
