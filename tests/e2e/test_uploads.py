"""Each upload is checked by the documents service's own checks before the claims API keeps it: a refused file is
answered at once with its reason and never stored. Accepted uploads stream to the quarantine bucket, never through
Kafka; after submission the documents service checks them again there and files only the good ones in the
documents bucket, under keys it generates."""

import hashlib
import io
import urllib.parse
import uuid

import httpx
import pytest
from minio import Minio

from contracts import ClaimForm, DocumentRef, SubmitClaim, Topic
from services.documents.adapters.quarantine import RULE_ID
from tests.e2e.flow import client_for, insured_form, submit_claim, wait_for_status
from tests.e2e.samples import pdf_scan, png_scan
from tests.unit.documents.hostile_files import (
    PHP_SHELL,
    pdf_with_wrong_magic,
    png_declaring,
    truncated_jpeg,
    zip_bomb,
)

pytestmark = pytest.mark.e2e

TEN_MIB = 10 * 1024 * 1024


def stored(minio: Minio, bucket: str, claim_id: str) -> set[str]:
    return {o.object_name for o in minio.list_objects(bucket, prefix=f"{claim_id}/", recursive=True)}


def upload(api: httpx.Client, claim_id: str, doc_type: str, content, file_name: str) -> httpx.Response:
    headers = {"Content-Disposition": f'attachment; filename="{file_name}"'}
    return api.put(f"/claims/{claim_id}/documents/{doc_type}", content=content, headers=headers)


@pytest.mark.parametrize(
    "file_name, content, code",
    [
        ("identity.pdf", PHP_SHELL, "not_allowed_type"),
        ("identity.pdf", pdf_with_wrong_magic(), "not_allowed_type"),
        ("identity.png", zip_bomb(), "not_allowed_type"),
        ("identity.jpg", truncated_jpeg(), "image_truncated"),
        ("identity.png", png_declaring(60_000, 60_000), "image_too_large"),
    ],
    ids=["php-renamed-pdf", "pdf-wrong-magic", "zip-bomb-renamed-png", "truncated-jpeg", "pixel-bomb-png"],
)
def test_a_hostile_upload_is_refused_at_once_with_its_reason_and_nothing_is_kept(
    api, insured, minio, file_name, content, code
):
    claim_id = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
    response = upload(api, claim_id, "identity_card", content, file_name)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert len(response.json()["detail"]) > 10  # a message the portal can show beside the file
    assert api.get(f"/claims/{claim_id}").json()["documents"] == []
    assert stored(minio, "quarantine", claim_id) == set()


async def test_a_hostile_file_a_portal_put_in_quarantine_itself_is_still_rejected_after_submission(
    api, insured, minio, producer
):
    """Portals may publish SubmitClaim with their own uploads: the documents service checks every file again."""
    claim_id = str(uuid.uuid4())
    refs = tuple(
        quarantined(minio, claim_id, doc_type, content)
        for doc_type, content in (("identity_card", PHP_SHELL), ("bank_details", png_scan()))
    )
    command = SubmitClaim(
        claim_id=claim_id,
        correlation_id="portal-upload",
        producer="portal",
        submitted_by=insured,
        form=ClaimForm.model_validate(insured_form(insured)),
        documents=refs,
    )
    await producer.send_and_wait(Topic.CLAIM_INTAKE, command.model_dump_json().encode(), key=claim_id.encode())

    claim = await wait_for_status(api, claim_id, "documents_incomplete")
    detail = next(e for e in claim["timeline"] if e["status"] == "documents_incomplete")["detail"]
    assert [(r["doc_type"], r["reason"].split(": ", 1)[0]) for r in detail["rejected"]] == [
        ("identity_card", "not_allowed_type")
    ]
    assert [missing["doc_type"] for missing in detail["missing"]] == ["identity_card"]
    assert claim["status"] == "returned"
    assert stored(minio, "documents", claim_id) == {f"{refs[1].object_key}.png"}


def quarantined(minio: Minio, claim_id: str, doc_type: str, content: bytes) -> DocumentRef:
    key = f"{claim_id}/{uuid.uuid4()}"
    minio.put_object("quarantine", key, io.BytesIO(content), len(content))
    return DocumentRef(
        document_id=key.split("/")[1], doc_type=doc_type, bucket="quarantine", object_key=key, size=len(content)
    )


def test_an_uploads_own_name_is_shown_back_and_the_check_tells_its_real_type(api, insured):
    claim_id = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
    response = api.put(
        f"/claims/{claim_id}/documents/identity_card",
        content=pdf_scan(pages=2),
        headers={"X-File-Name": urllib.parse.quote("C:\\scans\\بطاقة وطنية.pdf")},
    )
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("doc_type", "content_type", "pages")} == {
        "doc_type": "identity_card",
        "content_type": "application/pdf",
        "pages": 2,
    }
    (document,) = api.get(f"/claims/{claim_id}").json()["documents"]
    assert (document["document_id"], document["file_name"]) == (response.json()["document_id"], "بطاقة وطنية.pdf")


