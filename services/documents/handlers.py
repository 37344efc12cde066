"""Check every scan of a submitted claim, file the good ones under the claim's prefix, publish the verdict."""

from faststream.kafka import KafkaBroker

from contracts import ClaimSubmitted, Topic
from services.documents.use_cases import CheckDocuments
from services.runtime.kafka import subscriber
from services.runtime.once import PendingEvents


def register(
    broker: KafkaBroker, check_documents: CheckDocuments, relay: PendingEvents, partition_workers: int = 1
) -> None:
    @subscriber(broker, Topic.CLAIM_SUBMITTED, group_id="documents", partition_workers=partition_workers)
    async def on_claim_submitted(submitted: ClaimSubmitted) -> None:
        await relay.publish_pending(await check_documents(submitted))
