"""Render the deposit receipt of each decided claim into MinIO."""

import hashlib

from faststream.kafka import KafkaBroker

from contracts import ClaimDecided, Topic
from contracts.receipts import ReceiptRef
from services.receipts import domain
from services.receipts.config import ReceiptsSettings
from services.receipts.rendering.pool import ReceiptRenderer
from services.receipts.repository import ReceiptsRepository
from services.runtime.kafka import subscriber
from services.runtime.metrics import RECEIPTS_RENDERED
from services.runtime.object_store import ObjectStore
from services.runtime.outbox import OutboxRelay


def register(
    broker: KafkaBroker,
    settings: ReceiptsSettings,
    renderer: ReceiptRenderer,
    repository: ReceiptsRepository,
    store: ObjectStore,
    relay: OutboxRelay,
) -> None:
    @subscriber(broker, Topic.CLAIM_DECIDED, group_id="receipts")
    async def on_claim_decided(decided: ClaimDecided) -> None:
        if not await repository.already_issued(decided.event_id):
            token = domain.verification_token(decided, settings.verification_key.encode())
            view = domain.receipt_view(decided, token, settings.verification_base_url)
            pdf = await renderer.render(view, timeout_s=settings.render_timeout_s)
            key = domain.receipt_key(decided.claim_id)
            await store.put_bytes(settings.bucket, key, pdf, "application/pdf")
            RECEIPTS_RENDERED.inc()
            receipt = ReceiptRef(
                bucket=settings.bucket,
                object_key=key,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                verification_code=view.verification_code,
            )
            await repository.record(
                decided.event_id, domain.issued_event(decided, receipt), domain.document_hashes(decided)
            )
        await relay.publish_pending(decided.event_id)
