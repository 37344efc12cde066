"""In-memory stand-ins for the eligibility service's ports (services/eligibility/use_cases.py). The shared suite
tests/integration/test_eligibility_ports.py runs the same checks on them and on the MongoDB repositories."""

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from contracts import CareerRecord, ClaimDecided, Event, InsuredContact, Topic
from services.eligibility.domain import is_refusal
from services.eligibility.registry import RegistryEntry, UnfinishedClaim
from services.eligibility.use_cases import NewDecision, StoredDecision


class InMemoryCareers:
    def __init__(self) -> None:
        self.records: dict[str, CareerRecord] = {}
        self.contacts: dict[str, InsuredContact | None] = {}

    async def find(self, registration_number: str) -> CareerRecord | None:
        return self.records.get(registration_number)

    async def find_all(self, registration_numbers: Iterable[str]) -> dict[str, CareerRecord]:
        return {number: self.records[number] for number in registration_numbers if number in self.records}

    async def upsert(
        self, registration_number: str, record: CareerRecord, contact: InsuredContact | None = None
    ) -> None:
        self.records[registration_number], self.contacts[registration_number] = record, contact

    async def batches(self, size: int) -> AsyncIterator[list[RegistryEntry]]:
        entries = [
            RegistryEntry(n, r.model_copy(update={"contributions": ()}), self.contacts.get(n))
            for n, r in self.records.items()
        ]
        for start in range(0, len(entries), size):
            yield entries[start : start + size]


class InMemoryUnfinished:
    def __init__(self) -> None:
        self.claims: dict[str, tuple[UnfinishedClaim | None, datetime | None, datetime | None]] = {}

    async def left(self, claim: UnfinishedClaim, at: datetime) -> None:
        kept, since, submitted = self.claims.get(claim.registration_number, (None, None, None))
        if since is None or since < at:
            kept, since = claim, at
        self.claims[claim.registration_number] = (kept, since, submitted)

    async def submitted(self, registration_number: str, at: datetime) -> None:
        claim, since, submitted = self.claims.get(registration_number, (None, None, None))
        self.claims[registration_number] = (claim, since, max(at, submitted or at))

    async def pending(self) -> AsyncIterator[UnfinishedClaim]:
        for claim, since, submitted in list(self.claims.values()):
            if claim is not None and since is not None and (submitted is None or submitted < since):
                yield claim


class InMemoryIdSet:
    def __init__(self) -> None:
        self.ids: dict[str, dict[str, object]] = {}

    async def add(self, ids: Iterable[str], **fields: object) -> None:
        for id_ in ids:
            self.ids.setdefault(id_, fields)

    async def among(self, ids: Iterable[str]) -> set[str]:
        return {id_ for id_ in ids if id_ in self.ids}


class InMemoryDecisions:
    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}  # by source event id, in the order decided
        self.outbox: dict[str, list[tuple[str, Event]]] = {}  # what each record has to publish
        self.refusals: dict[str, set[str]] = {}

    async def decided_among(self, source_event_ids: Iterable[str]) -> set[str]:
        return {source_event_id for source_event_id in source_event_ids if source_event_id in self.records}

    async def refused_claims(self, registration_numbers: Iterable[str]) -> dict[str, set[str]]:
        return {number: set(self.refusals[number]) for number in registration_numbers if number in self.refusals}

    async def record(self, decisions: Sequence[NewDecision]) -> None:
        for new in decisions:
            if is_refusal(new.decided):
                self.refusals.setdefault(new.decided.claim.registration_number, set()).add(new.decided.claim_id)
            if new.source_event_id in self.records:
                continue
            self.records[new.source_event_id] = {
                "claim_id": new.decided.claim_id,
                "decided": new.decided,
                "outcome": new.decided.decision.outcome,
                "selected_for_inspection": new.decided.inspection.selected,
            }
            self.outbox[new.source_event_id] = [(Topic.CLAIM_DECIDED, new.decided)] + (
                [(Topic.CLAIM_ACCEPTED, new.accepted)] if new.accepted else []
            )

    async def awaiting_inspection(self, claim_id: str) -> StoredDecision | None:
        return self._latest(
            claim_id,
            lambda r: (
                r["selected_for_inspection"]
                and "inspection_event_id" not in r
                and (r["outcome"] == "eligible" or r.get("review_accepted"))
            ),
        )

    async def awaiting_review(self, claim_id: str) -> StoredDecision | None:
        return self._latest(claim_id, lambda r: r["outcome"] == "manual_review" and "review_event_id" not in r)

    async def awaiting_approval(self, claim_id: str, review_event_id: str) -> StoredDecision | None:
        return self._latest(
            claim_id,
            lambda r: (
                r.get("review_event_id") == review_event_id
                and r.get("review_needs_approval")
                and "approved_by" not in r
            ),
        )

    async def keep_early_inspection(self, claim_id: str, outcome: dict[str, Any]) -> bool:
        waiting = [
            r
            for r in self.records.values()
            if r["claim_id"] == claim_id
            and (
                (r["outcome"] == "manual_review" and "review_event_id" not in r)
                or (r.get("review_needs_approval") and "approved_by" not in r)
            )
        ]
        for record in waiting:
            record["early_inspection"] = outcome
        return bool(waiting)

    async def settle(
        self, decision: StoredDecision, awaited: str, fields: dict[str, Any], event: tuple[str, Event] | None
    ) -> None:
        if event and event[0] == Topic.CLAIM_REFUSED:
            self.refusals.setdefault(decision.registration_number, set()).add(decision.claim_id)
        record = self.records[decision.id]
        if awaited in record:
            return
        record.update(fields)
        if event:
            self.outbox[decision.id].append(event)

    def _latest(self, claim_id: str, waiting) -> StoredDecision | None:
        found = [(key, r) for key, r in self.records.items() if r["claim_id"] == claim_id and waiting(r)]
        if not found:
            return None
        key, record = found[-1]
        decided: ClaimDecided = record["decided"]
        return StoredDecision(
            id=key,
            claim_id=claim_id,
            registration_number=decided.claim.registration_number,
            claim=decided.claim,
            amount=Decimal(decided.decision.amount),
            selected_for_inspection=record["selected_for_inspection"],
            inspected="inspection_event_id" in record,
            review_agent_id=record.get("review_agent_id"),
            early_inspection=record.get("early_inspection"),
        )


class PublishedEvents:
    """The outbox relay: what each publication sent, in order (each outbox entry once)."""

    def __init__(self, decisions: InMemoryDecisions) -> None:
        self.decisions = decisions
        self.sent: list[tuple[str, Event]] = []
        self._sent_ids: set[str] = set()

    async def publish_pending(self, *record_ids: Any) -> None:
        for record_id in record_ids:
            for topic, event in self.decisions.outbox.get(record_id, ()):
                if event.event_id not in self._sent_ids:
                    self._sent_ids.add(event.event_id)
                    self.sent.append((topic, event))

    def topics(self) -> list[str]:
        return [topic for topic, _ in self.sent]
