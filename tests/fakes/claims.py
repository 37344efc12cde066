"""In-memory stand-ins for the claims service's ports (services/claims/use_cases.py). The shared suite
tests/integration/test_claims_ports.py runs the same checks on them and on the MongoDB repository."""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from contracts import ClaimSubmitted, Event, Topic
from services.claims.domain import CLOCK_PAUSED, CLOCK_RUNS, STATUS_MAY_FOLLOW, TimelineStep
from services.claims.repository import EDITABLE, OpenClaimExists, Page
from services.runtime.auth import Caller

_MISSING = object()


class InMemoryClaims:
    def __init__(self) -> None:
        self.claims: dict[str, dict[str, Any]] = {}
        self.open_claims: dict[str, str] = {}  # registration number → its claim in progress
        self.outbox: dict[str, list[tuple[str, Event]]] = {}

    def add_draft(self, claim_id: str, form: dict[str, Any], reference: str, owner: str) -> None:
        self.claims[claim_id] = {
            "_id": claim_id,
            "owner": owner,
            "status": "draft",
            "form": form,
            "reference": reference,
            "documents": {},
            "timeline": {},
        }

    async def submit(self, claim_id: str, event: ClaimSubmitted, decision_due_at: datetime) -> bool:
        claim = self.claims.get(claim_id)
        if claim is None or claim["status"] not in EDITABLE:
            return False
        claim |= {"status": "submitted", "submitted_event_id": event.event_id, "decision_due_at": decision_due_at}
        claim.pop("clock_paused_at", None)
        self.outbox.setdefault(claim_id, []).append((Topic.CLAIM_SUBMITTED, event))
        return True

    async def insert_submitted(self, event: ClaimSubmitted, owner: str, decision_due_at: datetime) -> bool:
        if event.claim_id in self.claims:
            return False
        known = self.open_claims.setdefault(event.claim.registration_number, event.claim_id)
        if known != event.claim_id:
            raise OpenClaimExists(known)
        self.claims[event.claim_id] = {
            "_id": event.claim_id,
            "owner": owner,
            "status": "submitted",
            "form": event.claim.model_dump(mode="json"),
            "reference": event.claim.reference,
            "timeline": {},
            "submitted_event_id": event.event_id,
            "documents": {d.document_id: d.model_dump() for d in event.documents},
            "decision_due_at": decision_due_at,
            "status_since": datetime.now(UTC),
        }
        self.outbox[event.claim_id] = [(Topic.CLAIM_SUBMITTED, event)]
        return True

    async def record_timelines(self, steps: Sequence[TimelineStep]) -> set[str]:
        missing = set()
        for step in steps:
            if not await self.record_timeline(
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
        facts: dict[str, Any],
        on_entering: dict[str, Any] | None = None,
    ) -> bool:
        claim = self.claims.get(claim_id)
        if claim is None:
            return False
        first_delivery = entry["event_id"] not in claim["timeline"]
        claim["timeline"][entry["event_id"]] = entry
        for path, value in facts.items():
            _set(claim, path, value)
        if status and first_delivery and claim["status"] in STATUS_MAY_FOLLOW[status]:
            claim |= {**(on_entering or {}), "status": status, "status_since": datetime.fromisoformat(entry["at"])}
        if closes:
            self.open_claims = {number: held for number, held in self.open_claims.items() if held != claim_id}
        return True

    async def past_decision_deadline(self, now: datetime) -> Counter:
        return Counter(
            claim["status"]
            for claim in self.claims.values()
            if claim["status"] in CLOCK_RUNS and claim.get("decision_due_at") and claim["decision_due_at"] < now
        )

    async def get(self, claim_id: str) -> dict[str, Any] | None:
        return self.claims.get(claim_id)

    async def queue(
        self, status: str, *, agency: str | None = None, before: datetime | None = None, skip: int = 0, limit: int = 20
    ) -> Page:
        far = datetime.max.replace(tzinfo=UTC)

        def order(claim: dict[str, Any]) -> tuple:
            keys = (claim.get("decision_due_at") or far, claim.get("status_since") or far)
            return keys[::-1] if status == CLOCK_PAUSED else keys

        found = [
            claim
            for claim in self.claims.values()
            if claim["status"] == status
            and agency in (None, claim["form"].get("agency"))
            and (before is None or claim["status_since"] < before)
        ]
        return Page(len(found), sorted(found, key=order)[skip : skip + limit] if limit else [])

    async def record_action(
        self, claim_id: str, condition: dict[str, Any], fields: dict[str, Any], topic: str, event: Event
    ) -> bool:
        claim = self.claims.get(claim_id)
        if claim is None or not all(_holds(_get(claim, path), test) for path, test in condition.items()):
            return False
        for path, value in fields.items():
            _set(claim, path, value)
        self.outbox.setdefault(claim_id, []).append((topic, event))
        return True


class InMemoryAudit:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    async def record(
        self, agent: Caller, action: str, claim: dict[str, Any], detail: dict[str, Any] | None = None
    ) -> None:
        self.entries.append(
            {"agent_id": agent.subject, "action": action, "claim_id": claim["_id"], "detail": detail or {}}
        )


class PublishedEvents:
    """The outbox relay: what each publication sent, in order (each outbox entry once)."""

    def __init__(self, claims: InMemoryClaims) -> None:
        self.claims, self.sent, self._sent_ids = claims, [], set()

    async def publish_pending(self, claim_id: Any) -> None:
        for topic, event in self.claims.outbox.get(claim_id, ()):
            if event.event_id not in self._sent_ids:
                self._sent_ids.add(event.event_id)
                self.sent.append((topic, event))


def _get(document: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(document, dict) or part not in document:
            return _MISSING
        document = document[part]
    return document


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        document = document.setdefault(part, {})
    document[last] = value


def _holds(value: Any, test: Any) -> bool:
    """The few MongoDB conditions the claims service writes: equality, `$exists`, `$ne`, `$in`."""
    if isinstance(test, dict):
        return all(
            (value is not _MISSING) == expected
            if operator == "$exists"
            else value != expected
            if operator == "$ne"
            else value in expected
            if operator == "$in"
            else False
            for operator, expected in test.items()
        )
    return value == test
