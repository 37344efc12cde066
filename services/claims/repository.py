"""The claims collection (one document per claim: form, documents, timeline, outbox), the open claim of each
insured (at most one), the idempotency keys of claim creations, and the agents' audit trail."""

from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from contracts import ClaimDrafted, ClaimSubmitted, DocumentRef, Event, Topic
from services.claims.domain import CLOCK_PAUSED, CLOCK_RUNS, STATUS_MAY_FOLLOW, TimelineStep
from services.runtime.auth import Caller
from services.runtime.outbox import AnnounceWritten, nobody_told, pending_update, update_with_outbox, with_outbox

CLAIMS = "claims"  # the collection, one document per claim
EDITABLE = ("draft", "returned")
LISTED_FIELDS = {"_id": 1, "reference": 1, "status": 1, "created_at": 1, "updated_at": 1, "form.claimant_type": 1}
QUEUED_FIELDS = {
    "_id": 1,
    "reference": 1,
    "status": 1,
    "status_since": 1,
    "form.claimant_type": 1,
    "form.agency": 1,
    "decision.reasons": 1,
    "decision.amount": 1,
    "decision.inspection_reasons": 1,
    "review.agent_id": 1,
    "decision_due_at": 1,
    "clock_paused_at": 1,
}
# The indexes the agents' queues need: by status, nearest decision deadline first (returned ones: oldest first; the
# first also serves the count of claims past their deadline); the inspection queue by agency too.
QUEUE_INDEXES = (
    ("status", "decision_due_at"),
    ("status", "status_since"),
    ("status", "form.agency", "decision_due_at"),
)


@dataclass(frozen=True)
class Page:
    count: int
    items: list[dict[str, Any]]


class OpenClaimExists(Exception):
    """The insured already has a claim in progress, reserved by a creation with this idempotency key (if any)."""

    def __init__(self, claim_id: str, key_id: str | None = None) -> None:
        super().__init__(claim_id)
        self.claim_id, self.key_id = claim_id, key_id

    def reserved_with(self, owner: str, key: str) -> bool:
        return self.key_id == idempotency_key_id(owner, key)


def idempotency_key_id(owner: str, key: str) -> str:
    return f"{owner}:{key}"


