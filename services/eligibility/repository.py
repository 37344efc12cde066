"""Decisions, one per verified-documents event, with their outbox; and the inspection outcome that completes
a selected claim."""

from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts import ClaimAccepted, ClaimDecided, Event, Topic
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
            "_id": source_event_id,
            "claim_id": decided.claim_id,
            "registration_number": decided.claim.registration_number,
            "claim": decided.claim.model_dump(mode="json"),
            "outcome": decided.decision.outcome,
            "selected_for_inspection": decided.inspection.selected,
            "decision": decided.decision.model_dump(mode="json"),
            "decided_at": datetime.now(UTC),
            "accepted": accepted is not None,
        }
        events = [(Topic.CLAIM_DECIDED, decided)] + ([(Topic.CLAIM_ACCEPTED, accepted)] if accepted else [])
        if decided.decision.outcome == "ineligible":  # first, so a crash before the decision loses no refusal
            await self.refusals.update_one(
                {"_id": document["registration_number"]}, {"$addToSet": {"claim_ids": decided.claim_id}}, upsert=True
            )
        with suppress(DuplicateKeyError):
            await self.collection.insert_one(with_outbox(document, *events))

    async def awaiting_inspection(self, claim_id: str) -> dict[str, Any] | None:
        """The claim's latest decision if it is selected, not yet inspected, and eligible or accepted by agents."""
        return await self.collection.find_one(
            {
                "claim_id": claim_id,
                "selected_for_inspection": True,
                "inspection_event_id": {"$exists": False},
                "$or": [{"outcome": "eligible"}, {"review_accepted": True}],
            },
            sort=[("decided_at", DESCENDING)],
        )

    async def awaiting_review(self, claim_id: str) -> dict[str, Any] | None:
        """The claim's latest decision if it went to manual review and no agent decided it yet."""
        return await self.collection.find_one(
            {"claim_id": claim_id, "outcome": "manual_review", "review_event_id": {"$exists": False}},
            sort=[("decided_at", DESCENDING)],
        )

    async def awaiting_approval(self, claim_id: str, review_event_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one(
            {
                "claim_id": claim_id,
                "review_event_id": review_event_id,
                "review_needs_approval": True,
                "approved_by": {"$exists": False},
            },
        )

    async def settle(
        self, decision: dict[str, Any], awaited: str, fields: dict[str, Any], event: tuple[str, Event] | None
    ) -> None:
        """Record what an agent's action did to a decision, and the event it calls for, once: only while the
        decision still has no `awaited` field (a replayed action changes nothing). A refusal is remembered by the
        insured's registration number first, like the rules' refusals."""
        if event and event[0] == Topic.CLAIM_REFUSED:
            await self.refusals.update_one(
                {"_id": decision["registration_number"]},
                {"$addToSet": {"claim_ids": decision["claim_id"]}},
                upsert=True,
            )
        update = pending_update(event) if event else {"$set": {}}
        update["$set"] |= fields
        await self.collection.update_one({"_id": decision["_id"], awaited: {"$exists": False}}, update)
