"""One record per checked submission, keyed by the event that asked for the checks (the `CheckRecords` port)."""

from collections.abc import Sequence
from datetime import UTC, datetime

from pymongo.asynchronous.collection import AsyncCollection

from contracts import DocumentsIncomplete, DocumentsVerified, Topic
from services.documents.use_cases import FileCheckNote
from services.runtime.once import ProcessedEvents
from services.runtime.outbox import AnnounceWritten, nobody_told


class CheckRecordsRepository:
    def __init__(self, collection: AsyncCollection, announce: AnnounceWritten = nobody_told) -> None:
        self.processed = ProcessedEvents(collection, announce)

    async def already_checked(self, event_id: str) -> bool:
        return await self.processed.already_done(event_id)

    async def record(
        self, event_id: str, outcome: DocumentsVerified | DocumentsIncomplete, checks: Sequence[FileCheckNote] = ()
    ) -> None:
        topic = Topic.DOCUMENTS_VERIFIED if isinstance(outcome, DocumentsVerified) else Topic.DOCUMENTS_INCOMPLETE
        fields = {
            "claim_id": outcome.claim_id,
            "outcome": outcome.type,
            "documents": [d.model_dump() for d in outcome.documents],
            "checks": list(checks),
            "flagged": sum(1 for check in checks if check["flags"]),
            "recorded_at": datetime.now(UTC),
        }
        await self.processed.record(event_id, fields, (topic, outcome))
