"""The claims API's side of an upload check: the documents service's answer read into an outcome (a refusal, or no
verdict at all), the upload's own name kept only for display, and a claim as the claimant's list shows it."""

import io
from datetime import UTC, datetime

import httpx
import pytest

from services.claims.adapters.document_checks import CheckOutcome, ChecksUnavailable, DocumentChecks
from services.claims.domain import file_name_of, listed

IDS = ("c-1", "d-1")


def checks_answering(handler) -> DocumentChecks:
    checks = DocumentChecks("http://documents.test", timeout_s=5)
    checks.client = httpx.AsyncClient(base_url="http://documents.test", transport=httpx.MockTransport(handler))
    return checks


async def test_the_bytes_go_to_the_claims_upload_at_the_documents_service_and_an_acceptance_names_the_real_type():
    received = []

    def documents(request: httpx.Request) -> httpx.Response:
        received.append((request.method, request.url.path, request.headers["content-length"], request.read()))
        return httpx.Response(200, json={"accepted": True, "content_type": "application/pdf", "pages": 2})

    outcome = await checks_answering(documents).check(io.BytesIO(b"%PDF-1.7 scan" * 10_000), 130_000, *IDS)
    assert outcome == CheckOutcome(True, content_type="application/pdf", pages=2)
    assert received == [("PUT", "/uploads/c-1/d-1", "130000", b"%PDF-1.7 scan" * 10_000)]


async def test_a_refusal_keeps_its_code_and_reason_and_a_413_is_a_file_too_large():
    refused = {"accepted": False, "code": "not_allowed_type", "reason": "the content is a PHP script"}
    outcome = await checks_answering(lambda _: httpx.Response(200, json=refused)).check(io.BytesIO(b"<?php"), 5, *IDS)
    assert (outcome.accepted, outcome.code, outcome.reason) == (False, "not_allowed_type", refused["reason"])
    too_large = await checks_answering(
        lambda _: httpx.Response(413, json={"detail": "file larger than 10 bytes"})
    ).check(io.BytesIO(b"x" * 11), 11, *IDS)
    assert (too_large.accepted, too_large.code) == (False, "file_too_large")


@pytest.mark.parametrize(
    "answer",
    [
        lambda _: httpx.Response(503, json={"detail": "the antivirus gave no verdict"}),
        lambda _: httpx.Response(500, text="Internal Server Error"),
        lambda request: (_ for _ in ()).throw(httpx.ConnectError("connection refused", request=request)),
    ],
    ids=["antivirus-down", "server-error", "unreachable"],
)
async def test_no_verdict_from_the_documents_service_is_checks_unavailable(answer):
    with pytest.raises(ChecksUnavailable):
        await checks_answering(answer).check(io.BytesIO(b"%PDF-"), 5, *IDS)


@pytest.mark.parametrize(
    "header, name",
    [
        ("scan CNI.pdf", "scan CNI.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\f\\rib.png", "rib.png"),
        ("%D8%A8%D8%B7%D8%A7%D9%82%D8%A9.pdf", "بطاقة.pdf"),
        ("بطاقة.pdf".encode().decode("latin-1"), "بطاقة.pdf"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("a\x00b\r\nc.pdf", "abc.pdf"),
        ("x" * 500, "x" * 200),
        ("", None),
        ("/", None),
        (None, None),
    ],
    ids=[
        "plain",
        "climbing",
        "windows-path",
        "percent-encoded-arabic",
        "raw-utf8-arabic",
        "direction-override",
        "control-characters",
        "too-long",
        "empty",
        "only-a-folder",
        "absent",
    ],
)
def test_an_uploads_own_name_is_kept_without_folders_or_hidden_characters(header, name):
    assert file_name_of(header) == name


def test_a_listed_claim_shows_its_status_dates_and_claimant_type():
    created = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    claim = {
        "_id": "c1",
        "reference": "RCS-20260301-C1",
        "status": "draft",
        "created_at": created,
        "form": {"claimant_type": "survivors"},
    }
    assert listed(claim) == {
        "claim_id": "c1",
        "reference": "RCS-20260301-C1",
        "status": "draft",
        "created_at": created,
        "updated_at": created,
        "claimant_type": "survivors",
    }
