"""Kafka subscribers of the eligibility service: each turns a message into one call of a use case and publishes
what it recorded."""

from typing import Annotated

from faststream.kafka import KafkaBroker
from pydantic import Field, TypeAdapter

from contracts import (
    ClaimDrafted,
    ClaimSubmitted,
    DocumentsIncomplete,
    DocumentsVerified,
    InspectionCompleted,
    InsuredRecordUpdated,
    ReviewApproved,
    ReviewDecided,
    Topic,
)
from services.eligibility.use_cases import ApplyAgentAction, DecideClaim, FollowFilings, UpdateRegistry
from services.runtime.dead_letters import PermanentErrors
from services.runtime.kafka import read_batch, subscriber
from services.runtime.outbox import OutboxRelay

_review_event = TypeAdapter(Annotated[ReviewDecided | ReviewApproved, Field(discriminator="type")])


def register(
    broker: KafkaBroker,
    decide_claim: DecideClaim,
    apply_agent_action: ApplyAgentAction,
    update_registry: UpdateRegistry,
    follow_filings: FollowFilings,
    relay: OutboxRelay,
) -> None:
    @subscriber(broker, Topic.DOCUMENTS_VERIFIED, group_id="eligibility", batch=True)
    async def on_documents_verified(values: list[bytes]) -> None:
        # What has arrived, decided together: a few reads and one write for the batch instead of four commands a
        # claim. The unreadable events are dead-lettered each alone.
        events, failed = read_batch(values, DocumentsVerified.model_validate_json)
        await relay.publish_pending(*await decide_claim(list(events.values())))
        if failed:
            raise PermanentErrors(failed)

    @subscriber(broker, Topic.INSPECTION_COMPLETED, group_id="eligibility-inspections")
    async def on_inspection_completed(completed: InspectionCompleted) -> None:
        if decision_id := await apply_agent_action(completed):
            await relay.publish_pending(decision_id)

    @subscriber(broker, Topic.REVIEWS, group_id="eligibility-reviews")
    async def on_review(body: dict) -> None:
        if decision_id := await apply_agent_action(_review_event.validate_python(body)):
            await relay.publish_pending(decision_id)

    @subscriber(broker, Topic.INSURED_RECORD_UPDATED, group_id="eligibility-registry")
    async def on_insured_record_updated(updated: InsuredRecordUpdated) -> None:
        await update_registry(updated.registration_number, updated.record, updated.contact)

    @subscriber(broker, Topic.CLAIM_SUBMITTED, group_id="eligibility-filings")
    async def on_claim_filed(submitted: ClaimSubmitted) -> None:
        """Whoever files is no longer invited to, nor reminded of a claim left unfinished (outreach campaigns)."""
        await follow_filings.submitted(submitted)

    @subscriber(broker, Topic.CLAIM_DRAFTED, group_id="eligibility-drafts")
    async def on_claim_drafted(drafted: ClaimDrafted) -> None:
        await follow_filings.left_unfinished(drafted)

    @subscriber(broker, Topic.DOCUMENTS_INCOMPLETE, group_id="eligibility-returns")
    async def on_claim_returned(returned: DocumentsIncomplete) -> None:
        await follow_filings.left_unfinished(returned)
