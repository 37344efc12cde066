"""In-memory stand-ins for the outbox relay, and a broker that keeps what the real relay publishes. Both show what
went out as `(topic, the event as it travels in JSON)`, so the shared test suites compare fake and real alike."""

import asyncio
import json
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from contracts import Event
from services.runtime.kafka import serialize
from services.runtime.outbox import OutboxRelay


def as_sent(event: Event) -> dict[str, Any]:
    return json.loads(serialize(event))


class MemoryOutbox:
    """The outboxes of in-memory records (`add`, by a fake repository) and their relay (`publish_pending`, the
    `PendingEvents` port): each event goes out once, in the order it was added."""

    def __init__(self) -> None:
        self.pending: dict[Any, list[tuple[str, Event]]] = {}
        self.published: list[tuple[str, dict[str, Any]]] = []

    def add(self, record_id: Any, *events: tuple[str, Event]) -> None:
        self.pending.setdefault(record_id, []).extend(events)

    async def publish_pending(self, *record_ids: Any) -> None:
        for record_id in record_ids:
            for topic, event in self.pending.pop(record_id, []):
                self.published.append((topic, as_sent(event)))


class CapturingBroker:
    """What `OutboxRelay` needs of a Kafka broker, keeping what it is given instead of sending it."""

    def __init__(self) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []

    async def publish(self, message: bytes, topic: str, **options: Any) -> asyncio.Future[None]:
        """Kept at once; the acknowledgement (awaited apart: `no_confirm`) is given."""
        self.published.append((topic, json.loads(message)))
        acknowledgement = asyncio.get_running_loop().create_future()
        acknowledgement.set_result(None)
        return acknowledgement


class CapturedRelay:
    """The real `OutboxRelay` over `collection`, publishing to a `CapturingBroker`: `published` as `MemoryOutbox`'s."""

    def __init__(self, collection: AsyncCollection) -> None:
        self.broker = CapturingBroker()
        self.relay = OutboxRelay(self.broker, collection)  # type: ignore[arg-type]  # only `publish` is used

    async def publish_pending(self, *record_ids: Any) -> None:
        await self.relay.publish_pending(*record_ids)

    @property
    def published(self) -> list[tuple[str, dict[str, Any]]]:
        return self.broker.published
