"""Malformed and hostile events for every topic: each one unreadable by every consumer of the topic it goes to
(checked here against the same contracts the consumers parse with, so none of them is a valid event in disguise)."""

import json
import random
import string
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from contracts import (
    CareerRecord,
    ClaimAccepted,
    ClaimDecided,
    ClaimDetails,
    ClaimDrafted,
    ClaimForm,
    ClaimRefused,
    ClaimSubmitted,
    DecisionSummary,
    DocumentRef,
    DocumentsIncomplete,
    DocumentsVerified,
    InspectionCompleted,
    InspectionSelection,
    InsuredRecordUpdated,
    InvitationDue,
    NotificationStatusChanged,
    ReceiptIssued,
    ReviewDecided,
    SubmitClaim,
    Topic,
    VerifiedDocument,
)
from contracts.receipts import ReceiptRef
from services.claims.handlers import ClaimEvent

Headers = list[tuple[str, bytes]]
TIMELINE = TypeAdapter(ClaimEvent)
MODELS: dict[Topic, type[BaseModel]] = {
    Topic.CLAIM_INTAKE: SubmitClaim,
    Topic.CLAIM_SUBMITTED: ClaimSubmitted,
    Topic.CLAIM_DRAFTED: ClaimDrafted,
    Topic.DOCUMENTS_VERIFIED: DocumentsVerified,
    Topic.DOCUMENTS_INCOMPLETE: DocumentsIncomplete,
    Topic.CLAIM_DECIDED: ClaimDecided,
    Topic.CLAIM_ACCEPTED: ClaimAccepted,
    Topic.CLAIM_REFUSED: ClaimRefused,
    Topic.REVIEWS: ReviewDecided,
    Topic.INSPECTION_COMPLETED: InspectionCompleted,
    Topic.INSURED_RECORD_UPDATED: InsuredRecordUpdated,
    Topic.RECEIPT_ISSUED: ReceiptIssued,
    Topic.NOTIFICATION_STATUS: NotificationStatusChanged,
    Topic.INVITATIONS: InvitationDue,
}
_WRONG = [["a", 1], {"nested": {"deeper": [None]}}, 3.5e300, -1, True, "", "\u0000\u202e\ufeff", "2026-02-30"]


def sample(topic: Topic, claim_id: str = "0b6a6f3e-hostile") -> dict[str, Any]:
    """A VALID event of the topic, the base every hostile variant breaks."""
    form = ClaimForm(
        claimant_type="insured", registration_number="123456789", applicant_name="Sample Name", phone="+212661000000"
    )
    claim = ClaimDetails(**form.model_dump(), reference="RCS-20260101-0B6A6F3E", filed_on=date(2026, 1, 1))
    document = VerifiedDocument(
        document_id="d1",
        doc_type="identity_card",
        bucket="documents",
        object_key="k",
        content_type="application/pdf",
        size=1,
        pages=1,
        sha256="0" * 64,
    )
    decision = DecisionSummary(outcome="eligible", amount=Decimal("10.00"))
    inspection = InspectionSelection(selected=False)
    envelope = {"claim_id": claim_id, "correlation_id": "hostile", "producer": "hostile-tests"}
    events: dict[Topic, BaseModel] = {
        Topic.CLAIM_INTAKE: SubmitClaim(
            **envelope,
            submitted_by="123456789",
            form=form,
            documents=(
                DocumentRef(document_id="d1", doc_type="identity_card", bucket="quarantine", object_key="k", size=1),
            ),
        ),
        Topic.CLAIM_SUBMITTED: ClaimSubmitted(**envelope, claim=claim),
        Topic.CLAIM_DRAFTED: ClaimDrafted(**envelope, reference=claim.reference, form=form),
        Topic.DOCUMENTS_VERIFIED: DocumentsVerified(**envelope, claim=claim, documents=(document,)),
        Topic.DOCUMENTS_INCOMPLETE: DocumentsIncomplete(**envelope, claim=claim, missing=("bank_details",)),
        Topic.CLAIM_DECIDED: ClaimDecided(
            **envelope, claim=claim, documents=(document,), decision=decision, inspection=inspection
        ),
        Topic.CLAIM_ACCEPTED: ClaimAccepted(**envelope, claim=claim, amount=Decimal("10.00")),
        Topic.CLAIM_REFUSED: ClaimRefused(**envelope, claim=claim, reasons=("DEADLINE_PASSED",), agent_id="agent"),
        Topic.REVIEWS: ReviewDecided(
            **envelope,
            agent_id="agent",
            outcome="refuse",
            reasons=("DEADLINE_PASSED",),
            justification="Déposée après la date limite.",
        ),
        Topic.INSPECTION_COMPLETED: InspectionCompleted(**envelope, passed=True, agent_id="agent"),
        Topic.INSURED_RECORD_UPDATED: InsuredRecordUpdated(
            correlation_id="hostile",
            producer="hostile-tests",
            registration_number="123456789",
            record=CareerRecord(birth_date=date(1960, 1, 1), contribution_days=10),
        ),
        Topic.RECEIPT_ISSUED: ReceiptIssued(
            **envelope,
            claim=claim,
            decision=decision,
            inspection=inspection,
            receipt=ReceiptRef(bucket="receipts", object_key="k", sha256="0", size=1),
        ),
        Topic.NOTIFICATION_STATUS: NotificationStatusChanged(
            **envelope, notification_id="n", kind="acceptance", status="sent"
        ),
        Topic.INVITATIONS: InvitationDue(
            correlation_id="hostile",
            producer="hostile-tests",
            invitation_id="123456789:2029-03-31:first",
            registration_number="123456789",
            phone="+212661000000",
            language="fr",
            period="P3",
            deadline=date(2029, 3, 31),
            milestone="first",
        ),
    }
    return json.loads(events[topic].model_dump_json())


