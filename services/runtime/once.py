"""Process each event once. The record an event causes is keyed by that event's id (`_id`, unique) and inserted in
one write with the outbox of the events it calls for (the server has no multi-document transactions). A redelivered
event finds its record and is not processed again; of two instances processing it at once, the second insert fails
on the key and the first record, with its outbox, stands. The handler then publishes that outbox."""

from collections.abc import Iterable
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection

from contracts import Event
from services.runtime.mongo import insert_new
from services.runtime.outbox import AnnounceWritten, nobody_told, with_outbox

# A record to insert: the event's id, its fields, and the `(topic, event)` pairs its outbox holds.
NewRecord = tuple[str, dict[str, Any], tuple[tuple[str, Event], ...]]


class PendingEvents(Protocol):
    """Publishes what the records' outboxes still hold and marks it sent (`OutboxRelay`; an in-memory fake in
    tests)."""

    async def publish_pending(self, *record_ids: Any) -> None: ...


class ProcessedEvents:
    """The records of processed events in one collection, keyed by event id."""

    def __init__(self, collection: AsyncCollection, announce: AnnounceWritten = nobody_told) -> None:
        self.collection, self.announce = collection, announce

    async def already_done(self, event_id: str) -> bool:
        return event_id in await self.done_among([event_id])

    async def done_among(self, event_ids: Iterable[str]) -> set[str]:
        """Which of these events have their record (one read by `_id`)."""
        return {found["_id"] async for found in self.collection.find({"_id": {"$in": list(event_ids)}}, {"_id": 1})}

    async def record(self, event_id: str, fields: dict[str, Any], *pending: tuple[str, Event]) -> bool:
        """Insert the record of `event_id` with the `(topic, event)` pairs to publish; False when there is one
        already (a redelivery raced this one: the first record and its outbox stand)."""
        return event_id in await self.record_all([(event_id, fields, pending)])

    async def record_all(self, records: Iterable[NewRecord]) -> set[str]:
        """`record` for several events in one write; the ids of those inserted (the others had theirs)."""
        documents = [with_outbox({"_id": event_id, **fields}, *pending) for event_id, fields, pending in records]
        refused = await insert_new(self.collection, documents)
        inserted = [document for index, document in enumerate(documents) if index not in refused]
        for document in inserted:
            self.announce(document["_id"], document["outbox"])
        return {document["_id"] for document in inserted}
