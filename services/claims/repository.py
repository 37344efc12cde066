"""The claims collection: one document per claim, with its form, documents, timeline and outbox."""

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts import ClaimSubmitted, DocumentRef, Topic
from services.runtime.outbox import pending_update, with_outbox


class ClaimsRepository:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def create_draft(self, claim_id: str, form: dict[str, Any], reference: str, created_at: datetime) -> None:
        await self.collection.insert_one({
            "_id": claim_id, "status": "draft", "form": form, "reference": reference,
            "created_at": created_at, "documents": {}, "timeline": {},
        })

    async def get(self, claim_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": claim_id}, {"outbox": 0})

    async def attach_document(self, claim_id: str, document: DocumentRef) -> bool:
        result = await self.collection.update_one(
            {"_id": claim_id, "status": "draft"},
            {"$set": {f"documents.{document.document_id}": document.model_dump()}},
        )
        return result.matched_count == 1

    async def submit_draft(self, claim_id: str, event: ClaimSubmitted) -> bool:
        """Draft → submitted with its event in the outbox; False when it was no longer a draft."""
        update = pending_update((Topic.CLAIM_SUBMITTED, event))
        update["$set"] |= {"status": "submitted", "submitted_event_id": event.event_id}
        result = await self.collection.update_one({"_id": claim_id, "status": "draft"}, update)
        return result.modified_count == 1

    async def insert_submitted(self, event: ClaimSubmitted, created_at: datetime) -> bool:
        """A claim a portal submitted directly; False when this claim id was already known."""
        document = {
            "_id": event.claim_id, "status": "submitted", "form": event.claim.model_dump(mode="json"),
            "reference": event.claim.reference, "created_at": created_at, "timeline": {},
            "documents": {d.document_id: d.model_dump() for d in event.documents},
            "submitted_event_id": event.event_id,
        }
        try:
            await self.collection.insert_one(with_outbox(document, (Topic.CLAIM_SUBMITTED, event)))
        except DuplicateKeyError:
            return False
        return True

    async def record_timeline(self, claim_id: str, entry: dict[str, Any]) -> None:
        """Keyed by event id, so a redelivered event leaves the timeline as it was."""
        await self.collection.update_one(
            {"_id": claim_id}, {"$set": {f"timeline.{entry['event_id']}": entry}}, upsert=True,
        )
