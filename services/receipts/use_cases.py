"""The receipts service's use case: issue the deposit receipt of a decided claim, once per decision event. It
depends on the ports below, not on the servers."""

from typing import Protocol, TypedDict

from contracts import ClaimDecided, ReceiptIssued
from services.receipts import domain
from services.receipts.rendering.view import ReceiptView
from services.runtime.metrics import RECEIPTS_RENDERED


class Renderer(Protocol):
    """Renders a receipt's PDF (`ReceiptRenderer`: WeasyPrint in a process pool)."""

    async def render(self, view: ReceiptView, timeout_s: float) -> bytes: ...


class ReceiptFiles(Protocol):
    """The object store, as far as receipts need it."""

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None: ...


class CoveredByReceipt(TypedDict):
    """What a receipt found by its verification code covers, as the receipt prints it."""

    reference: str
    request_date: str  # ISO date
    registration_number: str
    document_hashes: list[str]


class ReceiptRecords(Protocol):
    """One receipt per decision event, keyed by that event, carrying the `receipts.issued` event to publish."""

    async def already_issued(self, event_id: str) -> bool: ...

    async def record(self, event_id: str, event: ReceiptIssued, document_hashes: list[str]) -> None:
        """Keep the receipt with its outbox; a second record of the same event changes nothing."""

    async def by_verification_code(self, code: str) -> CoveredByReceipt | None: ...


class IssueReceipt:
    def __init__(
        self,
        records: ReceiptRecords,
        renderer: Renderer,
        files: ReceiptFiles,
        *,
        bucket: str,
        verification_key: bytes,
        verification_base_url: str,
        render_timeout_s: float,
    ) -> None:
        self.records, self.renderer, self.files = records, renderer, files
        self.bucket, self.verification_key, self.verification_base_url = bucket, verification_key, verification_base_url
        self.render_timeout_s = render_timeout_s

    async def __call__(self, decided: ClaimDecided) -> str:
        """Sign, render and store the receipt, then record it with its event, once per decision event (a redelivery
        finds its record); the id of the record whose outbox to publish."""
        if not await self.records.already_issued(decided.event_id):
            token = domain.verification_token(decided, self.verification_key)
            view = domain.receipt_view(decided, token, self.verification_base_url)
            pdf = await self.renderer.render(view, timeout_s=self.render_timeout_s)
            key = domain.receipt_key(decided.claim_id)
            await self.files.put_bytes(self.bucket, key, pdf, "application/pdf")
            RECEIPTS_RENDERED.inc()
            receipt = domain.receipt_ref(self.bucket, key, pdf, view.verification_code)
            issued = domain.issued_event(decided, receipt)
            await self.records.record(decided.event_id, issued, domain.document_hashes(decided))
        return decided.event_id
