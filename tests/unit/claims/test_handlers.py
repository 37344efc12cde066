"""The claims service's handlers on FastStream's in-memory broker and its agents' actions, over in-memory ports:
what each message or action makes the service record and publish."""

import json
from datetime import date
from decimal import Decimal

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from contracts import (
    ClaimDecided,
    ClaimForm,
    DecisionSummary,
    DocumentRef,
    InspectionSelection,
    SubmitClaim,
    Topic,
)
from services.claims import domain
from services.claims.handlers import register
from services.claims.use_cases import ActionRefused, AgentActions, FollowTimeline, SubmitClaims
from services.runtime.auth import Caller
from tests.fakes.claims import InMemoryAudit, InMemoryClaims, PublishedEvents

FORM = ClaimForm(claimant_type="insured", registration_number="123456789", applicant_name="A", phone="+212612345678")
DOCUMENT = DocumentRef(document_id="d1", doc_type="identity_card", bucket="quarantine", object_key="c1/d1", size=3)
FORM_DAY = date(2026, 12, 1)
FIRST, SECOND = Caller("a1", is_agent=True, agency="CASA-ANFA"), Caller("a2", is_agent=True)


class Service:
    def __init__(self) -> None:
        self.claims = InMemoryClaims()
        self.published = PublishedEvents(self.claims)
        self.audit = InMemoryAudit()
        self.submit = SubmitClaims(self.claims, decision_days=7)
        self.actions = AgentActions(self.claims, self.audit, Decimal("50000.00"))
        self.broker = KafkaBroker()
        register(self.broker, self.submit, FollowTimeline(self.claims), self.published)


@pytest.fixture
def service() -> Service:
    return Service()


async def send(broker, topic: str, event) -> None:
    await broker.publish(json.loads(event.model_dump_json()), topic=topic)


def intake(claim_id: str = "c1") -> SubmitClaim:
    return SubmitClaim(
        claim_id=claim_id,
        correlation_id="k",
        producer="portal",
        submitted_by="123456789",
        form=FORM,
        documents=(DOCUMENT,),
    )


async def test_a_portals_claim_is_kept_once_and_its_submission_published_once(service):
    async with TestKafkaBroker(service.broker) as broker:
        await send(broker, Topic.CLAIM_INTAKE, intake())
        await send(broker, Topic.CLAIM_INTAKE, intake())
    assert [topic for topic, _ in service.published.sent] == [Topic.CLAIM_SUBMITTED]
    submitted = service.published.sent[0][1]
    assert submitted.claim.reference == domain.reference_for("c1", submitted.claim.filed_on)
    assert service.claims.claims["c1"]["status"] == "submitted"


async def test_a_draft_and_a_portals_claim_are_submitted_with_the_same_event_shape(service):
    service.claims.add_draft("c2", FORM.model_dump(mode="json"), "RCS-20261130-C2", "123456780")
    await service.submit.draft(service.claims.claims["c2"], FORM, "k2")
    await service.submit.draft(service.claims.claims["c2"], FORM, "k2")  # validated twice: one event
    async with TestKafkaBroker(service.broker) as broker:
        await send(broker, Topic.CLAIM_INTAKE, intake("c3"))
    drafted, portal = service.claims.outbox["c2"], service.claims.outbox["c3"]
    assert len(drafted) == 1 and drafted[0][1].claim.filed_on == portal[0][1].claim.filed_on
    assert set(drafted[0][1].claim.model_dump()) == set(portal[0][1].claim.model_dump())


async def test_the_timeline_moves_the_status_forward_only_and_a_redelivery_changes_nothing(service):
    decided = ClaimDecided(
        claim_id="c1",
        correlation_id="k",
        producer="eligibility",
        claim=domain.claim_details(FORM, "R", FORM_DAY),
        documents=(),
        decision=DecisionSummary(outcome="manual_review", amount=Decimal("60000.00")),
        inspection=InspectionSelection(selected=True, reasons=("FORCE_MAJEURE",)),
    )
    async with TestKafkaBroker(service.broker) as broker:
        await send(broker, Topic.CLAIM_INTAKE, intake())
        await send(broker, Topic.CLAIM_DECIDED, decided)
        await send(broker, Topic.CLAIM_DECIDED, decided)
    claim = service.claims.claims["c1"]
    assert claim["status"] == "manual_review" and claim["decision"]["inspection_reasons"] == ["FORCE_MAJEURE"]
    assert [entry["status"] for entry in claim["timeline"].values()] == ["selected_for_inspection"]


async def test_agents_decide_approve_then_inspect_each_once_and_audited(service):
    async with TestKafkaBroker(service.broker) as broker:
        await send(broker, Topic.CLAIM_INTAKE, intake())
    claim = service.claims.claims["c1"]
    claim |= {
        "status": "manual_review",
        "decision": {
            "outcome": "manual_review",
            "reasons": ["FORCE_MAJEURE_REVIEW"],
            "amount": "60000.00",
            "selected": True,
        },
    }
    accept = domain.ReviewInput(outcome="accept")
    assert await service.actions.decide_review(claim, FIRST, accept) is True
    with pytest.raises(ActionRefused) as again:
        await service.actions.decide_review(claim, FIRST, accept)
    assert again.value.code == "already_decided"
    with pytest.raises(ActionRefused) as own:
        await service.actions.approve_review(claim, FIRST)
    assert own.value.code == "own_decision"
    await service.actions.approve_review(claim, SECOND)
    with pytest.raises(ActionRefused):
        await service.actions.approve_review(claim, SECOND)
    claim["status"] = "under_inspection"
    await service.actions.record_inspection(claim, SECOND, domain.InspectionOutcome(passed=True))
    with pytest.raises(ActionRefused) as twice:
        await service.actions.record_inspection(claim, SECOND, domain.InspectionOutcome(passed=True))
    assert twice.value.code == "not_under_inspection"
    topics = [topic for topic, _ in service.claims.outbox["c1"]]
    assert topics == [Topic.CLAIM_SUBMITTED, Topic.REVIEWS, Topic.REVIEWS, Topic.INSPECTION_COMPLETED]
    review = service.claims.outbox["c1"][1][1]
    assert (review.needs_approval, review.inspection_pending, review.agency) == (True, True, "CASA-ANFA")
    assert [(e["agent_id"], e["action"]) for e in service.audit.entries] == [
        ("a1", "review_decided"),
        ("a2", "review_approved"),
        ("a2", "inspection_recorded"),
    ]