class ClaimsRepository:
    def __init__(self, database: AsyncDatabase, announce: AnnounceWritten = nobody_told) -> None:
        self.announce = announce
        self.collection: AsyncCollection = database[CLAIMS]
        self.open_claims: AsyncCollection = database["open_claims"]
        self.idempotency: AsyncCollection = database["idempotency_keys"]

    async def claim_for_key(self, owner: str, key: str) -> str | None:
        found = await self.idempotency.find_one({"_id": idempotency_key_id(owner, key)})
        return found["claim_id"] if found else None

    async def create_draft(self, event: ClaimDrafted, owner: str, idempotency_key: str | None) -> None:
        """The draft, its event in the outbox. Raises OpenClaimExists when the insured concerned already has a claim
        in progress. The key last: a key found always has its claim."""
        claim_id, form = event.claim_id, event.form.model_dump(mode="json")
        key_id = idempotency_key_id(owner, idempotency_key) if idempotency_key else None
        await self._reserve(form["registration_number"], claim_id, key_id=key_id)
        document = {
            "_id": claim_id,
            "owner": owner,
            "status": "draft",
            "form": form,
            "reference": event.reference,
            "created_at": (now := datetime.now(UTC)),
            "updated_at": now,
            "status_since": now,
            "documents": {},
            "timeline": {},
        }
        await self.collection.insert_one(drafted := with_outbox(document, (Topic.CLAIM_DRAFTED, event)))
        self.announce(claim_id, drafted["outbox"])
        if key_id:
            await self.idempotency.insert_one({"_id": key_id, "claim_id": claim_id})

    async def get(self, claim_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": claim_id}, {"outbox": 0})

    async def owned_by(self, owner: str, limit: int) -> list[dict[str, Any]]:
        """The owner's claims, newest first (index on `owner`)."""
        cursor = self.collection.find({"owner": owner}, LISTED_FIELDS).sort("created_at", DESCENDING).limit(limit)
        return await cursor.to_list()

    async def update_form(self, claim_id: str, form: dict[str, Any]) -> bool:
        result = await self.collection.update_one(
            {"_id": claim_id, "status": {"$in": EDITABLE}}, {"$set": {"form": form, "updated_at": datetime.now(UTC)}}
        )
        return result.matched_count == 1

    async def attach_document(self, claim_id: str, document: DocumentRef, about: dict[str, Any]) -> bool:
        """The reference the documents service reads, with what the upload's check found (`about`) beside it."""
        result = await self.collection.update_one(
            {"_id": claim_id, "status": {"$in": EDITABLE}},
            {
                "$set": {
                    f"documents.{document.document_id}": {**about, **document.model_dump()},
                    "updated_at": datetime.now(UTC),
                }
            },
        )
        return result.matched_count == 1

    async def remove_document(self, claim_id: str, document_id: str) -> bool:
        result = await self.collection.update_one(
            {"_id": claim_id, "status": {"$in": EDITABLE}, f"documents.{document_id}": {"$exists": True}},
            {"$unset": {f"documents.{document_id}": ""}, "$set": {"updated_at": datetime.now(UTC)}},
        )
        return result.modified_count == 1

    async def submit(self, claim_id: str, event: ClaimSubmitted, decision_due_at: datetime) -> bool:
        """Draft (or returned) → submitted, its event in the outbox, its decision clock running again; False when it
        was not editable."""
        update = pending_update((Topic.CLAIM_SUBMITTED, event))
        now = datetime.now(UTC)
        update["$set"] |= {
            "status": "submitted",
            "submitted_event_id": event.event_id,
            "updated_at": now,
            "status_since": now,
            "decision_due_at": decision_due_at,
        }
        update["$unset"] = {"clock_paused_at": ""}
        # The reservation's deadline first, so that no crash leaves a submitted claim out of the past-deadline count
        # (a deadline whose claim stayed a draft counts for nothing: the claim has the last word).
        await self.open_claims.update_one(
            {"_id": event.claim.registration_number, "claim_id": claim_id},
            {"$set": {"decision_due_at": decision_due_at}},
        )
        return await update_with_outbox(
            self.collection, {"_id": claim_id, "status": {"$in": EDITABLE}}, update, self.announce
        )

    async def insert_submitted(self, event: ClaimSubmitted, owner: str, decision_due_at: datetime) -> bool:
        """A claim a portal submitted directly; False when this claim id was already known. Known, it reserves
        nothing: a command read again once its claim was closed would otherwise hold the insured's open claim for
        good (only the claim's closing releases it)."""
        if await self.collection.find_one({"_id": event.claim_id}, {"_id": 1}):
            return False
        document = {
            "_id": event.claim_id,
            "owner": owner,
            "status": "submitted",
            "form": event.claim.model_dump(mode="json"),
            "reference": event.claim.reference,
            "created_at": (now := datetime.now(UTC)),
            "updated_at": now,
            "status_since": now,
            "timeline": {},
            "documents": {d.document_id: d.model_dump() for d in event.documents},
            "submitted_event_id": event.event_id,
            "decision_due_at": decision_due_at,
        }
        await self._reserve(event.claim.registration_number, event.claim_id, decision_due_at)
        try:
            await self.collection.insert_one(submitted := with_outbox(document, (Topic.CLAIM_SUBMITTED, event)))
        except DuplicateKeyError:
            return False
        self.announce(event.claim_id, submitted["outbox"])
        return True

    async def _reserve(
        self, insured: str, claim_id: str, decision_due_at: datetime | None = None, key_id: str | None = None
    ) -> None:
        """Make `claim_id` the insured's open claim, unless another one is (the unique `_id` decides races). A draft's
        reservation has no deadline yet (`None`: not one of those `date_reservations` dates), and the idempotency key
        of the creation that made it (`key_id`), so that a creation sent twice at once knows the other is its own."""
        reservation = {"_id": insured, "claim_id": claim_id, "decision_due_at": decision_due_at, "key_id": key_id}
        try:
            await self.open_claims.insert_one(reservation)
        except DuplicateKeyError:
            existing = await self.open_claims.find_one({"_id": insured}) or {"claim_id": ""}
            if existing["claim_id"] != claim_id:
                raise OpenClaimExists(existing["claim_id"], existing.get("key_id")) from None

    async def record_timelines(self, steps: Sequence[TimelineStep]) -> set[str]:
        """Several events' steps (a batch read from Kafka); the claims not found. Those that move no status are
        merged per claim and written in one round trip for all claims (their entries are keyed by event, their facts
        and `updated_at` do not depend on the order); each of the others is written alone (`record_timeline`), after
        them: the timeline's topics are read in no order between them anyway."""
        merged: dict[str, dict[str, Any]] = {}
        for step in steps:
            if not step.status:
                update = merged.setdefault(step.claim_id, {"$set": {}, "$max": {}})
                update["$set"] |= {f"timeline.{step.entry['event_id']}": step.entry, **step.facts}
                at = datetime.fromisoformat(step.entry["at"])
                update["$max"]["updated_at"] = max(at, update["$max"].get("updated_at", at))
        missing: set[str] = set()
        if merged:
            written = await self.collection.bulk_write(
                [UpdateOne({"_id": claim_id}, update) for claim_id, update in merged.items()], ordered=False
            )
            if written.matched_count < len(merged):  # rare (an event of a claim that is not here): which ones
                found = self.collection.find({"_id": {"$in": list(merged)}}, {"_id": 1})
                missing |= set(merged) - {claim["_id"] async for claim in found}
        for step in steps:
            if step.status and not await self.record_timeline(
                step.claim_id, step.entry, step.status, step.closes, step.facts, step.on_entering
            ):
                missing.add(step.claim_id)
        return missing

    async def record_timeline(
        self,
        claim_id: str,
        entry: dict[str, Any],
        status: str | None,
        closes: bool,
        facts: dict[str, Any] | None = None,
        on_entering: dict[str, Any] | None = None,
    ) -> bool:
        """Keyed by event id, so a redelivered event leaves the timeline as it was. The status changes only from one
        it may follow, and only on the event's first delivery (a returned claim resubmitted stays submitted).
        `facts`: fields the event brings to the claim (its decision, its accepted documents); `on_entering`: fields
        written only with the status change (when its decision clock paused). False when there is no such claim."""
        entry_path = f"timeline.{entry['event_id']}"
        at = datetime.fromisoformat(entry["at"])
        touched = {"updated_at": at}  # the event's time: a redelivery moves nothing
        kept = {entry_path: entry, **(facts or {})}
        moved = None  # the claim as it was before it moved, which `_release` reads its registration number from
        if status:  # (FerretDB 1.x takes no projection in a findAndModify)
            moved = await self.collection.find_one_and_update(
                {"_id": claim_id, "status": {"$in": STATUS_MAY_FOLLOW[status]}, entry_path: {"$exists": False}},
                {"$set": {**kept, **(on_entering or {}), "status": status, "status_since": at}, "$max": touched},
            )
        if moved is None:
            found = await self.collection.update_one({"_id": claim_id}, {"$set": kept, "$max": touched})
            if not found.matched_count:
                return False
        if closes:
            await self._release(claim_id, moved)
        return True

    async def _release(self, claim_id: str, claim: dict[str, Any] | None = None) -> None:
        """The insured may file again: their open claim, found by `_id` (the registration number of the `claim`, read
        when not given), is this one no more."""
        claim = claim or await self.collection.find_one({"_id": claim_id}, {"form.registration_number": 1}) or {}
        number = claim.get("form", {}).get("registration_number")
        await self.open_claims.delete_one({"_id": number, "claim_id": claim_id} if number else {"claim_id": claim_id})

    async def queue(
        self, status: str, *, agency: str | None = None, before: datetime | None = None, skip: int = 0, limit: int = 20
    ) -> Page:
        """Claims in `status` (of `agency`, in it since before `before`), the nearest decision deadline first (the
        oldest first among those without one running), from the queue indexes; with `limit` 0, only how many there
        are."""
        query: dict[str, Any] = {"status": status}
        if agency:
            query["form.agency"] = agency
        if before:
            query["status_since"] = {"$lt": before}
        count = await self.collection.count_documents(query)
        if not limit:
            return Page(count, [])
        order = [("decision_due_at", ASCENDING), ("status_since", ASCENDING)]
        if status == CLOCK_PAUSED:
            order.reverse()
        cursor = self.collection.find(query, QUEUED_FIELDS).sort(order).skip(skip).limit(limit)
        return Page(count, await cursor.to_list())

    async def past_decision_deadline(self, now: datetime) -> Counter:
        """How many claims whose decision clock runs are past their deadline, by status.

        Only open claims can be late, and each reservation carries the deadline its claim had when submitted: those
        past it are read by `_id`, so the count costs as much with a million claims decided as with none (a query
        on `claims` itself would read them all on FerretDB). The claim has the last word on its status and deadline.
        """
        counts: Counter = Counter()
        async for _, claim in self._reserved({"decision_due_at": {"$lt": now}}, {"status": 1, "decision_due_at": 1}):
            if claim["status"] in CLOCK_RUNS and claim.get("decision_due_at", now) < now:
                counts[claim["status"]] += 1
        return counts

    async def date_reservations(self) -> int:
        """Give the reservations written before they carried a deadline their claim's (run at start, it finds none
        once done); how many."""
        dated = 0
        async for reservation, claim in self._reserved({"decision_due_at": {"$exists": False}}, {"decision_due_at": 1}):
            if claim.get("decision_due_at"):
                result = await self.open_claims.update_one(
                    reservation | {"decision_due_at": {"$exists": False}},
                    {"$set": {"decision_due_at": claim["decision_due_at"]}},
                )
                dated += result.modified_count
        return dated

    async def _reserved(
        self, query: dict[str, Any], fields: dict[str, int]
    ) -> AsyncIterator[tuple[dict[str, Any], dict[str, Any]]]:
        """The reservations `query` finds, each with its claim (`fields` of it, read by `_id`) when there is one."""
        async for reservation in self.open_claims.find(query, {"claim_id": 1}):
            if claim := await self.collection.find_one({"_id": reservation["claim_id"]}, fields):
                yield reservation, claim

    async def record_action(
        self, claim_id: str, condition: dict[str, Any], fields: dict[str, Any], topic: str, event: Event
    ) -> bool:
        """An agent's action: its fields and its event in the outbox, in one update, only if `condition` holds
        (so two clicks, or two agents, make one event); False otherwise."""
        update = pending_update((topic, event))
        update["$set"] |= fields | {"updated_at": datetime.now(UTC)}
        return await update_with_outbox(self.collection, {"_id": claim_id, **condition}, update, self.announce)


class AuditTrail:
    """Who did what to which claim, and when: every agent action and every opening of a claim's file or document.
    Kept (never updated nor removed), listed per claim and per agent, newest first."""

    INDEXES = (("claim_id", "at"), ("agent_id", "at"))

    def __init__(self, collection: AsyncCollection) -> None:
        self.collection = collection

    async def record(
        self, agent: Caller, action: str, claim: dict[str, Any], detail: dict[str, Any] | None = None
    ) -> None:
        await self.collection.insert_one(
            {
                "_id": str(uuid4()),
                "at": datetime.now(UTC),
                "agent_id": agent.subject,
                "agency": agent.agency,
                "action": action,
                "claim_id": claim["_id"],
                "reference": claim["reference"],
                "detail": detail or {},
            }
        )

    async def entries(
        self, *, claim_id: str | None = None, agent_id: str | None = None, skip: int = 0, limit: int = 50
    ) -> Page:
        query = {"claim_id": claim_id} if claim_id else {"agent_id": agent_id}
        count = await self.collection.count_documents(query)
        cursor = self.collection.find(query).sort("at", DESCENDING).skip(skip).limit(limit)
        return Page(count, await cursor.to_list())