def readable_by(topic: Topic, payload: bytes | None, timeline: bool) -> list[str]:
    """Which of the topic's parsers (its contract; the claims timeline's union) accept this payload."""
    try:
        body = json.loads(payload or b"")
    except (ValueError, RecursionError):
        return []
    readers = [(MODELS[topic].__name__, MODELS[topic].model_validate)]
    if timeline:
        readers.append(("claims timeline", TIMELINE.validate_python))
    accepted = []
    for name, parse in readers:
        try:
            parse(body)
            accepted.append(name)
        except (ValidationError, ValueError, TypeError, RecursionError):
            pass
    return accepted


def _nested_junk(depth: int) -> Any:
    junk: Any = random.choice(["leaf", 0, None, [], {}])
    for _ in range(depth):
        junk = {"".join(random.choices(string.ascii_letters, k=5)): junk} if random.random() < 0.5 else [junk, 1]
    return junk


def _required(topic: Topic) -> list[str]:
    return [name for name, field in MODELS[topic].model_fields.items() if field.is_required()]


KINDS = (
    "not_json",
    "invalid_utf8",
    "wrong_top_level",
    "wrong_types",
    "missing_field",
    "unknown_version",
    "nested_junk",
    "empty_or_tombstone",
    "oversized_field",
    "content_type_lies",
)


def variants(topic: Topic, count: int) -> Iterator[tuple[str, bytes | None, Headers]]:
    """`count` hostile (kind, value, headers) for the topic, cycling through the kinds; a candidate that some
    parser would accept (a wrong type pydantic coerces, say) is drawn again."""
    base, required = sample(topic), _required(topic)
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        for _ in range(50):
            value, headers = _candidate(kind, base, random.choice(required))
            if not readable_by(topic, value, timeline=True):
                break
        else:
            raise AssertionError(f"no unreadable {kind} payload found for {topic}")
        yield kind, value, headers


def _candidate(kind: str, base: dict[str, Any], field: str) -> tuple[bytes | None, Headers]:
    broken = dict(base)
    match kind:
        case "not_json":
            return random.choice(
                [b"not json at all", b"<xml/>", b"{'single': 'quotes'}", b'{"a": 1,}', b"\x00\x01\x02", b"{" * 50]
            ), []
        case "invalid_utf8":
            return random.choice(
                [
                    b"\xff\xfe\xfd" + bytes(random.randrange(128, 256) for _ in range(20)),
                    json.dumps(base).encode().replace(b'"hostile"', b'"\xc3\x28\xa0\xa1"'),
                    b'{"type": "' + bytes([0xED, 0xA0, 0x80]) + b'"}',
                ]
            ), []
        case "wrong_top_level":
            top = random.choice([[], [base], 42, "a string", None, True, 1e308, {"list": [base]}])
            return json.dumps(top).encode(), []
        case "wrong_types":
            broken[field] = random.choice(_WRONG)
            return json.dumps(broken).encode(), []
        case "missing_field":
            del broken[field]
            return json.dumps(broken).encode(), []
        case "unknown_version":  # a v2 envelope: the v1 fields moved under "data", as a breaking change would
            rest = {k: v for k, v in base.items() if k not in ("type", "version")}
            version = random.choice([2, 3, 99, -1])
            return (
                json.dumps({"type": base.get("type"), "version": version, "data": rest}).encode(),
                [("event-version", str(version).encode())],
            )
        case "nested_junk":
            broken["junk"] = _nested_junk(40)
            broken[field] = _nested_junk(random.randrange(5, 60))
            return json.dumps(broken).encode(), []
        case "empty_or_tombstone":
            return random.choice([b"", None, b" ", b"{}", b"\n"]), []
        case "oversized_field":  # up to ~100 KB in one field
            broken[field] = "A" * random.randrange(1_000, 100_000)
            return json.dumps(broken).encode(), []
        case _:  # content-type headers that lie about the body
            content_type = random.choice([b"application/json", b"text/plain", b"application/x-garbage"])
            return random.choice([b"\xff\xfe not utf-8", b"{broken", json.dumps([1, 2]).encode()]), [
                ("content-type", content_type)
            ]