def test_an_upload_the_documents_service_cannot_check_is_refused_with_503_and_nothing_is_kept(stack, insured, minio):
    """A claims instance whose documents service is out of reach: the claimant is told to try again."""
    stack.start("claims", instance=1, extra_env={"CLAIMS_DOCUMENTS_URL": "http://127.0.0.1:9"})
    try:
        with client_for(stack.url("claims", instance=1), insured) as api:
            claim_id = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
            response = upload(api, claim_id, "identity_card", pdf_scan(), "identity.pdf")
            assert response.status_code == 503 and "send it again" in response.json()["detail"]
            assert api.get(f"/claims/{claim_id}").json()["documents"] == []
    finally:
        stack.stop("claims", instance=1)
    assert stored(minio, "quarantine", claim_id) == set()


def test_an_empty_upload_is_refused_by_the_api_and_nothing_is_stored(api, insured, minio):
    claim_id = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
    response = upload(api, claim_id, "identity_card", b"", "identity.pdf")
    assert (response.status_code, response.json()["detail"]) == (400, "empty file")
    assert stored(minio, "quarantine", claim_id) == set()
    assert api.get(f"/claims/{claim_id}").json()["documents"] == []


@pytest.mark.parametrize("streamed", [False, True], ids=["declared-length", "chunked"])
def test_an_upload_one_byte_over_ten_mib_is_refused_by_the_api_and_nothing_is_stored(api, insured, minio, streamed):
    claim_id = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
    body = b"%PDF-" + b"0" * (TEN_MIB + 1 - 5)
    assert len(body) == TEN_MIB + 1
    content = (body[i : i + 1024 * 1024] for i in range(0, len(body), 1024 * 1024)) if streamed else body
    response = upload(api, claim_id, "identity_card", content, "identity.pdf")
    assert (response.status_code, response.json()["detail"]) == (413, f"file larger than {TEN_MIB} bytes")
    assert stored(minio, "quarantine", claim_id) == set()
    assert api.get(f"/claims/{claim_id}").json()["documents"] == []


async def test_a_file_name_climbing_out_of_its_folder_is_ignored_and_the_stored_keys_are_generated(
    api, insured, minio, mongo, run_id
):
    pdf = pdf_scan(pages=2)
    claim_id = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
    pdf_id = upload(api, claim_id, "identity_card", pdf, "../../etc/passwd").raise_for_status().json()["document_id"]
    png_id = upload(api, claim_id, "bank_details", png_scan(), "..\\..\\rib.png").json()["document_id"]
    assert api.post(f"/claims/{claim_id}/submit").status_code == 202

    await wait_for_status(api, claim_id, "documents_verified")
    assert stored(minio, "quarantine", claim_id) == {f"{claim_id}/{pdf_id}", f"{claim_id}/{png_id}"}
    assert stored(minio, "documents", claim_id) == {f"{claim_id}/{pdf_id}.pdf", f"{claim_id}/{png_id}.png"}
    for bucket in ("quarantine", "documents"):
        assert not [
            o.object_name
            for o in minio.list_objects(bucket, recursive=True)
            if "passwd" in o.object_name or ".." in o.object_name
        ]
    filed = minio.get_object("documents", f"{claim_id}/{pdf_id}.pdf")
    assert (filed.read(), filed.headers["Content-Type"]) == (pdf, "application/pdf")

    review = await mongo[f"{run_id}_documents"]["reviews"].find_one({"claim_id": claim_id})
    identity = next(d for d in review["documents"] if d["document_id"] == pdf_id)
    assert (identity["sha256"], identity["size"], identity["pages"], identity["content_type"]) == (
        hashlib.sha256(pdf).hexdigest(),
        len(pdf),
        2,
        "application/pdf",
    )
    assert {check["antivirus"] for check in review["checks"]} == {"clamd"}  # start.sh's clamd (test_antivirus.py)


async def test_a_claim_whose_documents_are_all_good_is_verified(api, insured, minio):
    claim_id = submit_claim(api, insured_form(insured))["claim_id"]
    claim = await wait_for_status(api, claim_id, "documents_verified")
    assert "documents_incomplete" not in [entry["status"] for entry in claim["timeline"]]
    assert {name.rsplit(".", 1)[1] for name in stored(minio, "documents", claim_id)} == {"pdf", "png"}


def test_the_quarantine_bucket_forgets_uploads_after_seven_days(stack, minio):
    rules = minio.get_bucket_lifecycle("quarantine").rules
    assert [(rule.rule_id, rule.expiration.days, rule.status) for rule in rules] == [(RULE_ID, 7, "Enabled")]
