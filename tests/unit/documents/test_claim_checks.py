"""A claim's scans through all the file checks: location, sizes, antivirus, content, filing; with an in-memory store
and the fake clamd."""

import asyncio

import pytest

from contracts import ClaimSubmitted, DocumentRef, DocumentsIncomplete, DocumentsVerified
from services.documents.adapters.antivirus import ClamdScanner, NoScanner, ScannerError
from services.documents.domain import verdict
from services.documents.file_checks import Accepted, Limits, Rejected
from services.documents.use_cases import Buckets, CheckDocuments, CheckUpload
from tests.e2e.samples import pdf_scan, png_scan
from tests.samples import sample_claim
from tests.unit.documents.fake_clamd import SIGNATURE
from tests.unit.documents.fakes import CLAIM_ID, MemoryCheckRecords, MemoryFiledUploads, MemoryStore
from tests.unit.documents.hostile_files import EICAR, PHP_SHELL

CLAIM = sample_claim()
LIMITS = Limits(max_file_bytes=100_000, max_pdf_pages=5, max_image_pixels=50_000_000)
BUCKETS = Buckets(quarantine="quarantine", documents="documents")


def submitted(*refs: DocumentRef) -> ClaimSubmitted:
    return ClaimSubmitted(claim_id=CLAIM_ID, correlation_id="k", producer="claims", claim=CLAIM, documents=refs)


def checker(store: MemoryStore, scanner=None, max_claim_bytes: int = 1_000_000) -> CheckDocuments:
    check_upload = CheckUpload(scanner or NoScanner(), LIMITS)
    return CheckDocuments(store, check_upload, max_claim_bytes, BUCKETS, MemoryCheckRecords(), MemoryFiledUploads())


async def test_accepted_scans_are_filed_under_generated_keys_with_their_type_and_the_claim_is_verified():
    store = MemoryStore()
    pdf, png = pdf_scan(pages=2), png_scan()
    event = submitted(store.upload("d1", pdf), store.upload("d2", png, "bank_details"))
    checked = await checker(store).check_scans(event)
    assert store.filed() == {f"{CLAIM_ID}/d1.pdf": (pdf, "application/pdf"), f"{CLAIM_ID}/d2.png": (png, "image/png")}
    outcome = verdict(event, checked.results, "documents")
    assert isinstance(outcome, DocumentsVerified)
    assert [(d.object_key, d.pages, d.size) for d in outcome.documents] == [
        (f"{CLAIM_ID}/d1.pdf", 2, len(pdf)),
        (f"{CLAIM_ID}/d2.png", 1, len(png)),
    ]


async def test_a_rejected_scan_stays_in_quarantine_and_its_coded_reason_reaches_the_verdict():
    store = MemoryStore()
    event = submitted(store.upload("d1", PHP_SHELL), store.upload("d2", png_scan(), "bank_details"))
    checked = await checker(store).check_scans(event)
    assert list(store.filed()) == [f"{CLAIM_ID}/d2.png"]
    outcome = verdict(event, checked.results, "documents")
    assert isinstance(outcome, DocumentsIncomplete)
    assert outcome.missing == ("identity_card",)
    assert [(r.document_id, r.reason.split(":")[0]) for r in outcome.rejected] == [("d1", "not_allowed_type")]


async def test_a_file_the_fake_clamd_finds_infected_is_rejected_with_the_signature_and_never_filed(clamd):
    store = MemoryStore()
    event = submitted(store.upload("d1", EICAR), store.upload("d2", pdf_scan()))
    checked = await checker(store, ClamdScanner(clamd.socket_path)).check_scans(event)
    assert checked.results["d1"].reason == f"infected: {SIGNATURE}"
    assert isinstance(checked.results["d2"], Accepted)
    assert list(store.filed()) == [f"{CLAIM_ID}/d2.pdf"]
    assert [c["antivirus"] for c in checked.checks] == ["clamd", "clamd"]


async def test_a_clean_file_is_scanned_by_the_fake_clamd_before_it_is_filed(clamd):
    store = MemoryStore()
    pdf = pdf_scan()
    checked = await checker(store, ClamdScanner(clamd.socket_path)).check_scans(submitted(store.upload("d1", pdf)))
    assert clamd.streams == [pdf]
    assert checked.checks == [{"document_id": "d1", "outcome": "accepted", "antivirus": "clamd", "flags": []}]


async def test_without_clamd_the_check_records_that_the_file_was_not_scanned():
    store = MemoryStore()
    checked = await checker(store).check_scans(submitted(store.upload("d1", pdf_scan())))
    assert checked.checks[0]["antivirus"] == "not scanned"


