"""Transactional outbox embedded in each aggregate document (the target server has no multi-document
transactions): the events to publish are written in the same update as the state they describe, then a relay
publishes them and removes them (Kafka keeps them; the document stays the size of its state). Consumers dedupe by
event id, so a publish repeated after a crash is harmless.
"""

import asyncio
import logging
from collections.abc import Awaitable, Iterable
from typing import Any, Protocol

from faststream.kafka import KafkaBroker
from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from contracts import Event
from services.runtime.faults import crash_if_asked
from services.runtime.kafka import headers_for, serialize
from services.runtime.publishing import acknowledged, send

log = logging.getLogger(__name__)

Entries = dict[str, dict[str, Any]]  # event id → what the relay publishes (topic, key, value, headers)

# What was published leaves its documents this long after, all documents in one write: a removal per publication was
# an eighth of the MongoDB commands a claim costs. A crash in between publishes them again (consumers dedupe).
REMOVAL_INTERVAL_S = 0.25
SWEEP_BATCH = 100


class AnnounceWritten(Protocol):
    """Told by a repository, once its write succeeded, of every entry its document's outbox then holds, in the order
    written (`OutboxRelay.written`): the relay publishes them without reading the document back."""

    def __call__(self, document_id: Any, entries: Entries) -> None: ...


def nobody_told(document_id: Any, entries: Entries) -> None:
    """The default announcement: nobody listens, and the relay reads what the document holds."""


def outbox_entries(*pending: tuple[str, Event]) -> Entries:
    return {
        event.event_id: {
            "topic": topic,
            "key": event.claim_id,
            "value": serialize(event).decode(),
            "headers": headers_for(event),
        }
        for topic, event in pending
    }


def with_outbox(document: dict[str, Any], *pending: tuple[str, Event]) -> dict[str, Any]:
    """A new document carrying its outbox, for `insert_one`; announce its `outbox` once inserted."""
    entries = outbox_entries(*pending)
    return {**document, "outbox": entries, "outbox_pending": list(entries)}


def pending_update(*pending: tuple[str, Event]) -> dict[str, Any]:
    """The update operators that add entries to an existing document's outbox (see `update_with_outbox`)."""
    return update_adding(outbox_entries(*pending))


def update_adding(entries: Entries) -> dict[str, Any]:
    """The update operators that add these entries to an existing document's outbox."""
    return {
        "$set": {f"outbox.{event_id}": entry for event_id, entry in entries.items()},
        "$addToSet": {"outbox_pending": {"$each": list(entries)}},
    }


async def update_with_outbox(
    collection: AsyncCollection, query: dict[str, Any], update: dict[str, Any], announce: AnnounceWritten
) -> bool:
    """Apply `update` (made from `pending_update`, with more fields) to the document `query` matches, and announce
    every entry its outbox then holds, in the order written (older ones too: their publication failed, or another
    instance wrote them), so that the relay publishes them without reading the document; False when none matches.
    One round trip: the server returns the document as updated."""
    updated = await collection.find_one_and_update(query, update, return_document=ReturnDocument.AFTER)
    if updated is None:
        return False
    announce(query["_id"], pending_entries(updated))
    return True


def pending_entries(document: dict[str, Any]) -> Entries:
    """What the document's outbox still holds to publish, in the order written."""
    outbox = document.get("outbox") or {}
    return {event_id: outbox[event_id] for event_id in document.get("outbox_pending") or ()}


