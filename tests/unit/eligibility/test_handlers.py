"""The eligibility service's handlers on FastStream's in-memory broker, over in-memory ports: what each message
makes the service record and publish."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from contracts import (
    CareerRecord,
    ClaimDetails,
    DocumentsVerified,
    InspectionCompleted,
    InsuredRecordUpdated,
    ReviewApproved,
    ReviewDecided,
    Topic,
)
from services.eligibility.handlers import register
from services.eligibility.inspection import InspectionPolicy, InspectionReason
from services.eligibility.rules import load_revaluation_table
from services.eligibility.use_cases import ApplyAgentAction, DecideClaim, FollowFilings, UpdateRegistry
from tests.fakes.eligibility import (
    InMemoryCareers,
    InMemoryDecisions,
    InMemoryIdSet,
    InMemoryUnfinished,
    PublishedEvents,
)
from tests.samples import sample_claim

HERE = Path(__file__).resolve().parents[3] / "services" / "eligibility"
NUMBER = "123456789"
ELIGIBLE = {
    "birth_date": "1965-04-10",
    "contribution_days": 900,
    "ceased_activity_on": "2025-12-31",
    "contributions": [{"year": 2020, "salary_share": "1000.00", "employer_share": "2000.00"}],
}
LATE = {**ELIGIBLE, "birth_date": "1950-04-10", "ceased_activity_on": "2012-12-31"}
NEVER_RANDOM = Decimal("0")


def claim(**fields) -> ClaimDetails:
    return sample_claim(reference="RCS-20261201-0000AAAA", filed_on="2026-12-01", **fields)


def verified(claim_id: str = "c1", **fields) -> DocumentsVerified:
    return DocumentsVerified(claim_id=claim_id, correlation_id="k", producer="t", claim=claim(**fields), documents=())


class Service:
    def __init__(self) -> None:
        self.careers, self.decisions, self.filings = InMemoryCareers(), InMemoryDecisions(), InMemoryIdSet()
        self.published = PublishedEvents(self.decisions)
        self.broker = KafkaBroker()
        rules = json.loads((HERE / "inspection_rules.json").read_text())
        policy = InspectionPolicy.from_rules_document({**rules, "random_rate": NEVER_RANDOM}, "s" * 32)
        revaluation = load_revaluation_table(json.loads((HERE / "revaluation_rates.json").read_text()))
        register(
            self.broker,
            DecideClaim(self.careers, self.decisions, revaluation, policy),
            ApplyAgentAction(self.decisions),
            UpdateRegistry(self.careers),
            FollowFilings(self.filings, InMemoryUnfinished()),
            self.published,
        )

    async def enrol(self, test_broker, career: dict) -> None:
        update = InsuredRecordUpdated(
            correlation_id="k", producer="t", registration_number=NUMBER, record=CareerRecord.model_validate(career)
        )
        await test_broker.publish(json.loads(update.model_dump_json()), topic=Topic.INSURED_RECORD_UPDATED)


@pytest.fixture
def service() -> Service:
    return Service()


async def send(test_broker, topic: str, event) -> None:
    await test_broker.publish(json.loads(event.model_dump_json()), topic=topic)


async def test_an_eligible_claim_is_decided_and_accepted_once_even_when_its_event_comes_twice(service):
    async with TestKafkaBroker(service.broker) as broker:
        await service.enrol(broker, ELIGIBLE)
        assert service.careers.records[NUMBER].contribution_days == 900
        event = verified()
        await send(broker, Topic.DOCUMENTS_VERIFIED, event)
        await send(broker, Topic.DOCUMENTS_VERIFIED, event)
    assert service.published.topics() == [Topic.CLAIM_DECIDED, Topic.CLAIM_ACCEPTED]
    decided = service.published.sent[0][1]
    assert decided.decision.outcome == "eligible" and not decided.inspection.selected


async def test_claims_decided_together_see_the_refusals_decided_before_them_but_not_their_own(service):
    def filed_on(claim_id: str, day: str) -> dict:
        claim = sample_claim(reference="RCS-20261201-0000AAAA", filed_on=day)
        event = DocumentsVerified(claim_id=claim_id, correlation_id="k", producer="t", claim=claim, documents=())
        return json.loads(event.model_dump_json())

    async with TestKafkaBroker(service.broker) as broker:
        await service.enrol(broker, ELIGIBLE)
        batch = (filed_on("c1", "2020-01-01"), filed_on("c2", "2026-12-01"), filed_on("c1", "2026-12-02"))
        await broker.publish_batch(*batch, topic=Topic.DOCUMENTS_VERIFIED)  # one batch: c1 early, then c2, c1 again
    decided = [event for topic, event in service.published.sent if topic == Topic.CLAIM_DECIDED]
    assert [(d.claim_id, d.decision.outcome) for d in decided] == [
        ("c1", "ineligible"),
        ("c2", "eligible"),
        ("c1", "eligible"),
    ]
    assert InspectionReason.CLAIM_AFTER_REFUSAL in decided[1].inspection.reasons
    assert InspectionReason.CLAIM_AFTER_REFUSAL not in decided[2].inspection.reasons  # its own refusal does not count


async def test_a_claim_for_an_insured_the_registry_does_not_know_goes_to_an_agent(service):
    async with TestKafkaBroker(service.broker) as broker:
        await send(broker, Topic.DOCUMENTS_VERIFIED, verified())
    decided = service.published.sent[0][1]
    assert (decided.decision.outcome, decided.decision.reasons) == ("manual_review", ("INSURED_UNKNOWN",))


async def test_a_force_majeure_claim_is_accepted_by_agents_then_inspected_then_accepted(service):
    async with TestKafkaBroker(service.broker) as broker:
        await service.enrol(broker, LATE)
        await send(broker, Topic.DOCUMENTS_VERIFIED, verified(force_majeure=True))
        decided = service.published.sent[0][1]
        assert decided.decision.outcome == "manual_review" and "FORCE_MAJEURE" in decided.inspection.reasons
        review = ReviewDecided(
            claim_id="c1", correlation_id="k", producer="t", agent_id="a1", outcome="accept", needs_approval=True
        )
        await send(broker, Topic.REVIEWS, review)
        approval = ReviewApproved(
            claim_id="c1", correlation_id="k", producer="t", agent_id="a2", review_event_id=review.event_id
        )
        await send(broker, Topic.REVIEWS, approval)
        assert service.published.topics() == [Topic.CLAIM_DECIDED]  # the inspection comes first
        passed = InspectionCompleted(claim_id="c1", correlation_id="k", producer="t", passed=True, agent_id="a2")
        await send(broker, Topic.INSPECTION_COMPLETED, passed)
        await send(broker, Topic.INSPECTION_COMPLETED, passed)
    assert service.published.topics() == [Topic.CLAIM_DECIDED, Topic.CLAIM_ACCEPTED]
    accepted = service.published.sent[1][1]
    assert (accepted.amount, accepted.agent_id) == (decided.decision.amount, "a2")


async def test_an_agents_refusal_publishes_one_refusal_with_its_reasons_explained(service):
    async with TestKafkaBroker(service.broker) as broker:
        await service.enrol(broker, LATE)
        await send(broker, Topic.DOCUMENTS_VERIFIED, verified(force_majeure=True))
        refusal = ReviewDecided(
            claim_id="c1",
            correlation_id="k",
            producer="t",
            agent_id="a1",
            outcome="refuse",
            reasons=("FORCE_MAJEURE_REVIEW",),
            justification="Aucune preuve de l'empêchement.",
        )
        await send(broker, Topic.REVIEWS, refusal)
        await send(broker, Topic.REVIEWS, refusal)
    assert service.published.topics() == [Topic.CLAIM_DECIDED, Topic.CLAIM_REFUSED]
    refused = service.published.sent[1][1]
    assert refused.reasons == ("FORCE_MAJEURE_REVIEW",) and "retenu" in refused.explanations[0].fr
    assert "c1" in (await service.decisions.refused_claims([NUMBER]))[NUMBER]
