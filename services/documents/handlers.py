"""Check the scans of what submitted claims have arrived, file the good ones under each claim's prefix, publish the
verdicts."""

from faststream.kafka import KafkaBroker

from contracts import ClaimSubmitted, Topic
from services.documents.use_cases import CheckDocuments
from services.runtime.dead_letters import PermanentErrors
from services.runtime.kafka import read_batch, subscriber
from services.runtime.once import PendingEvents


def register(broker: KafkaBroker, check_documents: CheckDocuments, relay: PendingEvents) -> None:
    @subscriber(broker, Topic.CLAIM_SUBMITTED, group_id="documents", batch=True)
    async def on_claims_submitted(values: list[bytes]) -> None:
        # The scans were checked and filed as they were uploaded: a batch's claims cost a few reads and one write.
        events, failed = read_batch(values, ClaimSubmitted.model_validate_json)
        await relay.publish_pending(*await check_documents(list(events.values())))
        if failed:
            raise PermanentErrors(failed)
