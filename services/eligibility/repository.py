"""Decisions, one per verified-documents event, with their outbox; and the inspection outcome that completes
a selected claim."""

from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts import ClaimAccepted, ClaimDecided, InspectionCompleted, Topic
from services.runtime.outbox import pending_update, with_outbox


class DecisionsRepository:
    def __init__(self, collection: AsyncCollection, refusals: AsyncCollection) -> None:
        self.collection = collection
        self.refusals = refusals  # by registration number: the claims found ineligible, read by _id

    async def already_decided(self, source_event_id: str) -> bool:
        return await self.collection.find_one({"_id": source_event_id}, {"_id": 1}) is not None

    async def refused_before(self, registration_number: str, claim_id: str) -> bool:
        refused = await self.refusals.find_one({"_id": registration_number})
        return refused is not None and any(earlier != claim_id for earlier in refused["claim_ids"])

    async def record(self, source_event_id: str, decided: ClaimDecided, accepted: ClaimAccepted | None) -> None:
        document = {
            "_id": source_event_id, "claim_id": decided.claim_id,
            "registration_number": decided.claim.registration_number, "claim": decided.claim.model_dump(mode="json"),
            "outcome": decided.decision.outcome, "selected_for_inspection": decided.inspection.selected,
            "decision": decided.decision.model_dump(mode="json"), "decided_at": datetime.now(UTC),
            "accepted": accepted is not None,
        }
        events = [(Topic.CLAIM_DECIDED, decided)] + ([(Topic.CLAIM_ACCEPTED, accepted)] if accepted else [])
        if decided.decision.outcome == "ineligible":  # first, so a crash before the decision loses no refusal
            await self.refusals.update_one({"_id": document["registration_number"]},
                                           {"$addToSet": {"claim_ids": decided.claim_id}}, upsert=True)
        with suppress(DuplicateKeyError):
            await self.collection.insert_one(with_outbox(document, *events))

    async def awaiting_inspection(self, claim_id: str) -> dict[str, Any] | None:
        """The claim's latest decision if it is eligible, selected and not yet inspected."""
        return await self.collection.find_one(
            {"claim_id": claim_id, "outcome": "eligible", "selected_for_inspection": True,
             "inspection_event_id": {"$exists": False}},
            sort=[("decided_at", DESCENDING)],
        )

    async def record_inspection(self, decision_id: str, inspection: InspectionCompleted,
                                accepted: ClaimAccepted | None) -> None:
        update = pending_update((Topic.CLAIM_ACCEPTED, accepted)) if accepted else {"$set": {}}
        update["$set"] |= {"inspection_event_id": inspection.event_id, "inspection_passed": inspection.passed,
                           "accepted": accepted is not None}
        await self.collection.update_one({"_id": decision_id, "inspection_event_id": {"$exists": False}}, update)
