"""The outbox relay on the real MongoDB-compatible server: what it published leaves the document (a little later, with
other documents' in one write), what it failed to publish is retried by `_id`, and the sweep finds what a crash left
pending."""

import asyncio
from typing import Any

import pytest

from contracts import DocumentsIncomplete, Topic
from services.runtime.outbox import OutboxRelay, pending_update, update_with_outbox, with_outbox
from tests.integration.port_suites import server_collection
from tests.samples import sample_claim
from tests.unit.runtime.fakes import CapturingBroker

pytestmark = pytest.mark.integration


def incomplete(claim_id: str) -> tuple[str, DocumentsIncomplete]:
    event = DocumentsIncomplete(
        claim_id=claim_id, correlation_id="c", producer="test", claim=sample_claim(), missing=("identity_card",)
    )
    return Topic.DOCUMENTS_INCOMPLETE, event


class FailingOnce(CapturingBroker):
    def __init__(self) -> None:
        super().__init__()
        self.failures = 1

    async def publish(self, message: bytes, topic: str, **options: Any) -> asyncio.Future[None]:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Kafka unreachable")
        return await super().publish(message, topic, **options)


async def test_published_entries_leave_the_document_and_are_not_published_again(request, run_id):
    async with server_collection(request, run_id, "relay") as collection:
        first, second = incomplete("k1"), incomplete("k1")
        await collection.insert_one(with_outbox({"_id": "k1", "state": 1}, first, second))
        broker = CapturingBroker()
        relay = OutboxRelay(broker, collection)  # type: ignore[arg-type]  # only `publish` is used
        await relay.publish_pending("k1")
        await relay.publish_pending("k1")
        await relay.remove_sent()
        stored = await collection.find_one({"_id": "k1"})
        assert (stored["outbox"], stored["outbox_pending"], stored["state"]) == ({}, [], 1)
        assert [sent["event_id"] for _, sent in broker.published] == [first[1].event_id, second[1].event_id]


async def test_a_failed_publication_is_retried_by_id_and_a_sweep_finds_what_was_left_pending(request, run_id):
    async with server_collection(request, run_id, "relay") as collection:
        await collection.insert_one({"_id": "k2", "state": 1})
        entry = incomplete("k2")
        await collection.update_one({"_id": "k2"}, pending_update(entry))
        broker = FailingOnce()
        relay = OutboxRelay(broker, collection)  # type: ignore[arg-type]
        with pytest.raises(ConnectionError):
            await relay.publish_pending("k2")
        assert await relay.retry_failed() == 1
        assert await relay.retry_failed() == 0
        assert [sent["event_id"] for _, sent in broker.published] == [entry[1].event_id]

        left = incomplete("k3")
        await collection.insert_one(with_outbox({"_id": "k3"}, left))  # as if the process died before publishing
        sweeper = OutboxRelay(broker, collection)  # type: ignore[arg-type]
        assert await sweeper.sweep() == 1
        assert broker.published[-1][1]["event_id"] == left[1].event_id
        await sweeper.remove_sent()
        assert await OutboxRelay(broker, collection).sweep() == 0  # type: ignore[arg-type]


class CountingReads:
    """The collection, counting the relay's reads of a document."""

    def __init__(self, collection: Any) -> None:
        self.collection, self.reads = collection, 0

    async def find_one(self, *args: Any, **kwargs: Any) -> Any:
        self.reads += 1
        return await self.collection.find_one(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.collection, name)


async def test_what_a_repository_announces_is_published_without_reading_the_document(request, run_id):
    async with server_collection(request, run_id, "relay") as collection:
        entry = incomplete("k4")
        await collection.insert_one(record := with_outbox({"_id": "k4"}, entry))
        broker, reads = CapturingBroker(), CountingReads(collection)
        relay = OutboxRelay(broker, reads)  # type: ignore[arg-type]
        relay.written("k4", record["outbox"])
        await relay.publish_pending("k4")
        assert reads.reads == 0
        assert [sent["event_id"] for _, sent in broker.published] == [entry[1].event_id]
        await relay.remove_sent()
        assert (await collection.find_one({"_id": "k4"}))["outbox_pending"] == []


