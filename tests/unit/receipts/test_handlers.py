"""The receipts service's subscriber through FastStream's test broker, with in-memory ports: each decision gets one
receipt, stored, recorded and announced once."""

import hashlib

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from contracts import ClaimDecided, DecisionSummary, InspectionSelection, Topic, VerifiedDocument
from services.receipts.handlers import register
from services.receipts.rendering.pool import ReceiptRenderTimeout
from services.receipts.rendering.verification import verify
from services.receipts.use_cases import IssueReceipt
from services.runtime.kafka import headers_for, serialize
from tests.unit.documents.test_claim_checks import CLAIM
from tests.unit.receipts.fakes import FakeRenderer, MemoryFiles, MemoryReceiptRecords
from tests.unit.runtime.fakes import MemoryOutbox

KEY = b"test-receipt-key"


def decided(selected: bool = False) -> ClaimDecided:
    return ClaimDecided(
        claim_id="c-7",
        correlation_id="k",
        producer="eligibility",
        claim=CLAIM,
        documents=tuple(
            VerifiedDocument(
                document_id=f"d{n}",
                doc_type=doc_type,
                bucket="documents",
                object_key=f"c-7/d{n}.pdf",
                content_type="application/pdf",
                size=100,
                pages=1,
                sha256=f"{n}" * 64,
            )
            for n, doc_type in enumerate(("identity_card", "bank_details"))
        ),
        decision=DecisionSummary(outcome="eligible"),
        inspection=InspectionSelection(selected=selected),
    )


class Service:
    def __init__(self, renderer=None) -> None:
        self.outbox, self.files = MemoryOutbox(), MemoryFiles()
        self.records = MemoryReceiptRecords(self.outbox)
        self.renderer = renderer or FakeRenderer()
        self.broker = KafkaBroker()
        issue_receipt = IssueReceipt(
            self.records,
            self.renderer,
            self.files,
            bucket="receipts",
            verification_key=KEY,
            verification_base_url="https://verify.example/?t=",
            render_timeout_s=5,
        )
        register(self.broker, issue_receipt, self.outbox)

    async def deliver(self, *events: ClaimDecided) -> None:
        async with TestKafkaBroker(self.broker) as test_broker:
            for event in events:
                await test_broker.publish(
                    serialize(event), Topic.CLAIM_DECIDED, key=event.claim_id.encode(), headers=headers_for(event)
                )


async def test_a_decision_gets_its_receipt_stored_recorded_and_announced_once_even_when_redelivered():
    service, event = Service(), decided(selected=True)
    await service.deliver(event, event)
    assert len(service.renderer.views) == 1
    pdf, content_type = service.files.objects["receipts", "c-7/accuse-de-depot.pdf"]
    assert content_type == "application/pdf"
    [(topic, issued)] = service.outbox.published
    assert topic == Topic.RECEIPT_ISSUED
    code = service.renderer.views[0].verification_code
    assert issued["receipt"] == {
        "bucket": "receipts",
        "object_key": "c-7/accuse-de-depot.pdf",
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "size": len(pdf),
        "verification_code": code,
    }
    assert (issued["claim_id"], issued["inspection"]["selected"], issued["producer"]) == ("c-7", True, "receipts")
    assert await service.records.by_verification_code(code) == {
        "reference": "RCS-1",
        "request_date": "2026-11-22",
        "registration_number": "123456789",
        "document_hashes": ["0" * 64, "1" * 64],
    }


async def test_the_receipts_qr_code_carries_a_signed_token_of_what_it_covers():
    service = Service()
    await service.deliver(decided())
    view = service.renderer.views[0]
    token = view.verification_url.removeprefix("https://verify.example/?t=")
    claims = verify(token, KEY)
    assert (claims["reference"], claims["document_hashes"]) == ("RCS-1", ["0" * 64, "1" * 64])


async def test_a_render_that_times_out_fails_the_handler_so_the_event_is_retried_and_nothing_is_kept():
    class SlowRenderer(FakeRenderer):
        async def render(self, view, timeout_s):
            raise ReceiptRenderTimeout("the receipt took too long")

    service = Service(SlowRenderer())
    with pytest.raises(ReceiptRenderTimeout):
        await service.deliver(decided())
    assert (service.files.objects, service.records.records, service.outbox.published) == ({}, {}, [])
