"""The documents service's subscriber through FastStream's test broker, with in-memory ports: a submitted claim's
scans are checked and filed once, and its verdict published once."""

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker

from contracts import ClaimSubmitted, Topic
from services.documents.adapters.antivirus import NoScanner, ScannerError, ScanVerdict
from services.documents.handlers import register
from services.documents.use_cases import CheckDocuments, CheckUpload
from services.runtime.kafka import headers_for, serialize
from tests.e2e.samples import pdf_scan, png_scan
from tests.unit.documents.fakes import MemoryCheckRecords, MemoryFiledUploads, MemoryStore
from tests.unit.documents.test_claim_checks import BUCKETS, LIMITS, submitted
from tests.unit.runtime.fakes import MemoryOutbox


class FailingScanner:
    name = "clamd"

    async def scan(self, data: bytes) -> ScanVerdict:
        raise ScannerError("clamd did not answer")


def checker(store: MemoryStore, records: MemoryCheckRecords, scanner=None) -> CheckDocuments:
    check_upload = CheckUpload(scanner or NoScanner(), LIMITS)
    return CheckDocuments(store, check_upload, 1_000_000, BUCKETS, records, MemoryFiledUploads())


async def deliver(scanner, store: MemoryStore, *events: ClaimSubmitted) -> tuple[MemoryCheckRecords, MemoryOutbox]:
    broker, outbox = KafkaBroker(), MemoryOutbox()
    records = MemoryCheckRecords(outbox)
    register(broker, checker(store, records, scanner), outbox)
    async with TestKafkaBroker(broker) as test_broker:
        for event in events:
            await test_broker.publish(
                serialize(event), Topic.CLAIM_SUBMITTED, key=event.claim_id.encode(), headers=headers_for(event)
            )
    return records, outbox


async def test_a_claim_with_good_scans_is_filed_and_verified_and_a_redelivery_publishes_nothing_more():
    store = MemoryStore()
    event = submitted(store.upload("d1", pdf_scan()), store.upload("d2", png_scan(), "bank_details"))
    records, outbox = await deliver(NoScanner(), store, event, event)
    assert [topic for topic, _ in outbox.published] == [Topic.DOCUMENTS_VERIFIED]
    verified = outbox.published[0][1]
    assert (verified["claim_id"], verified["correlation_id"]) == (event.claim_id, event.correlation_id)
    assert [(d["document_id"], d["object_key"]) for d in verified["documents"]] == [
        ("d1", f"{event.claim_id}/d1.pdf"),
        ("d2", f"{event.claim_id}/d2.png"),
    ]
    assert list(records.records) == [event.event_id]
    assert [note["outcome"] for note in records.records[event.event_id]["checks"]] == ["accepted", "accepted"]
    assert sorted(store.filed()) == [f"{event.claim_id}/d1.pdf", f"{event.claim_id}/d2.png"]


async def test_a_claim_missing_a_document_is_reported_incomplete():
    store = MemoryStore()
    event = submitted(store.upload("d2", png_scan(), "bank_details"))
    _, outbox = await deliver(NoScanner(), store, event)
    assert [(topic, sent["missing"]) for topic, sent in outbox.published] == [
        (Topic.DOCUMENTS_INCOMPLETE, ["identity_card"])
    ]


async def test_without_an_antivirus_verdict_the_handler_fails_so_the_event_is_retried_and_nothing_is_kept():
    store = MemoryStore()
    with pytest.raises(ScannerError):
        await deliver(FailingScanner(), store, submitted(store.upload("d1", pdf_scan())))
    assert store.filed() == {}


async def test_a_redelivered_event_already_checked_is_not_checked_again_but_its_verdict_still_goes_out():
    store = MemoryStore()
    event = submitted(store.upload("d1", pdf_scan()), store.upload("d2", png_scan(), "bank_details"))
    outbox = MemoryOutbox()
    records = MemoryCheckRecords(outbox)
    await checker(store, records)([event])  # then a crash
    store.objects.clear()
    broker = KafkaBroker()
    register(broker, checker(store, records), outbox)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(serialize(event), Topic.CLAIM_SUBMITTED)
    assert store.objects == {}
    assert [topic for topic, _ in outbox.published] == [Topic.DOCUMENTS_VERIFIED]
