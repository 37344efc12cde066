"""Decide each claim whose documents are verified and draw it for inspection; apply the agents' actions (inspection
outcomes, manual-review decisions and their approval); keep the insured registry up to date."""

from typing import Annotated

from faststream.kafka import KafkaBroker
from pydantic import Field, TypeAdapter

from contracts import DocumentsVerified, InspectionCompleted, InsuredRecordUpdated, ReviewApproved, ReviewDecided, Topic
from services.eligibility import domain
from services.eligibility.agent_decisions import AgentDecisions
from services.eligibility.inspection import InspectionSettings, facts_from_case, select_for_inspection
from services.eligibility.registry import InsuredRegistry
from services.eligibility.repository import DecisionsRepository
from services.eligibility.rules import Insured, ReasonCode, RevaluationTable, decide, undecidable
from services.runtime.kafka import subscriber
from services.runtime.outbox import OutboxRelay

_review_event = TypeAdapter(Annotated[ReviewDecided | ReviewApproved, Field(discriminator="type")])


def register(
    broker: KafkaBroker,
    registry: InsuredRegistry,
    decisions: DecisionsRepository,
    relay: OutboxRelay,
    revaluation: RevaluationTable,
    inspection: InspectionSettings,
) -> None:
    async def decision_event(verified: DocumentsVerified):
        career = await registry.find(verified.claim.registration_number)
        if career is None:
            summary = domain.summary_of(undecidable(ReasonCode.INSURED_UNKNOWN))
            return domain.decided_event(verified, summary, domain.InspectionSelection(selected=False))
        case = domain.case_for(verified.claim, career)
        decision = decide(case, revaluation)
        refused = await decisions.refused_before(verified.claim.registration_number, verified.claim_id)
        facts = facts_from_case(
            verified.claim.reference,
            case,
            decision,
            filed_by=verified.claim.applicant_role,
            refused_before=refused,
            flagged_documents=sum(1 for document in verified.documents if document.flags),
        )
        selection = domain.selection_of(select_for_inspection(facts, inspection))
        return domain.decided_event(verified, domain.summary_of(decision), selection)

    @subscriber(broker, Topic.DOCUMENTS_VERIFIED, group_id="eligibility")
    async def on_documents_verified(verified: DocumentsVerified) -> None:
        if not await decisions.already_decided(verified.event_id):
            decided = await decision_event(verified)
            await decisions.record(verified.event_id, decided, domain.accepted_at_decision(decided))
        await relay.publish_pending(verified.event_id)

    agents = AgentDecisions(decisions)

    @subscriber(broker, Topic.INSPECTION_COMPLETED, group_id="eligibility-inspections")
    async def on_inspection_completed(completed: InspectionCompleted) -> None:
        if decision_id := await agents.inspection_completed(completed):
            await relay.publish_pending(decision_id)

    @subscriber(broker, Topic.REVIEWS, group_id="eligibility-reviews")
    async def on_review(body: dict) -> None:
        event = _review_event.validate_python(body)
        applied = agents.review_decided(event) if isinstance(event, ReviewDecided) else agents.review_approved(event)
        if decision_id := await applied:
            await relay.publish_pending(decision_id)

    @subscriber(broker, Topic.INSURED_RECORD_UPDATED, group_id="eligibility-registry")
    async def on_insured_record_updated(updated: InsuredRecordUpdated) -> None:
        record = Insured.model_validate(updated.record.model_dump(mode="json"))
        await registry.upsert(updated.registration_number, record)