class OutboxRelay:
    """Publishes outbox entries, one call at a time within a process; a rare duplicate (another instance, or
    a sweep between a write and its announcement or before what was sent left the document) is left to the
    consumers' dedup.

    What this process's repositories announce (`written`: what the document's outbox holds) is published as
    announced; otherwise the document's outbox is read, and its entries go in the order they were written. A
    publication that fails is remembered and retried by `_id` (`retry_failed`), from the document; only `sweep` reads
    the whole collection, for what a crash left pending (at start, and rarely after): on FerretDB any other query is
    a scan. What was published is removed from the documents a little later (`REMOVAL_INTERVAL_S`), several
    documents in one write; until then it is known here as sent, and not published again."""

    def __init__(
        self, broker: KafkaBroker, collection: AsyncCollection, removal_interval_s: float = REMOVAL_INTERVAL_S
    ) -> None:
        self.broker = broker
        self.collection = collection
        self.removal_interval_s = removal_interval_s
        self._lock = asyncio.Lock()
        self._failed: set[Any] = set()
        self._announced: dict[Any, Entries] = {}
        self._sent: dict[Any, set[str]] = {}  # published, still in their document
        self._removal: asyncio.TimerHandle | None = None
        self._removing: asyncio.Task | None = None

    def written(self, document_id: Any, entries: Entries) -> None:
        """`AnnounceWritten`: the document's outbox holds these entries only (what an earlier announcement named and
        they do not was sent already), which the next `publish_pending` of the document sends without a read."""
        if unsent := self._unsent(document_id, entries):
            self._announced[document_id] = unsent
        else:
            self._announced.pop(document_id, None)

    def added(self, document_id: Any, entries: Entries) -> None:
        """`AnnounceWritten` for a write made on the document as this process last wrote it (nobody else wrote it
        since): its outbox holds what was announced before and not sent yet, then these entries."""
        self.written(document_id, self._announced.get(document_id, {}) | entries)

    async def publish_pending(self, *document_ids: Any) -> None:
        if not document_ids:  # a batch that changed nothing: no crash point, no wait for the lock
            return
        crash_if_asked("BEFORE_PUBLISH")  # between a state change written with its outbox and the publication
        await self._publish(document_ids, read_first=False)

    async def retry_failed(self) -> int:
        """Publish again what this process failed to publish, and remove what it published but could not remove;
        returns how many documents it published again."""
        await self.remove_sent()
        retried = list(self._failed)
        await self._publish(retried, read_first=True)
        return len(retried)

    async def _publish(self, document_ids: Iterable[Any], read_first: bool) -> None:
        """Publish what each document's outbox holds (as announced, or, with `read_first` or nothing announced, as
        the document holds it, whoever wrote it): every entry sent in order, then every acknowledgement awaited, so
        that the documents' publications wait for Kafka together. What failed is remembered for `retry_failed`, and
        the first error raised once the others were acknowledged."""
        errors: list[Exception] = []
        async with self._lock:
            in_flight = []
            document_ids = list(document_ids)
            for position, document_id in enumerate(document_ids):
                try:
                    entries = await self._entries(document_id, read_first)
                    in_flight.append((document_id, entries, [await self._send(entry) for entry in entries.values()]))
                except Exception as error:  # the documents after it wait too: a claim's events keep their order
                    self._failed.update(document_ids[position:])
                    errors.append(error)
                    break
            for document_id, entries, acknowledgements in in_flight:
                topics = [entry["topic"] for entry in entries.values()]
                outcomes = await asyncio.gather(  # each awaited: an error left unread is logged as never retrieved
                    *map(acknowledged, acknowledgements, topics), return_exceptions=True
                )
                if failures := [outcome for outcome in outcomes if isinstance(outcome, BaseException)]:
                    self._failed.add(document_id)
                    errors.append(failures[0])
                else:
                    self._failed.discard(document_id)
                    self._mark_sent(document_id, entries)
        if errors:
            raise errors[0]

    async def _entries(self, document_id: Any, read_first: bool) -> Entries:
        if not read_first and (announced := self._announced.get(document_id)):
            return dict(announced)
        document = await self.collection.find_one({"_id": document_id}, {"outbox": 1, "outbox_pending": 1})
        return self._unsent(document_id, pending_entries(document)) if document else {}

    async def _send(self, entry: dict[str, Any]) -> Awaitable[Any]:
        value, topic, key = entry["value"].encode(), entry["topic"], entry["key"].encode()
        return await send(self.broker, value, topic, key=key, headers=entry["headers"])

    def _mark_sent(self, document_id: Any, entries: Entries) -> None:
        announced = self._announced.get(document_id, {})
        for event_id in entries:
            announced.pop(event_id, None)
        if not announced:
            self._announced.pop(document_id, None)
        if entries:
            self._sent.setdefault(document_id, set()).update(entries)
            if self._removal is None:
                loop = asyncio.get_running_loop()
                self._removal = loop.call_later(self.removal_interval_s, self._remove_in_background)

    def _unsent(self, document_id: Any, entries: Entries) -> Entries:
        sent = self._sent.get(document_id, ())
        return {event_id: entry for event_id, entry in entries.items() if event_id not in sent}

    def _remove_in_background(self) -> None:
        self._removal = None
        self._removing = asyncio.create_task(self.remove_sent())  # kept: the loop holds tasks weakly
        self._removing.add_done_callback(_log_failed_removal)

    async def remove_sent(self) -> None:
        """Remove what was published from its documents now, one write for them all (also before the process
        stops); what fails to go stays known as sent and goes with the next removal."""
        if self._removal is not None:
            self._removal.cancel()
            self._removal = None
        removing = {document_id: set(sent) for document_id, sent in self._sent.items()}
        if not removing:
            return
        await self.collection.bulk_write(
            [
                UpdateOne(
                    {"_id": document_id},
                    {
                        "$pullAll": {"outbox_pending": list(sent)},  # FerretDB ignores a $pull by condition ($in)
                        "$unset": {f"outbox.{event_id}": "" for event_id in sent},
                    },
                )
                for document_id, sent in removing.items()
            ],
            ordered=False,
        )
        for document_id, sent in removing.items():
            if left := self._sent.get(document_id, set()) - sent:  # published while this removal was written
                self._sent[document_id] = left
            else:
                self._sent.pop(document_id, None)

    async def sweep(self) -> int:
        """Publish whatever an earlier crash left pending; returns how many documents it found."""
        pending = [
            document["_id"]
            async for document in self.collection.find({"outbox_pending.0": {"$exists": True}}, {"_id": 1})
        ]
        for start in range(0, len(pending), SWEEP_BATCH):  # the lock is let go between batches, for the handlers
            await self._publish(pending[start : start + SWEEP_BATCH], read_first=True)
        return len(pending)


def _log_failed_removal(task: asyncio.Task) -> None:
    if not task.cancelled() and (error := task.exception()):
        log.warning("published outbox entries not removed yet, the next removal tries again: %r", error)
