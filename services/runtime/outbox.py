"""Transactional outbox embedded in each aggregate document (the target server has no multi-document
transactions): the events to publish are written in the same update as the state they describe, then a relay
publishes them and removes them (Kafka keeps them; the document stays the size of its state). Consumers dedupe by
event id, so a publish repeated after a crash is harmless.
"""

import asyncio
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.collection import AsyncCollection

from contracts import Event
from services.runtime.faults import crash_if_asked
from services.runtime.kafka import headers_for, serialize
from services.runtime.publishing import publish


def outbox_fields(*pending: tuple[str, Event]) -> dict[str, Any]:
    """Fields to `$set` (or insert) next to a state change so that `(topic, event)` pairs get published."""
    fields: dict[str, Any] = {}
    for topic, event in pending:
        fields[f"outbox.{event.event_id}"] = {
            "topic": topic,
            "key": event.claim_id,
            "value": serialize(event).decode(),
            "headers": headers_for(event),
        }
    return fields


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

    A publication that fails is remembered and retried by `_id` (`retry_failed`); only `sweep` reads the whole
    collection, for what a crash left pending (at start, and rarely after): on FerretDB any other query is a scan."""

    def __init__(self, broker: KafkaBroker, collection: AsyncCollection) -> None:
        self.broker = broker
        self.collection = collection
        self._lock = asyncio.Lock()
        self._failed: set[Any] = set()

    async def publish_pending(self, document_id: Any) -> None:
        crash_if_asked("BEFORE_PUBLISH")  # between a state change written with its outbox and the publication
        try:
            await self._publish_document(document_id)
        except Exception:
            self._failed.add(document_id)
            raise

    async def retry_failed(self) -> int:
        """Publish again what this process failed to publish; returns how many documents it retried."""
        retried = list(self._failed)
        for document_id in retried:
            await self._publish_document(document_id)
            self._failed.discard(document_id)
        return len(retried)

    async def _publish_document(self, document_id: Any) -> None:
        async with self._lock:
            document = await self.collection.find_one({"_id": document_id}, {"outbox": 1, "outbox_pending": 1})
            if document:
                await self._publish(document)

    async def _publish(self, document: dict[str, Any]) -> None:
        sent = list(document.get("outbox_pending") or ())
        for event_id in sent:
            entry = document["outbox"][event_id]
            await publish(
                self.broker,
                entry["value"].encode(),
                entry["topic"],
                key=entry["key"].encode(),
                headers=entry["headers"],
            )
        if sent:  # one write for them all: after a crash in between, all are published again (consumers dedupe)
            await self.collection.update_one(
                {"_id": document["_id"]},
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
            await self._publish_document(document_id)
        return len(pending)
