"""One suite for the claims service's `ClaimRecords` port, run on the in-memory fake and on the MongoDB repository
against the real server: the fake the handler tests use cannot drift from what the service really does."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts import ClaimForm, ClaimSubmitted, Topic
from services.claims import domain
from services.claims.repository import ClaimsRepository, OpenClaimExists
from tests.fakes.claims import InMemoryClaims
from tests.integration.port_suites import server_database

pytestmark = pytest.mark.integration
FILED_ON = date(2026, 12, 1)
DUE = datetime(2026, 12, 8, 10, tzinfo=UTC)


@pytest.fixture(params=["in memory", "mongodb"])
async def claims(request, run_id):
    if request.param == "in memory":
        yield InMemoryClaims()
        return
    async with server_database(request, f"{run_id}_claims_ports") as database:
        yield ClaimsRepository(database)


def submitted(claim_id: str, registration_number: str) -> ClaimSubmitted:
    form = ClaimForm(
        claimant_type="insured", registration_number=registration_number, applicant_name="A", phone="+212612345678"
    )
    details = domain.claim_details(form, domain.reference_for(claim_id, FILED_ON), FILED_ON)
    return domain.submitted_event(claim_id, details, (), "k")


def entry(status: str, at: str = "2026-12-01T10:00:00+00:00") -> dict:
    return {"event_id": uuid.uuid4().hex, "status": status, "at": at, "detail": {}}


async def test_a_portals_claim_is_kept_once_and_one_claim_per_insured_is_open(claims):
    number = f"{uuid.uuid4().int % 10**9:09d}"
    first = submitted(str(uuid.uuid4()), number)
    assert await claims.insert_submitted(first, number, DUE)
    assert not await claims.insert_submitted(first, number, DUE)
    with pytest.raises(OpenClaimExists):
        await claims.insert_submitted(submitted(str(uuid.uuid4()), number), number, DUE)


async def test_the_timeline_moves_the_status_forward_once_and_keeps_the_facts(claims):
    number = f"{uuid.uuid4().int % 10**9:09d}"
    event = submitted(claim_id := str(uuid.uuid4()), number)
    await claims.insert_submitted(event, number, DUE)
    review = entry("decided")
    assert await claims.record_timeline(claim_id, review, "manual_review", False, {"decision": {"amount": "1.00"}})
    assert await claims.record_timeline(claim_id, entry("refused"), "refused", True, {})
    assert await claims.record_timeline(claim_id, entry("x"), "manual_review", False, {})  # never backwards
    assert not await claims.record_timeline("no-such-claim", entry("x"), None, False, {})
    actions_open = await claims.record_action(claim_id, {"status": "manual_review"}, {}, Topic.REVIEWS, event)
    assert not actions_open  # refused: no action on it any more
    assert not await claims.insert_submitted(event, number, DUE)  # its command read again: nothing reserved
    assert await claims.insert_submitted(
        submitted(str(uuid.uuid4()), number), number, DUE
    )  # closed: the insured may file


async def test_a_batch_of_steps_writes_each_claims_timeline_once_and_names_the_claims_not_found(claims):
    numbers = [f"{uuid.uuid4().int % 10**9:09d}" for _ in range(2)]
    first, second = (str(uuid.uuid4()) for _ in numbers)
    for claim_id, number in zip((first, second), numbers, strict=True):
        await claims.insert_submitted(submitted(claim_id, number), number, DUE)

    def step(claim_id: str, status: str | None = None, at: str = "2026-12-01T10:00:00+00:00", **facts):
        return domain.TimelineStep(claim_id, entry(status or "sms_sent", at), status, status == "accepted", facts, {})

    batch = [
        step(first, **{"verified_documents.d1": {"size": 1}}),
        step(first, at="2026-12-01T11:00:00+00:00", **{"verified_documents.d1": {"size": 2}}),
        step(second),
        step("no-such-claim"),
        step(first, "accepted", at="2026-12-01T10:30:00+00:00"),
        step("no-such-claim-either", "decided"),
    ]
    assert await claims.record_timelines(batch) == {"no-such-claim", "no-such-claim-either"}
    assert await claims.record_timelines(batch) == {"no-such-claim", "no-such-claim-either"}  # read again
    claim, other = await claims.get(first), await claims.get(second)
    assert set(claim["timeline"]) == {s.entry["event_id"] for s in batch if s.claim_id == first}
    assert set(other["timeline"]) == {batch[2].entry["event_id"]}
    assert claim["status"] == "accepted" and claim["verified_documents"]["d1"] == {"size": 2}  # the later one
    assert await claims.insert_submitted(submitted(str(uuid.uuid4()), numbers[0]), numbers[0], DUE)  # closed


async def test_an_action_is_written_only_while_its_condition_holds(claims):
    number = f"{uuid.uuid4().int % 10**9:09d}"
    event = submitted(claim_id := str(uuid.uuid4()), number)
    await claims.insert_submitted(event, number, DUE)
    await claims.record_timeline(claim_id, entry("decided"), "manual_review", False, {})
    condition = {"status": "manual_review", "review": {"$exists": False}}
    review = {"review": {"agent_id": "a1", "needs_approval": True}}
    assert await claims.record_action(claim_id, condition, review, Topic.REVIEWS, event)
    assert not await claims.record_action(claim_id, condition, review, Topic.REVIEWS, event)

    def approval_by(agent: str) -> dict:
        return {"review.approved_by": {"$exists": False}, "review.agent_id": {"$ne": agent}}

    assert not await claims.record_action(
        claim_id, approval_by("a1"), {"review.approved_by": "a1"}, Topic.REVIEWS, event
    )
    assert await claims.record_action(claim_id, approval_by("a2"), {"review.approved_by": "a2"}, Topic.REVIEWS, event)
    assert not await claims.record_action(
        claim_id, approval_by("a3"), {"review.approved_by": "a3"}, Topic.REVIEWS, event
    )


async def test_the_decision_clock_pauses_while_returned_and_the_queue_puts_the_nearest_deadline_first(claims):
    now = datetime.now(UTC).replace(microsecond=0)
    past_before = (await claims.past_decision_deadline(now))["submitted"]
    ids, numbers = {}, {}
    for name, due in (
        ("tomorrow", now + timedelta(days=1)),
        ("late", now - timedelta(hours=1)),
        ("later", now + timedelta(days=3)),
    ):
        ids[name] = str(uuid.uuid4())
        numbers[name] = number = f"{uuid.uuid4().int % 10**9:09d}"
        assert await claims.insert_submitted(submitted(ids[name], number), number, due)
    queued = [claim["_id"] for claim in (await claims.queue("submitted", limit=10_000)).items]
    assert [i for i in queued if i in ids.values()] == [ids["late"], ids["tomorrow"], ids["later"]]
    assert (await claims.past_decision_deadline(now))["submitted"] == past_before + 1

    paused_at = now - timedelta(hours=5)
    returned = entry("documents_incomplete", at=paused_at.isoformat())
    paused = {"clock_paused_at": paused_at}
    assert await claims.record_timeline(ids["late"], returned, "returned", False, {}, paused)
    assert await claims.record_timeline(ids["late"], entry("x"), "returned", False, {}, {"clock_paused_at": now})
    claim = await claims.get(ids["late"])
    assert (claim["status"], claim["clock_paused_at"]) == ("returned", paused_at)  # set when the status moved only
    assert (await claims.past_decision_deadline(now))["submitted"] == past_before  # paused: not counted

    resubmitted = domain.decision_due(claim, now, decision_days=7)
    assert resubmitted == now - timedelta(hours=1) + timedelta(hours=5)  # the 5 hours returned are given back
    in_five_hours = now + timedelta(hours=5)
    past_in_five_hours = (await claims.past_decision_deadline(in_five_hours))["submitted"]
    assert await claims.submit(ids["late"], submitted(ids["late"], numbers["late"]), resubmitted)
    claim = await claims.get(ids["late"])
    assert (claim["status"], claim["decision_due_at"], "clock_paused_at" in claim) == ("submitted", resubmitted, False)
    assert (await claims.past_decision_deadline(now))["submitted"] == past_before  # its deadline moved on
    assert (await claims.past_decision_deadline(in_five_hours))["submitted"] == past_in_five_hours + 1

    accepted = entry("accepted", at=now.isoformat())
    assert await claims.record_timeline(ids["late"], accepted, "accepted", True, {})  # the clock stops for good
    assert (await claims.past_decision_deadline(in_five_hours))["submitted"] == past_in_five_hours


async def test_the_repository_announces_every_event_its_outbox_holds_in_the_order_written(request, run_id):
    announced: list[list[tuple[str, str, str]]] = []

    def announce(document_id: str, entries: dict) -> None:
        announced.append([(document_id, entry["topic"], event_id) for event_id, entry in entries.items()])

    async with server_database(request, f"{run_id}_claims_announced") as database:
        claims = ClaimsRepository(database, announce)
        number = f"{uuid.uuid4().int % 10**9:09d}"
        event = submitted(claim_id := str(uuid.uuid4()), number)
        assert await claims.insert_submitted(event, number, DUE)
        assert not await claims.insert_submitted(event, number, DUE)  # a redelivery writes nothing new
        assert announced == [[(claim_id, Topic.CLAIM_SUBMITTED, event.event_id)]]
        assert not await claims.submit(claim_id, submitted(claim_id, number), DUE)  # not editable: nothing written
        condition = {"status": "manual_review"}
        review, approval = submitted(claim_id, number), submitted(claim_id, number)  # any events will do
        assert not await claims.record_action(claim_id, condition, {}, Topic.REVIEWS, review)  # condition unmet
        await claims.record_timeline(claim_id, entry("decided"), "manual_review", False, {})
        assert await claims.record_action(claim_id, condition, {"review": {}}, Topic.REVIEWS, review)
        submission, reviewed = (
            (claim_id, Topic.CLAIM_SUBMITTED, event.event_id),
            (claim_id, Topic.REVIEWS, review.event_id),
        )
        assert announced[1:] == [[submission, reviewed]]  # the submission is still pending: both, in order
        sent = {"$set": {"outbox": {}, "outbox_pending": []}}  # as the relay leaves it
        await claims.collection.update_one({"_id": claim_id}, sent)
        assert await claims.record_action(claim_id, condition, {"approved": True}, Topic.REVIEWS, approval)
        assert announced[2:] == [[(claim_id, Topic.REVIEWS, approval.event_id)]]


async def test_reservations_from_before_they_carried_a_deadline_are_given_their_claims(request, run_id):
    async with server_database(request, f"{run_id}_claims_dated") as database:
        claims = ClaimsRepository(database)
        number = f"{uuid.uuid4().int % 10**9:09d}"
        due = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        assert await claims.insert_submitted(submitted(str(uuid.uuid4()), number), number, due)
        await claims.open_claims.update_one({"_id": number}, {"$unset": {"decision_due_at": ""}})  # as written before
        draft = f"{uuid.uuid4().int % 10**9:09d}"
        await claims.open_claims.insert_one({"_id": draft, "claim_id": "a-draft-not-submitted"})
        assert (await claims.past_decision_deadline(datetime.now(UTC)))["submitted"] == 0
        assert await claims.date_reservations() == 1
        assert await claims.date_reservations() == 0
        assert (await claims.past_decision_deadline(datetime.now(UTC)))["submitted"] == 1
