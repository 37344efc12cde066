"""Check every scan of a submitted claim, file the good ones under the claim's prefix, report the verdict."""

from faststream.kafka import KafkaBroker

from contracts import ClaimSubmitted, Topic
from services.documents.domain import verdict
from services.documents.repository import ReviewsRepository
from services.documents.review import DocumentReview
from services.runtime.kafka import subscriber
from services.runtime.outbox import OutboxRelay


def register(broker: KafkaBroker, review: DocumentReview, repository: ReviewsRepository, relay: OutboxRelay) -> None:
    @subscriber(broker, Topic.CLAIM_SUBMITTED, group_id="documents")
    async def on_claim_submitted(submitted: ClaimSubmitted) -> None:
        if not await repository.already_reviewed(submitted.event_id):
            checked = await review.check(submitted)
            outcome = verdict(submitted, checked.results, review.buckets.documents)
            await repository.record(submitted.event_id, outcome, checked.checks)
        await relay.publish_pending(submitted.event_id)
