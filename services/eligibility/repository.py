"""Decisions, one per verified-documents event, with their outbox (processed once: services/runtime/once.py); the
refusals by registration number; and what agents' actions did to a decision."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pymongo import DESCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from contracts import ClaimAccepted, ClaimDecided, ClaimDetails, Event, Topic
from services.eligibility.domain import is_refusal
from services.eligibility.use_cases import NewDecision, StoredDecision
from services.runtime.once import ProcessedEvents
from services.runtime.outbox import AnnounceWritten, nobody_told, pending_update, update_with_outbox


class DecisionsRepository:
    def __init__(
        self, collection: AsyncCollection, refusals: AsyncCollection, announce: AnnounceWritten = nobody_told
    ) -> None:
        self.collection, self.announce = collection, announce
        self.processed = ProcessedEvents(collection, announce)
        self.refusals = refusals  # by registration number: the claims found ineligible, read by _id

    async def decided_among(self, source_event_ids: Iterable[str]) -> set[str]:
        return await self.processed.done_among(source_event_ids)

    async def refused_claims(self, registration_numbers: Iterable[str]) -> dict[str, set[str]]:
        found = self.refusals.find({"_id": {"$in": list(registration_numbers)}})
        return {refused["_id"]: set(refused["claim_ids"]) async for refused in found}

    async def record(self, decisions: Sequence[NewDecision]) -> None:
        refusals = [
            (d.decided.claim.registration_number, d.decided.claim_id) for d in decisions if is_refusal(d.decided)
        ]
        await self._remember_refusals(refusals)  # first, so a crash before the decisions loses no refusal
        await self.processed.record_all(
            (
                d.source_event_id,
                _document(d.decided, d.accepted),
                ((Topic.CLAIM_DECIDED, d.decided),) + (((Topic.CLAIM_ACCEPTED, d.accepted),) if d.accepted else ()),
            )
            for d in decisions
        )

    async def awaiting_inspection(self, claim_id: str) -> StoredDecision | None:
        """The claim's latest decision if it is selected, not yet inspected, and eligible or accepted by agents."""
        return await self._latest(
            {
                "claim_id": claim_id,
                "selected_for_inspection": True,
                "inspection_event_id": {"$exists": False},
                "$or": [{"outcome": "eligible"}, {"review_accepted": True}],
            },
        )

    async def awaiting_review(self, claim_id: str) -> StoredDecision | None:
        """The claim's latest decision if it went to manual review and no agent decided it yet."""
        return await self._latest(
            {"claim_id": claim_id, "outcome": "manual_review", "review_event_id": {"$exists": False}}
        )

    async def awaiting_approval(self, claim_id: str, review_event_id: str) -> StoredDecision | None:
        return await self._latest(
            {
                "claim_id": claim_id,
                "review_event_id": review_event_id,
                "review_needs_approval": True,
                "approved_by": {"$exists": False},
            },
        )

    async def keep_early_inspection(self, claim_id: str, outcome: dict[str, Any]) -> bool:
        waiting = {
            "claim_id": claim_id,
            "$or": [
                {"outcome": "manual_review", "review_event_id": {"$exists": False}},
                {"review_needs_approval": True, "approved_by": {"$exists": False}},
            ],
        }
        return (await self.collection.update_one(waiting, {"$set": {"early_inspection": outcome}})).matched_count > 0

    async def settle(
        self, decision: StoredDecision, awaited: str, fields: dict[str, Any], event: tuple[str, Event] | None
    ) -> None:
        """Record what an agent's action did to a decision, and the event it calls for, once: only while the
        decision still has no `awaited` field (a replayed action changes nothing). A refusal is remembered by the
        insured's registration number first, like the rules' refusals."""
        if event and event[0] == Topic.CLAIM_REFUSED:
            await self._remember_refusals([(decision.registration_number, decision.claim_id)])
        update = pending_update(event) if event else {"$set": {}}
        update["$set"] |= fields
        await update_with_outbox(
            self.collection, {"_id": decision.id, awaited: {"$exists": False}}, update, self.announce
        )

    async def _remember_refusals(self, refusals: Iterable[tuple[str, str]]) -> None:
        """(registration number, claim id) pairs, one write per insured in one request."""
        claims_by_insured: dict[str, list[str]] = {}
        for registration_number, claim_id in refusals:
            claims_by_insured.setdefault(registration_number, []).append(claim_id)
        if claims_by_insured:
            await self.refusals.bulk_write(
                [
                    UpdateOne({"_id": number}, {"$addToSet": {"claim_ids": {"$each": claim_ids}}}, upsert=True)
                    for number, claim_ids in claims_by_insured.items()
                ],
                ordered=False,
            )

    async def _latest(self, query: dict[str, Any]) -> StoredDecision | None:
        found = await self.collection.find_one(query, {"outbox": 0}, sort=[("decided_at", DESCENDING)])
        if found is None:
            return None
        return StoredDecision(
            id=found["_id"],
            claim_id=found["claim_id"],
            registration_number=found["registration_number"],
            claim=ClaimDetails.model_validate(found["claim"]),
            amount=Decimal(found["decision"]["amount"]),
            selected_for_inspection=found["selected_for_inspection"],
            inspected="inspection_event_id" in found,
            review_agent_id=found.get("review_agent_id"),
            early_inspection=found.get("early_inspection"),
        )


def _document(decided: ClaimDecided, accepted: ClaimAccepted | None) -> dict[str, Any]:
    return {
        "claim_id": decided.claim_id,
        "registration_number": decided.claim.registration_number,
        "claim": decided.claim.model_dump(mode="json"),
        "outcome": decided.decision.outcome,
        "selected_for_inspection": decided.inspection.selected,
        "decision": decided.decision.model_dump(mode="json"),
        "decided_at": datetime.now(UTC),
        "accepted": accepted is not None,
    }
