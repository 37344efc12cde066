"""The receipts service's `ReceiptRecords` port, the same suite on the in-memory fake and on the real server."""

import pytest

from contracts import ReceiptIssued, Topic
from contracts.receipts import ReceiptRef
from services.receipts.repository import ReceiptsRepository
from tests.integration.port_suites import FAKE_AND_SERVER, port_and_outbox
from tests.unit.receipts.fakes import MemoryReceiptRecords
from tests.unit.receipts.test_handlers import decided

HASHES = ["a" * 64, "b" * 64]


def issued(code: str) -> ReceiptIssued:
    decision = decided()
    receipt = ReceiptRef(bucket="receipts", object_key="c-7/a.pdf", sha256="0" * 64, size=1, verification_code=code)
    return ReceiptIssued(
        claim_id=decision.claim_id,
        correlation_id="k",
        producer="receipts",
        claim=decision.claim,
        decision=decision.decision,
        inspection=decision.inspection,
        receipt=receipt,
    )


@pytest.fixture(params=FAKE_AND_SERVER)
async def port(request, run_id):
    async with port_and_outbox(request, run_id, MemoryReceiptRecords, ReceiptsRepository) as port_and_its_outbox:
        yield port_and_its_outbox


async def test_an_issued_receipt_is_found_by_its_code_with_what_it_covers_and_announced_once(port):
    records, outbox = port
    event = issued("ABCD-EFGH")
    assert not await records.already_issued("e-1")
    await records.record("e-1", event, HASHES)
    assert await records.already_issued("e-1")
    assert await records.by_verification_code("ABCD-EFGH") == {
        "reference": "RCS-1",
        "request_date": "2026-11-22",
        "registration_number": "123456789",
        "document_hashes": HASHES,
    }
    assert await records.by_verification_code("ZZZZ-ZZZZ") is None
    await outbox.publish_pending("e-1")
    await outbox.publish_pending("e-1")
    assert [(topic, sent["event_id"]) for topic, sent in outbox.published] == [(Topic.RECEIPT_ISSUED, event.event_id)]


async def test_a_second_record_of_the_same_decision_changes_nothing_and_the_first_receipt_stands(port):
    records, outbox = port
    first = issued("FIRST-001")
    await records.record("e-1", first, HASHES)
    await records.record("e-1", issued("SECOND-02"), [])
    assert await records.by_verification_code("SECOND-02") is None
    assert (await records.by_verification_code("FIRST-001"))["document_hashes"] == HASHES
    await outbox.publish_pending("e-1")
    assert [sent["event_id"] for _, sent in outbox.published] == [first.event_id]
