"""Transactional outbox embedded in each aggregate document (the target server has no multi-document
transactions): the events to publish are written in the same update as the state they describe, then a relay
publishes them and removes them (Kafka keeps them; the document stays the size of its state). Consumers dedupe by
event id, so a publish repeated after a crash is harmless.
"""

import asyncio
from typing import Any, Protocol

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.collection import AsyncCollection

from contracts import Event
from services.runtime.faults import crash_if_asked
from services.runtime.kafka import headers_for, serialize
from services.runtime.publishing import publish


class AnnounceWritten(Protocol):
    """Told by a repository, once its write succeeded, which `(topic, event)` pairs it put in a document's outbox
    (`OutboxRelay.written`), so that they are published without reading the document back."""

    def __call__(self, document_id: Any, *pending: tuple[str, Event]) -> None: ...


def nobody_told(document_id: Any, *pending: tuple[str, Event]) -> None:
    """The default announcement: nobody listens, and the relay reads what the document holds."""


def outbox_entry(topic: str, event: Event) -> dict[str, Any]:
    return {"topic": topic, "key": event.claim_id, "value": serialize(event).decode(), "headers": headers_for(event)}


def outbox_fields(*pending: tuple[str, Event]) -> dict[str, Any]:
    """Fields to `$set` (or insert) next to a state change so that `(topic, event)` pairs get published."""
    return {f"outbox.{event.event_id}": outbox_entry(topic, event) for topic, event in pending}


def with_outbox(document: dict[str, Any], *pending: tuple[str, Event]) -> dict[str, Any]:
    """A new document carrying its outbox, for `insert_one`."""
    entries = {k.removeprefix("outbox."): v for k, v in outbox_fields(*pending).items()}
    return {**document, "outbox": entries, "outbox_pending": [event.event_id for _, event in pending]}


def pending_update(*pending: tuple[str, Event]) -> dict[str, Any]:
    """The update operators that add entries to an existing document's outbox."""
    return {
        "$set": outbox_fields(*pending),
        "$addToSet": {"outbox_pending": {"$each": [event.event_id for _, event in pending]}},
    }


class OutboxRelay:
    """Publishes outbox entries. Within a process one publication at a time, so the handler's fast path and the
    sweeps never send the same entry twice; across instances a rare duplicate is left to the consumers' dedup.

    What this process's repositories announce they wrote (`written`) is published as announced; otherwise the
    document's outbox is read. A publication that fails is remembered and retried by `_id` (`retry_failed`), from
    the document; only `sweep` reads the whole collection, for what a crash left pending (at start, and rarely
    after): on FerretDB any other query is a scan."""

    def __init__(self, broker: KafkaBroker, collection: AsyncCollection) -> None:
        self.broker = broker
        self.collection = collection
        self._lock = asyncio.Lock()
        self._failed: set[Any] = set()
        self._announced: dict[Any, dict[str, dict[str, Any]]] = {}

    def written(self, document_id: Any, *pending: tuple[str, Event]) -> None:
        """`AnnounceWritten`: these entries are in the document's outbox now; the next `publish_pending` of the
        document sends them without a read."""
        self._announced.setdefault(document_id, {}).update(
            (event.event_id, outbox_entry(topic, event)) for topic, event in pending
        )

    async def publish_pending(self, document_id: Any) -> None:
        crash_if_asked("BEFORE_PUBLISH")  # between a state change written with its outbox and the publication
        try:
            async with self._lock:
                if announced := self._announced.pop(document_id, None):
                    await self._publish(document_id, announced)
                else:
                    await self._publish_stored(document_id)
        except Exception:
            self._failed.add(document_id)
            raise

    async def retry_failed(self) -> int:
        """Publish again what this process failed to publish; returns how many documents it retried."""
        retried = list(self._failed)
        for document_id in retried:
            async with self._lock:
                await self._publish_stored(document_id)
            self._failed.discard(document_id)
        return len(retried)

    async def _publish_stored(self, document_id: Any) -> None:
        """Publish what the document's outbox holds (whoever wrote it); the caller holds the lock."""
        self._announced.pop(document_id, None)  # stored too, read now
        document = await self.collection.find_one({"_id": document_id}, {"outbox": 1, "outbox_pending": 1})
        if document:
            outbox = document.get("outbox") or {}
            await self._publish(
                document_id, {event_id: outbox[event_id] for event_id in document.get("outbox_pending") or ()}
            )

    async def _publish(self, document_id: Any, entries: dict[str, dict[str, Any]]) -> None:
        for entry in entries.values():
            await publish(
                self.broker,
                entry["value"].encode(),
                entry["topic"],
                key=entry["key"].encode(),
                headers=entry["headers"],
            )
        if sent := list(entries):  # one write for them all: after a crash in between, all go again (consumers dedupe)
            await self.collection.update_one(
                {"_id": document_id},
                {
                    "$pullAll": {"outbox_pending": sent},  # FerretDB ignores a $pull by condition ($in)
                    "$unset": {f"outbox.{event_id}": "" for event_id in sent},
                },
            )

    async def sweep(self) -> int:
        """Publish whatever an earlier crash left pending; returns how many documents it found."""
        pending = [
            document["_id"]
            async for document in self.collection.find({"outbox_pending.0": {"$exists": True}}, {"_id": 1})
        ]
        for document_id in pending:
            async with self._lock:
                await self._publish_stored(document_id)
        return len(pending)
