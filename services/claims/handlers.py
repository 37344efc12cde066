"""Kafka subscribers of the claims service: portal intake, and the timeline built from every event."""

from typing import Annotated

from faststream.kafka import KafkaBroker
from pydantic import Field, TypeAdapter

from contracts import (
    ClaimAccepted,
    ClaimDecided,
    ClaimRefused,
    ClaimSubmitted,
    DocumentsIncomplete,
    DocumentsVerified,
    InspectionCompleted,
    NotificationStatusChanged,
    ReceiptIssued,
    ReviewApproved,
    ReviewDecided,
    SubmitClaim,
    Topic,
)
from services.claims.form import normalise_moroccan_mobile
from services.claims.repository import OpenClaimExists
from services.claims.use_cases import FollowTimeline, SubmitClaims
from services.runtime.dead_letters import PermanentError, PermanentErrors
from services.runtime.kafka import read_batch, subscriber
from services.runtime.outbox import OutboxRelay

TIMELINE_TOPICS = (
    Topic.CLAIM_SUBMITTED,
    Topic.DOCUMENTS_VERIFIED,
    Topic.DOCUMENTS_INCOMPLETE,
    Topic.CLAIM_DECIDED,
    Topic.RECEIPT_ISSUED,
    Topic.NOTIFICATION_STATUS,
    Topic.INSPECTION_COMPLETED,
    Topic.REVIEWS,
    Topic.CLAIM_ACCEPTED,
    Topic.CLAIM_REFUSED,
)
ClaimEvent = Annotated[
    ClaimSubmitted
    | DocumentsVerified
    | DocumentsIncomplete
    | ClaimDecided
    | ReceiptIssued
    | NotificationStatusChanged
    | InspectionCompleted
    | ReviewDecided
    | ReviewApproved
    | ClaimAccepted
    | ClaimRefused,
    Field(discriminator="type"),
]
_claim_event = TypeAdapter(ClaimEvent)


def register(
    broker: KafkaBroker, submit_claims: SubmitClaims, follow_timeline: FollowTimeline, relay: OutboxRelay
) -> None:
    @subscriber(broker, Topic.CLAIM_INTAKE, group_id="claims")
    async def on_submit_claim(command: SubmitClaim) -> None:
        try:
            normalise_moroccan_mobile(command.form.phone)
        except ValueError as error:
            raise PermanentError(f"form.phone: {error}") from error
        try:
            await submit_claims.intake(command)
        except OpenClaimExists as error:
            raise PermanentError(
                f"form.registration_number: a claim is already in progress ({error.claim_id})"
            ) from error
        await relay.publish_pending(command.claim_id)

    @subscriber(broker, *TIMELINE_TOPICS, group_id="claims-timeline", batch=True)
    async def on_claim_events(values: list[bytes]) -> None:
        # What has arrived of the timeline's events, written together: one event at a time, the writes fell behind
        # the claims at 9 a second. The unreadable ones, and those of claims not here, are dead-lettered each alone.
        events, failed = read_batch(values, _claim_event.validate_json)
        missing = await follow_timeline(list(events.values()))
        for index, event in events.items():
            if event.claim_id in missing:
                failed[index] = PermanentError(f"claim_id: no claim {event.claim_id} here")
        if failed:
            raise PermanentErrors(failed)
