"""Check every scan of a submitted claim, file the good ones under the claim's prefix, report the verdict."""

import asyncio

from faststream.kafka import KafkaBroker

from contracts import ClaimSubmitted, Topic
from services.documents.config import DocumentsSettings
from services.documents.domain import storage_key, verdict
from services.documents.inspection import Accepted, Rejected, inspect_scan
from services.documents.repository import ReviewsRepository
from services.runtime.kafka import subscriber
from services.runtime.object_store import ObjectMissing, ObjectStore
from services.runtime.outbox import OutboxRelay


def register(broker: KafkaBroker, settings: DocumentsSettings, repository: ReviewsRepository,
             store: ObjectStore, relay: OutboxRelay) -> None:
    async def check(submitted: ClaimSubmitted) -> dict[str, Accepted | Rejected]:
        results: dict[str, Accepted | Rejected] = {}
        for ref in submitted.documents:
            try:
                data = await store.get_bytes(ref.bucket, ref.object_key, limit=settings.max_file_bytes)
            except ObjectMissing:
                results[ref.document_id] = Rejected("file not found among the uploads")
                continue
            result = await asyncio.to_thread(inspect_scan, data, settings.max_file_bytes, settings.max_pdf_pages)
            if isinstance(result, Accepted):
                key = storage_key(submitted.claim_id, ref.document_id, result.extension)
                await store.copy(ref.bucket, ref.object_key, settings.documents_bucket, key)
            results[ref.document_id] = result
        return results

    @subscriber(broker, Topic.CLAIM_SUBMITTED, group_id="documents")
    async def on_claim_submitted(submitted: ClaimSubmitted) -> None:
        if not await repository.already_reviewed(submitted.event_id):
            outcome = verdict(submitted, await check(submitted), settings.documents_bucket)
            await repository.record(submitted.event_id, outcome)
        await relay.publish_pending(submitted.event_id)
