"""Decide each claim whose documents are verified, then draw it for inspection."""

from faststream.kafka import KafkaBroker

from contracts import DocumentsVerified, Topic
from services.eligibility import domain
from services.eligibility.inspection import InspectionSettings, facts_from_case, select_for_inspection
from services.eligibility.registry import InsuredRegistry
from services.eligibility.repository import DecisionsRepository
from services.eligibility.rules import ReasonCode, RevaluationTable, decide, undecidable
from services.runtime.kafka import subscriber
from services.runtime.outbox import OutboxRelay


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
                                refused_before=refused)
        selection = domain.selection_of(select_for_inspection(facts, inspection))
        return domain.decided_event(verified, domain.summary_of(decision), selection)

    @subscriber(broker, Topic.DOCUMENTS_VERIFIED, group_id="eligibility")
    async def on_documents_verified(verified: DocumentsVerified) -> None:
        if not await decisions.already_decided(verified.event_id):
            await decisions.record(verified.event_id, await decision_event(verified))
        await relay.publish_pending(verified.event_id)
