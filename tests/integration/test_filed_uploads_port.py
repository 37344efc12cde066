"""The documents service's `FiledUploads` port, the same suite on the in-memory fake and on the real server: uploads
filed as they arrive, taken by their claim's submission, or forgotten when it never comes."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.documents.domain import FiledUpload
from services.documents.file_checks import Accepted
from services.documents.repository import FiledUploadsRepository
from tests.integration.port_suites import FAKE_AND_SERVER, server_database
from tests.unit.documents.fakes import MemoryFiledUploads

PDF = Accepted("application/pdf", "pdf", 2, "ab" * 32, 1234, ("pdf_javascript",))
LATER = timedelta(minutes=1)


@pytest.fixture(params=FAKE_AND_SERVER)
async def uploads(request, run_id):
    if request.param == "fake":
        yield MemoryFiledUploads()
        return
    async with server_database(request, f"{run_id}_ports") as database:
        suffix = uuid.uuid4().hex[:8]
        yield FiledUploadsRepository(database[f"uploads_{suffix}"], database[f"unsubmitted_{suffix}"])


async def filed(uploads, document_id: str, accepted: Accepted = PDF) -> FiledUpload:
    upload = FiledUpload("c-1", document_id, 1300, accepted, "clamd")
    await uploads.filing(upload.key)
    await uploads.record(upload)
    return upload


async def test_a_submitted_claims_uploads_come_back_with_their_checks_and_the_expiry_no_longer_sees_them(uploads):
    first, second = (
        await filed(uploads, "d1"),
        await filed(uploads, "d2", Accepted("image/png", "png", 1, "cd" * 32, 9)),
    )
    await filed(uploads, "d3")
    assert await uploads.submitted(["c-1/d1", "c-1/d2", "c-1/never-filed"]) == {"c-1/d1": first, "c-1/d2": second}
    assert await uploads.unsubmitted_since(datetime.now(UTC) + LATER) == ["c-1/d3"]
    assert await uploads.submitted(["c-1/d1"]) == {"c-1/d1": first}  # a claim submitted again finds them too
    assert await uploads.submitted([]) == {}


async def test_only_uploads_filed_before_the_cut_off_are_seen_by_the_expiry(uploads):
    await filed(uploads, "d1")
    assert await uploads.unsubmitted_since(datetime.now(UTC) - LATER) == []
    assert await uploads.unsubmitted_since(datetime.now(UTC) + LATER) == ["c-1/d1"]


async def test_an_unsubmitted_upload_is_forgotten_and_a_later_submission_no_longer_finds_it(uploads):
    await filed(uploads, "d1")
    assert await uploads.forget_unsubmitted("c-1/d1") is True
    await uploads.expired("c-1/d1")
    assert await uploads.unsubmitted_since(datetime.now(UTC) + LATER) == []
    assert await uploads.submitted(["c-1/d1"]) == {}


async def test_an_upload_submitted_before_the_expiry_reached_it_is_kept(uploads):
    upload = await filed(uploads, "d1")
    [key] = await uploads.unsubmitted_since(datetime.now(UTC) + LATER)  # the expiry read it, then the claim came
    assert await uploads.submitted([key]) == {key: upload}
    assert await uploads.forget_unsubmitted(key) is False
    await uploads.expired(key)
    assert await uploads.submitted([key]) == {key: upload}


async def test_an_upload_whose_record_never_came_is_still_expired_and_its_copy_removed(uploads):
    await uploads.filing("c-1/d1")  # then a crash, before or after the copy was written
    assert await uploads.unsubmitted_since(datetime.now(UTC) + LATER) == ["c-1/d1"]
    assert await uploads.forget_unsubmitted("c-1/d1") is True