async def test_an_update_announces_what_the_outbox_holds_older_entries_first(request, run_id):
    async with server_collection(request, run_id, "relay") as collection:
        older, newer, newest = incomplete("k5"), incomplete("k5"), incomplete("k5")
        await collection.insert_one(with_outbox({"_id": "k5"}, older))  # its publication failed, say
        broker, reads = CapturingBroker(), CountingReads(collection)
        relay = OutboxRelay(broker, reads)  # type: ignore[arg-type]
        assert await update_with_outbox(collection, {"_id": "k5"}, pending_update(newer), relay.written)
        await relay.publish_pending("k5")
        assert [sent["event_id"] for _, sent in broker.published] == [older[1].event_id, newer[1].event_id]

        assert await update_with_outbox(collection, {"_id": "k5"}, pending_update(newest), relay.written)
        await relay.publish_pending("k5")
        assert reads.reads == 0  # announced each time: sent without a read
        assert broker.published[-1][1]["event_id"] == newest[1].event_id
        await relay.remove_sent()
        assert (await collection.find_one({"_id": "k5"}))["outbox_pending"] == []
        assert not await update_with_outbox(collection, {"_id": "nobody"}, pending_update(newest), relay.written)


async def test_a_later_write_announces_an_earlier_announcement_still_pending_with_its_own(request, run_id):
    async with server_collection(request, run_id, "relay") as collection:
        first, second = incomplete("k7"), incomplete("k7")
        await collection.insert_one(record := with_outbox({"_id": "k7"}, first))
        broker, reads = CapturingBroker(), CountingReads(collection)
        relay = OutboxRelay(broker, reads)  # type: ignore[arg-type]
        relay.written("k7", record["outbox"])
        assert await update_with_outbox(collection, {"_id": "k7"}, pending_update(second), relay.written)
        await relay.publish_pending("k7")
        assert reads.reads == 0
        assert [sent["event_id"] for _, sent in broker.published] == [first[1].event_id, second[1].event_id]


async def test_entries_added_by_a_write_nobody_else_preceded_go_after_what_is_still_unsent_without_a_read(
    request, run_id
):
    async with server_collection(request, run_id, "relay") as collection:
        first, second, third = incomplete("k8"), incomplete("k8"), incomplete("k8")
        await collection.insert_one(record := with_outbox({"_id": "k8"}, first))
        broker, reads = FailingOnce(), CountingReads(collection)
        relay = OutboxRelay(broker, reads)  # type: ignore[arg-type]
        relay.written("k8", record["outbox"])
        with pytest.raises(ConnectionError):
            await relay.publish_pending("k8")  # the first entry stays unsent
        await collection.update_one({"_id": "k8"}, update := pending_update(second))
        relay.added("k8", {second[1].event_id: update["$set"][f"outbox.{second[1].event_id}"]})
        await relay.publish_pending("k8")
        await collection.update_one({"_id": "k8"}, update := pending_update(third))  # the others still in it
        relay.added("k8", {third[1].event_id: update["$set"][f"outbox.{third[1].event_id}"]})
        await relay.publish_pending("k8")
        assert reads.reads == 0
        assert [sent["event_id"] for _, sent in broker.published] == [e[1].event_id for e in (first, second, third)]


async def test_an_announced_publication_that_failed_is_retried_from_the_document(request, run_id):
    async with server_collection(request, run_id, "relay") as collection:
        entry = incomplete("k6")
        await collection.insert_one(record := with_outbox({"_id": "k6"}, entry))
        broker = FailingOnce()
        relay = OutboxRelay(broker, collection)  # type: ignore[arg-type]
        relay.written("k6", record["outbox"])
        with pytest.raises(ConnectionError):
            await relay.publish_pending("k6")
        assert await relay.retry_failed() == 1
        assert [sent["event_id"] for _, sent in broker.published] == [entry[1].event_id]
        await relay.remove_sent()
        assert (await collection.find_one({"_id": "k6"}))["outbox_pending"] == []


class Unacknowledged(CapturingBroker):
    """Takes every message; Kafka refuses the acknowledgement of those to `refused_key`."""

    def __init__(self, refused_key: bytes) -> None:
        super().__init__()
        self.refused_key = refused_key

    async def publish(self, message: bytes, topic: str, **options: Any) -> asyncio.Future[None]:
        acknowledgement = await super().publish(message, topic, **options)
        if options["key"] == self.refused_key:
            acknowledgement = asyncio.get_running_loop().create_future()
            acknowledgement.set_exception(ConnectionError("no acknowledgement"))
        return acknowledgement


