"""One suite for each port of the eligibility service, run on the in-memory fake and on the MongoDB repository
against the real server: the fake the handler tests use cannot drift from what the service really does."""

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from contracts import CareerRecord, ClaimDecided, DecisionSummary, InspectionSelection, InsuredContact, Topic
from services.eligibility.registry import IdSet, InsuredRegistry, UnfinishedClaim, UnfinishedClaims
from services.eligibility.repository import DecisionsRepository
from services.eligibility.use_cases import NewDecision
from tests.fakes.eligibility import InMemoryCareers, InMemoryDecisions, InMemoryIdSet, InMemoryUnfinished
from tests.samples import sample_claim

pytestmark = pytest.mark.integration
NUMBER = "123456789"
CLAIM = sample_claim(reference="RCS-20261201-0000BBBB", filed_on="2026-12-01")


@pytest.fixture(params=["in memory", "mongodb"])
async def database(request, servers, run_id):
    if request.param == "in memory":
        yield None
        return
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    yield client[f"{run_id}_eligibility_ports"]
    await client.close()


@pytest.fixture
def decisions(database):
    return InMemoryDecisions() if database is None else DecisionsRepository(database["decisions"], database["refusals"])


@pytest.fixture
def careers(database):
    return InMemoryCareers() if database is None else InsuredRegistry(database["insured"])


@pytest.fixture
def fresh_careers(database):
    """A registry of its own (a campaign reads all of it)."""
    return InMemoryCareers() if database is None else InsuredRegistry(database[f"insured_{uuid.uuid4().hex[:8]}"])


@pytest.fixture
def unfinished(database):
    return (
        InMemoryUnfinished() if database is None else UnfinishedClaims(database[f"unfinished_{uuid.uuid4().hex[:8]}"])
    )


@pytest.fixture
def id_set(database):
    return InMemoryIdSet() if database is None else IdSet(database[f"ids_{uuid.uuid4().hex[:8]}"])


def decided(outcome: str, selected: bool = False, claim_id: str | None = None) -> ClaimDecided:
    return ClaimDecided(
        claim_id=claim_id or str(uuid.uuid4()),
        correlation_id="k",
        producer="t",
        claim=CLAIM,
        documents=(),
        decision=DecisionSummary(outcome=outcome, amount=Decimal("2100.00")),
        inspection=InspectionSelection(selected=selected),
    )


async def test_a_career_is_found_as_it_was_written_and_replaced_whole(careers):
    assert await careers.find(NUMBER) is None
    await careers.upsert(
        NUMBER, CareerRecord(birth_date="1960-01-01", contribution_days=10, underground_mining_years=5)
    )
    await careers.upsert(NUMBER, CareerRecord(birth_date="1960-01-01", contribution_days=20))
    found = await careers.find(NUMBER)
    assert (found.contribution_days, found.underground_mining_years) == (20, 0)


async def test_several_careers_are_found_at_once_those_unknown_left_out(fresh_careers):
    contact = InsuredContact(phone="+212612345678", language="ar")
    await fresh_careers.upsert("000000001", CareerRecord(birth_date="1960-01-01", contribution_days=1), contact)
    await fresh_careers.upsert("000000002", CareerRecord(birth_date="1961-01-01", contribution_days=2))
    found = await fresh_careers.find_all(["000000002", "999999999", "000000001"])
    assert {number: record.contribution_days for number, record in found.items()} == {"000000001": 1, "000000002": 2}
    assert found["000000001"] == await fresh_careers.find("000000001")  # without the contact, as one by one
    assert await fresh_careers.find_all([]) == {}


