"""In-memory fakes of the receipts service's ports; tests/integration/test_receipt_records_port.py runs the same suite
against them and the real server."""

from typing import Any

from contracts import ReceiptIssued, Topic
from services.receipts.rendering.view import ReceiptView
from services.receipts.use_cases import CoveredByReceipt
from tests.unit.runtime.fakes import MemoryOutbox


class MemoryReceiptRecords:
    """`ReceiptRecords`: the first receipt of an event stands, its event queued in `outbox`."""

    def __init__(self, outbox: MemoryOutbox | None = None) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.outbox = outbox or MemoryOutbox()

    async def already_issued(self, event_id: str) -> bool:
        return event_id in self.records

    async def record(self, event_id: str, event: ReceiptIssued, document_hashes: list[str]) -> None:
        if event_id in self.records:
            return
        covered = CoveredByReceipt(
            reference=event.claim.reference,
            request_date=event.claim.filed_on.isoformat(),
            registration_number=event.claim.registration_number,
            document_hashes=list(document_hashes),
        )
        self.records[event_id] = {"code": event.receipt.verification_code, "covered": covered}
        self.outbox.add(event_id, (Topic.RECEIPT_ISSUED, event))

    async def by_verification_code(self, code: str) -> CoveredByReceipt | None:
        return next((r["covered"] for r in self.records.values() if r["code"] == code), None)


class FakeRenderer:
    """`Renderer`: a PDF's first bytes and the claim's reference, and every view it was given."""

    def __init__(self) -> None:
        self.views: list[ReceiptView] = []

    async def render(self, view: ReceiptView, timeout_s: float) -> bytes:
        self.views.append(view)
        return f"%PDF-1.7 receipt {view.reference}".encode()


class MemoryFiles:
    """`ReceiptFiles`."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], tuple[bytes, str]] = {}

    async def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        self.objects[bucket, key] = (data, content_type)