async def test_a_scanner_failure_raises_so_the_message_is_retried_and_nothing_is_filed(clamd):
    clamd.reply = b"stream: Can't allocate memory ERROR\0"
    store = MemoryStore()
    with pytest.raises(ScannerError):
        await checker(store, ClamdScanner(clamd.socket_path)).check_scans(submitted(store.upload("d1", pdf_scan())))
    assert store.filed() == {}


class StoreReadTogether(MemoryStore):
    """Answers no read until `expected` reads are waiting: a claim whose scans were read one after the other
    would never get its first."""

    def __init__(self, expected: int) -> None:
        super().__init__()
        self.waiting, self.all_asked = 0, asyncio.Event()
        self.expected = expected

    async def get_bytes(self, bucket: str, key: str, limit: int) -> bytes:
        self.waiting += 1
        if self.waiting == self.expected:
            self.all_asked.set()
        await asyncio.wait_for(self.all_asked.wait(), timeout=2)
        return await super().get_bytes(bucket, key, limit)


async def test_a_claims_scans_are_read_and_checked_together_and_reported_in_their_order():
    store = StoreReadTogether(expected=3)
    refs = [store.upload("d1", pdf_scan()), store.upload("d2", png_scan(), "bank_details"), store.upload("d3", b"")]
    checked = await checker(store).check_scans(submitted(*refs))
    assert [note["document_id"] for note in checked.checks] == ["d1", "d2", "d3"]
    assert [note["outcome"] for note in checked.checks] == ["accepted", "accepted", "empty_file"]


async def test_a_scanner_failure_among_several_scans_raises_itself_not_a_group(clamd):
    clamd.reply = b"stream: Can't allocate memory ERROR\0"
    store = MemoryStore()
    refs = [store.upload("d1", pdf_scan()), store.upload("d2", png_scan(), "bank_details")]
    with pytest.raises(ScannerError):
        await checker(store, ClamdScanner(clamd.socket_path)).check_scans(submitted(*refs))


async def test_documents_past_the_claims_total_are_rejected_and_the_earlier_ones_kept():
    store = MemoryStore()
    pdf = pdf_scan()
    refs = [store.upload(f"d{n}", pdf) for n in range(3)]
    checked = await checker(store, max_claim_bytes=2 * len(pdf)).check_scans(submitted(*refs))
    assert [type(checked.results[r.document_id]) for r in refs] == [Accepted, Accepted, Rejected]
    assert checked.results["d2"].code == "claim_too_large"
    assert len(store.filed()) == 2


async def test_a_file_over_the_size_limit_is_rejected_without_being_scanned(clamd):
    store = MemoryStore()
    checked = await checker(store, ClamdScanner(clamd.socket_path)).check_scans(
        submitted(store.upload("d1", b"%PDF-" + b"0" * LIMITS.max_file_bytes))
    )
    assert checked.results["d1"].code == "file_too_large"
    assert clamd.streams == []


@pytest.mark.parametrize(
    "bucket, key, document_id",
    [
        ("receipts", f"{CLAIM_ID}/d1", "d1"),  # another bucket
        ("quarantine", "other-claim/d1", "d1"),  # another claim's upload
        ("quarantine", f"{CLAIM_ID}/x", "../../etc/passwd"),  # an id that would escape the claim's prefix
    ],
)
async def test_a_reference_outside_the_claims_own_uploads_is_rejected_and_nothing_is_read(bucket, key, document_id):
    store = MemoryStore()
    store.objects[bucket, key] = (pdf_scan(), "application/pdf")
    ref = DocumentRef(document_id=document_id, doc_type="identity_card", bucket=bucket, object_key=key, size=1)
    checked = await checker(store).check_scans(submitted(ref))
    assert checked.results[document_id].code == "bad_reference"
    assert store.filed() == {}


async def test_a_file_missing_from_quarantine_and_never_filed_is_rejected_as_not_found():
    ref = DocumentRef(
        document_id="d1", doc_type="identity_card", bucket="quarantine", object_key=f"{CLAIM_ID}/d1", size=10
    )
    checked = await checker(MemoryStore()).check_scans(submitted(ref))
    assert checked.results["d1"] == Rejected("not_found", "the file is not among the claim's uploads")


async def test_a_resubmitted_claim_finds_a_file_the_quarantine_expired_in_the_documents_bucket():
    store = MemoryStore()
    png = png_scan()
    ref = store.upload("d1", png)
    await checker(store).check_scans(submitted(ref))
    del store.objects["quarantine", ref.object_key]  # the lifecycle rule expired it
    checked = await checker(store).check_scans(submitted(ref))
    assert isinstance(checked.results["d1"], Accepted) and checked.results["d1"].size == len(png)
