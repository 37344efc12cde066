"""The documents service's HTTP routes: one upload through the same file checks as a submitted claim's scans
(antivirus included) and, accepted, filed at once; and the checklist of a claimant's situation with its labels, types
and size limit."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.documents.adapters.antivirus import ClamdScanner, NoScanner
from services.documents.api import documents_router
from services.documents.use_cases import CheckUpload, FileCopies, FileUpload
from tests.e2e.samples import pdf_scan, png_scan
from tests.unit.documents.fake_clamd import SIGNATURE
from tests.unit.documents.fakes import CLAIM_ID, MemoryFiledUploads, MemoryStore
from tests.unit.documents.hostile_files import EICAR, PHP_SHELL, truncated_jpeg
from tests.unit.documents.test_claim_checks import LIMITS

FORM = {"claimant_type": "insured", "registration_number": "123456789", "applicant_name": "A", "phone": "+212612345678"}


UPLOAD = f"/uploads/{CLAIM_ID}/d1"


def client(scanner=None) -> tuple[TestClient, MemoryStore, MemoryFiledUploads]:
    store = MemoryStore()
    uploads = MemoryFiledUploads()
    file_copies = FileCopies(store, "documents", LIMITS.max_image_pixels)
    app = FastAPI()
    app.include_router(documents_router(FileUpload(CheckUpload(scanner or NoScanner(), LIMITS), file_copies, uploads)))
    return TestClient(app), store, uploads


def test_a_good_scan_is_accepted_with_its_real_type_and_pages_and_its_copy_filed_at_once():
    api, store, uploads = client()
    assert api.put(UPLOAD, content=pdf_scan(pages=3)).json() == {
        "accepted": True,
        "content_type": "application/pdf",
        "pages": 3,
    }
    assert api.put(f"/uploads/{CLAIM_ID}/d2", content=png_scan()).json() == {
        "accepted": True,
        "content_type": "image/png",
        "pages": 1,
    }
    assert sorted(store.filed()) == [f"{CLAIM_ID}/d1.pdf", f"{CLAIM_ID}/d2.png"]
    assert sorted(uploads.uploads) == [f"{CLAIM_ID}/d1", f"{CLAIM_ID}/d2"]


def test_an_id_a_storage_key_cannot_take_is_refused_and_nothing_is_filed():
    api, store, uploads = client()
    answer = api.put(f"/uploads/{CLAIM_ID}/d1.pdf", content=pdf_scan()).json()
    assert (answer["accepted"], answer["code"]) == (False, "bad_reference")
    assert store.objects == {} and uploads.uploads == {}


@pytest.mark.parametrize(
    "content, code",
    [
        (PHP_SHELL, "not_allowed_type"),
        (truncated_jpeg(), "image_truncated"),
        (b"", "empty_file"),
    ],
    ids=["php-script", "truncated-jpeg", "empty"],
)
def test_a_bad_file_is_refused_with_the_code_and_the_message_of_the_file_checks_and_nothing_is_kept(content, code):
    """Neither a copy nor a record of checks; only the expiry's entry, written while the file was checked."""
    api, store, uploads = client()
    answer = api.put(UPLOAD, content=content).json()
    assert (answer["accepted"], answer["code"]) == (False, code)
    assert len(answer["reason"]) > 10 and not answer["reason"].startswith(code)
    assert store.objects == {} and [upload.record for upload in uploads.uploads.values()] == [None]


def test_a_file_over_the_limit_is_a_413_even_without_a_declared_length():
    api, _, _ = client()
    body = b"%PDF-" + b"0" * LIMITS.max_file_bytes
    assert api.put(UPLOAD, content=body).status_code == 413
    assert api.put(UPLOAD, content=iter([body[:1000], body[1000:]])).status_code == 413


def test_the_antivirus_scans_before_the_content_is_read(clamd):
    api, _, _ = client(ClamdScanner(clamd.socket_path, timeout_s=5))
    assert api.put(UPLOAD, content=EICAR).json() == {"accepted": False, "code": "infected", "reason": SIGNATURE}
    assert api.put(UPLOAD, content=pdf_scan()).json()["accepted"] is True
    assert clamd.streams[-1] == pdf_scan()


def test_an_antivirus_without_a_verdict_is_a_503_the_caller_retries(clamd):
    clamd.reply = b"stream: Can't allocate memory ERROR\0"
    api, _, _ = client(ClamdScanner(clamd.socket_path, timeout_s=5))
    assert api.put(UPLOAD, content=png_scan()).status_code == 503


def test_the_checklist_of_an_insured_miner_names_the_underground_certificate_in_french_and_arabic():
    answer = client()[0].post("/checklist", json=FORM | {"mining_activity": True}).json()
    assert [d["doc_type"] for d in answer["documents"]] == [
        "identity_card",
        "bank_details",
        "underground_work_certificate",
    ]
    assert answer["documents"][2] == {
        "doc_type": "underground_work_certificate",
        "label_fr": "Attestation de 5 ans de travail au fond",
        "label_ar": "شهادة العمل في باطن الأرض لمدة 5 سنوات",
    }
    assert answer["accepted_types"] == ["application/pdf", "image/jpeg", "image/png"]
    assert answer["max_file_bytes"] == LIMITS.max_file_bytes


def test_a_checklist_of_an_incomplete_form_names_the_missing_field():
    response = client()[0].post("/checklist", json={"claimant_type": "insured"})
    assert response.status_code == 422
    assert ["body", "registration_number"] in [error["loc"] for error in response.json()["errors"]]
