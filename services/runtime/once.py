"""Process each event once. The record an event causes is keyed by that event's id (`_id`, unique) and inserted in
one write with the outbox of the events it calls for (the server has no multi-document transactions). A redelivered
event finds its record and is not processed again; of two instances processing it at once, the second insert fails
on the key and the first record, with its outbox, stands. The handler then publishes that outbox."""

from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts import Event
from services.runtime.outbox import AnnounceWritten, nobody_told, with_outbox


class PendingEvents(Protocol):
    """Publishes what a record's outbox still holds and marks it sent (`OutboxRelay`; an in-memory fake in tests)."""

    async def publish_pending(self, record_id: Any) -> None: ...


class ProcessedEvents:
    """The records of processed events in one collection, keyed by event id."""

    def __init__(self, collection: AsyncCollection, announce: AnnounceWritten = nobody_told) -> None:
        self.collection, self.announce = collection, announce

    async def already_done(self, event_id: str) -> bool:
        return await self.collection.find_one({"_id": event_id}, {"_id": 1}) is not None

    async def record(self, event_id: str, fields: dict[str, Any], *pending: tuple[str, Event]) -> bool:
        """Insert the record of `event_id` with the `(topic, event)` pairs to publish; False when there is one
        already (a redelivery raced this one: the first record and its outbox stand)."""
        try:
            await self.collection.insert_one(record := with_outbox({"_id": event_id, **fields}, *pending))
        except DuplicateKeyError:
            return False
        self.announce(event_id, record["outbox"])
        return True
