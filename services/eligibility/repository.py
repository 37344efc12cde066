"""Decisions, one per verified-documents event, with their outbox."""

from contextlib import suppress
from datetime import UTC, datetime

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts import ClaimDecided, Topic
from services.runtime.outbox import with_outbox


class DecisionsRepository:
    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def already_decided(self, source_event_id: str) -> bool:
        return await self.collection.find_one({"_id": source_event_id}, {"_id": 1}) is not None

    async def refused_before(self, registration_number: str, claim_id: str) -> bool:
        earlier = {"registration_number": registration_number, "outcome": "ineligible", "claim_id": {"$ne": claim_id}}
        return await self.collection.find_one(earlier, {"_id": 1}) is not None

    async def record(self, source_event_id: str, event: ClaimDecided) -> None:
        document = {
            "_id": source_event_id, "claim_id": event.claim_id, "registration_number": event.claim.registration_number,
            "outcome": event.decision.outcome, "selected_for_inspection": event.inspection.selected,
            "decision": event.decision.model_dump(mode="json"), "decided_at": datetime.now(UTC),
        }
        with suppress(DuplicateKeyError):
            await self.collection.insert_one(with_outbox(document, (Topic.CLAIM_DECIDED, event)))