async def test_documents_published_together_go_in_order_and_one_unacknowledged_is_retried_alone(request, run_id):
    async with server_collection(request, run_id, "relay") as collection:
        entries = {claim_id: (incomplete(claim_id), incomplete(claim_id)) for claim_id in ("k12", "k13", "k14")}
        for claim_id, pair in entries.items():
            await collection.insert_one(with_outbox({"_id": claim_id}, *pair))
        broker = Unacknowledged(refused_key=b"k13")
        relay = OutboxRelay(broker, collection)  # type: ignore[arg-type]
        with pytest.raises(ConnectionError):
            await relay.publish_pending("k12", "k13", "k14")  # all sent; k13's acknowledgement never comes
        in_order = [event.event_id for pair in entries.values() for _, event in pair]
        assert [sent["event_id"] for _, sent in broker.published] == in_order
        broker.refused_key = b""
        assert await relay.retry_failed() == 1
        assert [sent["event_id"] for _, sent in broker.published[6:]] == in_order[2:4]  # k13's again, the others not

        failing, first, second = FailingOnce(), incomplete("k15"), incomplete("k16")
        await collection.insert_many([with_outbox({"_id": "k15"}, first), with_outbox({"_id": "k16"}, second)])
        relay = OutboxRelay(failing, collection)  # type: ignore[arg-type]
        with pytest.raises(ConnectionError):
            await relay.publish_pending("k15", "k16")  # k15's send fails: k16 waits with it
        assert failing.published == []
        assert await relay.retry_failed() == 2
        assert {sent["event_id"] for _, sent in failing.published} == {first[1].event_id, second[1].event_id}


class CountingWrites(CountingReads):
    """The collection, counting the relay's reads and its writes that remove what it published."""

    def __init__(self, collection: Any) -> None:
        super().__init__(collection)
        self.removals = 0

    async def bulk_write(self, *args: Any, **kwargs: Any) -> Any:
        self.removals += 1
        return await self.collection.bulk_write(*args, **kwargs)


async def test_what_was_published_leaves_its_documents_in_one_write_and_is_not_published_again_meanwhile(
    request, run_id
):
    async with server_collection(request, run_id, "relay") as collection:
        entries = {claim_id: incomplete(claim_id) for claim_id in ("k8", "k9", "k10")}
        broker, writes = CapturingBroker(), CountingWrites(collection)
        relay = OutboxRelay(broker, writes, removal_interval_s=3600)  # type: ignore[arg-type]
        for claim_id, entry in entries.items():
            await collection.insert_one(record := with_outbox({"_id": claim_id}, entry))
            relay.written(claim_id, record["outbox"])
            await relay.publish_pending(claim_id)
        assert (await collection.find_one({"_id": "k8"}))["outbox_pending"] == [entries["k8"][1].event_id]

        # Before the removal, a write that adds an entry announces the one published too: only the new one goes.
        newer = incomplete("k8")
        assert await update_with_outbox(collection, {"_id": "k8"}, pending_update(newer), relay.written)
        await relay.publish_pending("k8")
        assert await relay.sweep() == 3  # pending in the documents, known here as sent: none published again
        assert [sent["event_id"] for _, sent in broker.published] == [
            *(entry[1].event_id for entry in entries.values()),
            newer[1].event_id,
        ]

        await relay.remove_sent()
        assert writes.removals == 1
        assert [document["outbox_pending"] async for document in collection.find({})] == [[], [], []]
        await relay.remove_sent()
        assert writes.removals == 1  # nothing left to remove, no write


async def test_what_was_published_leaves_its_document_by_itself_shortly_after(request, run_id):
    async with server_collection(request, run_id, "relay") as collection:
        entry = incomplete("k11")
        await collection.insert_one(with_outbox({"_id": "k11"}, entry))
        writes = CountingWrites(collection)
        relay = OutboxRelay(CapturingBroker(), writes, removal_interval_s=0.01)  # type: ignore[arg-type]
        await relay.publish_pending("k11")
        for _ in range(500):
            if not (await collection.find_one({"_id": "k11"}))["outbox_pending"]:
                break
            await asyncio.sleep(0.01)
        assert (await collection.find_one({"_id": "k11"}))["outbox"] == {}
        assert writes.removals == 1
