"""The receipts service: renders the bilingual "accusé de dépôt" PDF of each decided claim into MinIO."""

from fastapi import FastAPI

from contracts import ReceiptIssued, Topic
from services.receipts.api import verification_router
from services.receipts.config import ReceiptsSettings
from services.receipts.handlers import register
from services.receipts.rendering.pool import ReceiptRenderer
from services.receipts.repository import ReceiptsRepository
from services.receipts.use_cases import IssueReceipt
from services.runtime.service import ServiceRuntime


def create_app(settings: ReceiptsSettings) -> FastAPI:
    runtime = ServiceRuntime("receipts", settings)
    runtime.publishes(Topic.RECEIPT_ISSUED, ReceiptIssued)
    receipts = runtime.database["receipts"]
    relay = runtime.relay_for(receipts)
    repository = ReceiptsRepository(receipts, relay.written)
    renderer = ReceiptRenderer(settings.render_pool_size())
    issue_receipt = IssueReceipt(
        repository,
        renderer,
        runtime.store,
        bucket=settings.bucket,
        verification_key=settings.verification_key.encode(),
        verification_base_url=settings.verification_base_url,
        render_timeout_s=settings.render_timeout_s,
    )
    register(runtime.broker, issue_receipt, relay, settings.decided_claim_consumers())
    runtime.startup_steps += [lambda: runtime.store.ensure_buckets(settings.bucket), renderer.start]

    async def close_renderer() -> None:
        renderer.close()

    runtime.shutdown_steps.append(close_renderer)
    return runtime.http_app(verification_router(settings.verification_key.encode(), repository))