async def test_the_registry_is_read_whole_in_batches_with_each_insured_contact(fresh_careers):
    contact = InsuredContact(phone="+212612345678", language="ar")
    for index in range(7):
        record = CareerRecord(birth_date="1960-01-01", contribution_days=index, contributions=[{"year": 2010}])
        await fresh_careers.upsert(f"{index:09d}", record, contact if index % 2 else None)
    await fresh_careers.upsert("000000003", CareerRecord(birth_date="1960-01-01", contribution_days=33))  # no contact
    batches = [batch async for batch in fresh_careers.batches(3)]
    assert [len(batch) for batch in batches] == [3, 3, 1]
    entries = {entry.registration_number: entry for batch in batches for entry in batch}
    assert {n for n, e in entries.items() if e.contact == contact} == {"000000001", "000000005"}
    assert entries["000000003"].record.contribution_days == 33 and entries["000000003"].contact is None
    assert entries["000000001"].record.contributions == ()  # a campaign judges, it does not compute amounts
    assert (await fresh_careers.find("000000001")).contribution_days == 1  # the contact is not part of the career
    assert len((await fresh_careers.find("000000001")).contributions) == 1


async def test_a_registry_record_that_does_not_validate_is_read_as_unreadable_not_fatal(servers, run_id):
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    collection = client[f"{run_id}_eligibility_ports"][f"insured_{uuid.uuid4().hex[:8]}"]
    await collection.insert_many([{"_id": "000000001", "birth_date": "1960-13-45", "contribution_days": 3}])
    await InsuredRegistry(collection).upsert("000000002", CareerRecord(birth_date="1960-01-01", contribution_days=9))
    [batch] = [batch async for batch in InsuredRegistry(collection).batches(10)]
    await client.close()
    assert [(e.registration_number, e.record is None) for e in batch] == [("000000001", True), ("000000002", False)]


async def test_a_claim_is_unfinished_while_it_was_left_after_its_last_submission_whatever_the_order_read(unfinished):
    at = datetime(2026, 11, 20, 10)
    claim = UnfinishedClaim("000000001", "c1", "RCS-1", "insured", "+212612345678", "fr")
    await unfinished.submitted("000000002", at)  # someone who only ever submitted
    await unfinished.submitted("000000001", at + timedelta(hours=1))  # read before the draft it follows
    await unfinished.left(claim, at)
    assert [c async for c in unfinished.pending()] == []
    returned = UnfinishedClaim("000000001", "c1", "RCS-1", "insured", "+212612345678", "ar")
    await unfinished.left(returned, at + timedelta(days=1))
    await unfinished.left(claim, at)  # an older event read late moves nothing back
    assert [c async for c in unfinished.pending()] == [returned]


async def test_a_claim_left_as_a_submission_first_writes_the_insured_is_kept(servers, run_id):
    """The other consumer's submission inserts the insured's document between the query and the insert of the left
    claim's upsert: the server answers that upsert with a duplicate key, and the left claim must still be kept."""
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    collection = client[f"{run_id}_eligibility_ports"][f"unfinished_{uuid.uuid4().hex[:8]}"]
    at = datetime(2026, 11, 20, 10)

    class SubmissionWritesFirst:
        def __getattr__(self, name: str):
            return getattr(collection, name)

        async def update_one(self, query, update, upsert=False):
            if upsert and "$set" in update:  # the left claim's upsert: the submission's insert wins the race
                await UnfinishedClaims(collection).submitted("000000001", at - timedelta(days=1))
                raise DuplicateKeyError("E11000 duplicate key error collection: _id")
            return await collection.update_one(query, update, upsert=upsert)

    returned = UnfinishedClaim("000000001", "c1", "RCS-1", "insured", "+212612345678", "ar")
    await UnfinishedClaims(SubmissionWritesFirst()).left(returned, at)
    assert [c async for c in UnfinishedClaims(collection).pending()] == [returned]
    await client.close()


async def test_an_id_set_keeps_the_first_addition_and_answers_which_ids_it_holds(id_set):
    assert await id_set.among([]) == set() and await id_set.among(["a"]) == set()
    await id_set.add(["a", "b"], first_claim_id="c1")
    await id_set.add(["b", "c"], first_claim_id="c2")  # b was there: c goes in all the same
    await id_set.add([])
    assert await id_set.among(["a", "b", "c", "d"]) == {"a", "b", "c"}


