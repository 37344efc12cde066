"""Decide each claim whose documents are verified and draw it for inspection; accept a selected claim once an
agent recorded a passed inspection; keep the insured registry up to date."""

import logging
from decimal import Decimal

from faststream.kafka import KafkaBroker

from contracts import DocumentsVerified, InspectionCompleted, InsuredRecordUpdated, Topic
from services.eligibility import domain
from services.eligibility.inspection import InspectionSettings, facts_from_case, select_for_inspection
from services.eligibility.registry import InsuredRegistry
from services.eligibility.repository import DecisionsRepository
from services.eligibility.rules import Insured, ReasonCode, RevaluationTable, decide, undecidable
from services.runtime.kafka import subscriber
from services.runtime.outbox import OutboxRelay

log = logging.getLogger(__name__)


def register(broker: KafkaBroker, registry: InsuredRegistry, decisions: DecisionsRepository, relay: OutboxRelay,
             revaluation: RevaluationTable, inspection: InspectionSettings) -> None:
    async def decision_event(verified: DocumentsVerified):
        career = await registry.find(verified.claim.registration_number)
        if career is None:
            summary = domain.summary_of(undecidable(ReasonCode.INSURED_UNKNOWN))
            return domain.decided_event(verified, summary, domain.InspectionSelection(selected=False))
        case = domain.case_for(verified.claim, career)
        decision = decide(case, revaluation)
        refused = await decisions.refused_before(verified.claim.registration_number, verified.claim_id)
        facts = facts_from_case(verified.claim.reference, case, decision, filed_by=verified.claim.applicant_role,
                                refused_before=refused,
                                flagged_documents=sum(1 for document in verified.documents if document.flags))
        selection = domain.selection_of(select_for_inspection(facts, inspection))
        return domain.decided_event(verified, domain.summary_of(decision), selection)

    @subscriber(broker, Topic.DOCUMENTS_VERIFIED, group_id="eligibility")
    async def on_documents_verified(verified: DocumentsVerified) -> None:
        if not await decisions.already_decided(verified.event_id):
            decided = await decision_event(verified)
            await decisions.record(verified.event_id, decided, domain.accepted_at_decision(decided))
        await relay.publish_pending(verified.event_id)

    @subscriber(broker, Topic.INSPECTION_COMPLETED, group_id="eligibility-inspections")
    async def on_inspection_completed(completed: InspectionCompleted) -> None:
        decision = await decisions.awaiting_inspection(completed.claim_id)
        if decision is None:  # not selected, or already recorded (the outbox sweep publishes what is pending)
            log.warning("inspection outcome for a claim not awaiting one", extra={"claim_id": completed.claim_id})
            return
        accepted = None
        if completed.passed:
            claim = domain.ClaimDetails.model_validate(decision["claim"])
            accepted = domain.accepted_event(completed.claim_id, completed.correlation_id, claim,
                                             Decimal(decision["decision"]["amount"]))
        await decisions.record_inspection(decision["_id"], completed, accepted)
        await relay.publish_pending(decision["_id"])

    @subscriber(broker, Topic.INSURED_RECORD_UPDATED, group_id="eligibility-registry")
    async def on_insured_record_updated(updated: InsuredRecordUpdated) -> None:
        record = Insured.model_validate(updated.record.model_dump(mode="json"))
        await registry.upsert(updated.registration_number, record)
