"""MongoDB access of the documents service: one record per checked submission, keyed by the event that asked for the
checks (`CheckRecords`), and the accepted uploads filed as they arrived (`FiledUploads`)."""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from contracts import DocumentsIncomplete, DocumentsVerified, Topic
from services.documents.domain import FiledUpload
from services.documents.file_checks import Accepted
from services.documents.use_cases import Verdict
from services.runtime.mongo import insert_new
from services.runtime.once import NewRecord, ProcessedEvents
from services.runtime.outbox import AnnounceWritten, nobody_told


class CheckRecordsRepository:
    def __init__(self, collection: AsyncCollection, announce: AnnounceWritten = nobody_told) -> None:
        self.processed = ProcessedEvents(collection, announce)

    async def checked_among(self, event_ids: Sequence[str]) -> set[str]:
        return await self.processed.done_among(event_ids) if event_ids else set()

    async def record_all(self, verdicts: Sequence[Verdict]) -> None:
        await self.processed.record_all([_record(event_id, outcome, checks) for event_id, outcome, checks in verdicts])


def _record(event_id: str, outcome: DocumentsVerified | DocumentsIncomplete, checks: Sequence[Any]) -> NewRecord:
    topic = Topic.DOCUMENTS_VERIFIED if isinstance(outcome, DocumentsVerified) else Topic.DOCUMENTS_INCOMPLETE
    fields = {
        "claim_id": outcome.claim_id,
        "outcome": outcome.type,
        "documents": [d.model_dump() for d in outcome.documents],
        "checks": list(checks),
        "flagged": sum(1 for check in checks if check["flags"]),
        "recorded_at": datetime.now(UTC),
    }
    return event_id, fields, ((topic, outcome),)


class FiledUploadsRepository:
    """`uploads` holds each filed upload's checks (`submitted` once its claim was); `unsubmitted` an entry per
    upload whose claim was not, so the expiry reads only those."""

    def __init__(self, uploads: AsyncCollection, unsubmitted: AsyncCollection) -> None:
        self.uploads, self.unsubmitted = uploads, unsubmitted

    async def filing(self, key: str) -> None:
        await insert_new(self.unsubmitted, [{"_id": key, "filed_at": datetime.now(UTC)}])

    async def record(self, filed: FiledUpload) -> None:
        await insert_new(self.uploads, [{"_id": filed.key, **_fields(filed), "submitted": False}])

    async def submitted(self, keys: Sequence[str]) -> dict[str, FiledUpload]:
        if not keys:
            return {}
        chosen = {"_id": {"$in": list(keys)}}
        await self.uploads.update_many(chosen, {"$set": {"submitted": True}})
        found = {document["_id"]: _filed(document) async for document in self.uploads.find(chosen)}
        await self.unsubmitted.delete_many(chosen)
        return found

    async def unsubmitted_since(self, before: datetime) -> list[str]:
        return [entry["_id"] async for entry in self.unsubmitted.find({"filed_at": {"$lt": before}}, {"_id": 1})]

    async def forget_unsubmitted(self, key: str) -> bool:
        if (await self.uploads.delete_one({"_id": key, "submitted": False})).deleted_count:
            return True
        return await self.uploads.find_one({"_id": key}, {"_id": 1}) is None

    async def expired(self, key: str) -> None:
        await self.unsubmitted.delete_one({"_id": key})


def _fields(filed: FiledUpload) -> dict[str, Any]:
    accepted = asdict(filed.accepted) | {"flags": list(filed.accepted.flags)}
    return {
        "claim_id": filed.claim_id,
        "document_id": filed.document_id,
        "upload_size": filed.upload_size,
        "scanned_by": filed.scanned_by,
        "accepted": accepted,
        "filed_at": datetime.now(UTC),
    }


def _filed(document: dict[str, Any]) -> FiledUpload:
    accepted = document["accepted"] | {"flags": tuple(document["accepted"]["flags"])}
    return FiledUpload(
        document["claim_id"],
        document["document_id"],
        document["upload_size"],
        Accepted(**accepted),
        document["scanned_by"],
    )