async def test_a_decision_is_recorded_once_per_source_event(decisions):
    source = str(uuid.uuid4())
    assert await decisions.decided_among([source]) == set()
    first = decided("manual_review")
    await decisions.record([NewDecision(source, first, None)])
    await decisions.record([NewDecision(source, decided("eligible", claim_id=first.claim_id), None)])
    assert await decisions.decided_among([source, "never-decided"]) == {source}
    waiting = await decisions.awaiting_review(first.claim_id)
    assert (waiting.id, waiting.claim_id, waiting.amount, waiting.claim) == (
        source,
        first.claim_id,
        Decimal("2100.00"),
        CLAIM,
    )
    assert await decisions.awaiting_inspection(first.claim_id) is None


async def test_decisions_recorded_together_are_each_recorded_once_those_already_there_standing(decisions):
    there, new = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(3)]
    kept = decided("manual_review")
    await decisions.record([NewDecision(there, kept, None)])
    batch = [decided("manual_review") for _ in new]
    await decisions.record(
        [NewDecision(new[0], batch[0], None), NewDecision(there, decided("eligible", claim_id=kept.claim_id), None)]
        + [NewDecision(source, event, None) for source, event in zip(new[1:], batch[1:], strict=True)]
    )
    assert await decisions.decided_among([there, *new]) == {there, *new}
    assert (await decisions.awaiting_review(kept.claim_id)).id == there  # the first decision stands
    assert [(await decisions.awaiting_review(event.claim_id)).id for event in batch] == new
    await decisions.record([])


async def test_a_refusal_is_remembered_for_the_insureds_other_claims(decisions):
    refused, also_refused, eligible = decided("ineligible"), decided("ineligible"), decided("eligible")
    await decisions.record([NewDecision(str(uuid.uuid4()), refused, None)])
    await decisions.record(
        [NewDecision(str(uuid.uuid4()), also_refused, None), NewDecision(str(uuid.uuid4()), eligible, None)]
    )
    found = await decisions.refused_claims([NUMBER, "999999999"])
    assert {refused.claim_id, also_refused.claim_id} <= found[NUMBER] and eligible.claim_id not in found[NUMBER]
    assert "999999999" not in found


async def test_an_action_settles_a_decision_once_and_what_it_waits_for_follows(decisions):
    source, review = str(uuid.uuid4()), decided("manual_review", selected=True)
    await decisions.record([NewDecision(source, review, None)])
    early = {"event_id": "i0"}  # an inspection outcome read before the agents' actions it follows
    assert not await decisions.keep_early_inspection("another-claim", early)
    waiting = await decisions.awaiting_review(review.claim_id)
    assert await decisions.keep_early_inspection(review.claim_id, early)
    fields = {"review_event_id": "r1", "review_agent_id": "a1", "review_needs_approval": True}
    await decisions.settle(waiting, "review_event_id", fields, None)
    await decisions.settle(waiting, "review_event_id", {"review_event_id": "r2", "review_agent_id": "a9"}, None)
    assert await decisions.awaiting_review(review.claim_id) is None
    assert await decisions.keep_early_inspection(review.claim_id, early)  # the second agent's approval awaited
    approval = await decisions.awaiting_approval(review.claim_id, "r1")
    assert approval.review_agent_id == "a1" and await decisions.awaiting_approval(review.claim_id, "r2") is None
    await decisions.settle(approval, "approved_by", {"approved_by": "a2", "review_accepted": True}, None)
    assert not await decisions.keep_early_inspection(review.claim_id, {"event_id": "i9"})  # nothing awaited
    inspection = await decisions.awaiting_inspection(review.claim_id)
    assert inspection.selected_for_inspection and not inspection.inspected and inspection.early_inspection == early
    refusal = (Topic.CLAIM_REFUSED, review)  # any event: what matters is that the refusal is remembered
    await decisions.settle(inspection, "inspection_event_id", {"inspection_event_id": "i1"}, refusal)
    assert await decisions.awaiting_inspection(review.claim_id) is None
    assert review.claim_id in (await decisions.refused_claims([NUMBER]))[NUMBER]
