"""One record per checked submission, keyed by the event that asked for the check."""

from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts import DocumentsIncomplete, DocumentsVerified, Topic
from services.runtime.outbox import with_outbox


class ReviewsRepository:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def already_reviewed(self, source_event_id: str) -> bool:
        return await self.collection.find_one({"_id": source_event_id}, {"_id": 1}) is not None

    async def record(
        self, source_event_id: str, outcome: DocumentsVerified | DocumentsIncomplete, checks: Sequence[dict] = ()
    ) -> None:
        topic = Topic.DOCUMENTS_VERIFIED if isinstance(outcome, DocumentsVerified) else Topic.DOCUMENTS_INCOMPLETE
        document = {
            "_id": source_event_id,
            "claim_id": outcome.claim_id,
            "outcome": outcome.type,
            "documents": [d.model_dump() for d in outcome.documents],
            "checks": list(checks),
            "flagged": sum(1 for check in checks if check["flags"]),
            "recorded_at": datetime.now(UTC),
        }
        with suppress(DuplicateKeyError):  # a redelivery raced us: the first record and its outbox stand
            await self.collection.insert_one(with_outbox(document, (topic, outcome)))
