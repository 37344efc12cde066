"""Uploads filed as they arrive: checked and filed once, then taken as they are by their claim's submission, or
removed when the claim never comes; with in-memory ports."""

from datetime import UTC, datetime, timedelta

from contracts import DocumentRef, DocumentsIncomplete, DocumentsVerified
from services.documents.adapters.antivirus import NoScanner
from services.documents.use_cases import CheckDocuments, CheckUpload, ExpireUnsubmitted, FileCopies, FileUpload
from tests.e2e.samples import pdf_scan, png_scan
from tests.unit.documents.fakes import CLAIM_ID, MemoryCheckRecords, MemoryFiledUploads, MemoryStore
from tests.unit.documents.test_claim_checks import BUCKETS, LIMITS, submitted


class Service:
    """The documents service's use cases over one set of in-memory ports."""

    def __init__(self, max_claim_bytes: int = 1_000_000) -> None:
        self.store, self.uploads, self.records = MemoryStore(), MemoryFiledUploads(), MemoryCheckRecords()
        check_upload = CheckUpload(NoScanner(), LIMITS)
        file_copy = FileCopies(self.store, BUCKETS.documents, LIMITS.max_image_pixels)
        self.file_upload = FileUpload(check_upload, file_copy, self.uploads)
        self.check_documents = CheckDocuments(
            self.store, check_upload, max_claim_bytes, BUCKETS, self.records, self.uploads
        )

    async def upload(self, document_id: str, data: bytes, doc_type: str = "identity_card") -> DocumentRef:
        """As the claims API does: the documents service first, then the original to quarantine."""
        result, _ = await self.file_upload(CLAIM_ID, document_id, data)
        assert type(result).__name__ == "Accepted", result
        return self.store.upload(document_id, data, doc_type)

    def verdicts(self) -> list[DocumentsVerified | DocumentsIncomplete]:
        return [record["outcome"] for record in self.records.records.values()]

    def quarantine_emptied(self) -> None:
        for bucket, key in list(self.store.objects):
            if bucket == "quarantine":
                del self.store.objects[bucket, key]


async def test_a_claim_whose_uploads_were_filed_as_they_arrived_is_verified_from_their_records_alone():
    service = Service()
    pdf, png = pdf_scan(pages=2), png_scan()
    event = submitted(await service.upload("d1", pdf), await service.upload("d2", png, "bank_details"))
    filed_copies = service.store.filed()
    assert await service.check_documents([event]) == [event.event_id]
    assert service.store.reads == []  # the checks' records are enough
    [verified] = service.verdicts()
    assert isinstance(verified, DocumentsVerified)
    assert [(d.object_key, d.pages, d.size) for d in verified.documents] == [
        (f"{CLAIM_ID}/d1.pdf", 2, len(filed_copies[f"{CLAIM_ID}/d1.pdf"][0])),
        (f"{CLAIM_ID}/d2.png", 1, len(filed_copies[f"{CLAIM_ID}/d2.png"][0])),
    ]
    assert service.store.filed() == filed_copies
    assert [note["outcome"] for note in service.records.records[event.event_id]["checks"]] == ["accepted"] * 2


async def test_a_reference_whose_size_is_not_the_uploads_goes_through_every_check_again():
    service = Service()
    ref = await service.upload("d1", pdf_scan())
    service.store.objects["quarantine", ref.object_key] = (b"<?php system($_GET[1]);", "application/octet-stream")
    event = submitted(ref.model_copy(update={"size": 23}), await service.upload("d2", png_scan(), "bank_details"))
    await service.check_documents([event])
    [incomplete] = service.verdicts()
    assert isinstance(incomplete, DocumentsIncomplete)
    assert [(r.document_id, r.reason.split(":")[0]) for r in incomplete.rejected] == [("d1", "not_allowed_type")]


async def test_the_claims_total_counts_the_uploads_filed_as_they_arrived():
    pdf = pdf_scan()
    service = Service(max_claim_bytes=len(pdf) + 10)
    event = submitted(await service.upload("d1", pdf), await service.upload("d2", pdf, "bank_details"))
    service.quarantine_emptied()
    await service.check_documents([event])
    [incomplete] = service.verdicts()
    assert [(r.document_id, r.reason.split(":")[0]) for r in incomplete.rejected] == [("d2", "claim_too_large")]


async def test_claims_submitted_together_are_each_checked_once_and_reported_in_their_order():
    service = Service()
    first = submitted(await service.upload("d1", pdf_scan()), await service.upload("d2", png_scan(), "bank_details"))
    second = submitted(await service.upload("d3", png_scan(), "bank_details"))
    assert await service.check_documents([first, second, first]) == [first.event_id, second.event_id, first.event_id]
    assert [type(verdict).__name__ for verdict in service.verdicts()] == ["DocumentsVerified", "DocumentsIncomplete"]
    assert await service.check_documents([second]) == [second.event_id]
    assert len(service.verdicts()) == 2


async def test_the_copies_of_a_claim_never_submitted_go_with_its_quarantine_and_a_submitted_claims_stay():
    service = Service()
    kept = submitted(await service.upload("d1", pdf_scan()), await service.upload("d2", png_scan(), "bank_details"))
    await service.upload("d3", png_scan())  # replaced, or a claim left unfinished
    await service.check_documents([kept])
    expire = ExpireUnsubmitted(service.store, BUCKETS.documents, service.uploads, after=timedelta(0))
    assert await expire() == 1
    assert sorted(service.store.filed()) == [f"{CLAIM_ID}/d1.pdf", f"{CLAIM_ID}/d2.png"]
    assert await expire() == 0
    assert await ExpireUnsubmitted(service.store, BUCKETS.documents, service.uploads, timedelta(days=7))() == 0


async def test_a_scan_uploaded_again_as_another_type_leaves_no_copy_behind_when_its_claim_never_comes():
    service = Service()
    await service.upload("d1", pdf_scan())
    await service.upload("d1", png_scan())  # the claimant chose another file
    assert sorted(service.store.filed()) == [f"{CLAIM_ID}/d1.pdf", f"{CLAIM_ID}/d1.png"]
    assert await ExpireUnsubmitted(service.store, BUCKETS.documents, service.uploads, after=timedelta(0))() == 1
    assert service.store.filed() == {}


async def test_a_refused_upload_leaves_only_an_entry_the_expiry_drops():
    service = Service()
    result, _ = await service.file_upload(CLAIM_ID, "d1", b"<?php echo 1; ?>")
    assert type(result).__name__ == "Rejected"
    assert service.store.filed() == {}
    assert await service.uploads.unsubmitted_since(datetime.now(UTC) + timedelta(seconds=1)) == [f"{CLAIM_ID}/d1"]
    assert await ExpireUnsubmitted(service.store, BUCKETS.documents, service.uploads, after=timedelta(0))() == 1
    assert await service.uploads.unsubmitted_since(datetime.now(UTC) + timedelta(seconds=1)) == []
