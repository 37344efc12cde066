"""The documents service scans every upload with the real clamd that deploy/local/start.sh runs (Debian's
clamav-daemon, with only deploy/clamav/taawidaty-test.hdb: the EICAR test file). The EICAR file uploaded through
the claims API is refused as infected and never kept; a scanner that stops answering for a while delays an upload
without losing it."""

import asyncio
import socket
import time

import pytest
from minio import Minio

from tests.e2e.flow import INSURED_DOCUMENTS, insured_form, wait_for_status
from tests.e2e.stack import Stack
from tests.failures.chaos import freeze
from tests.unit.documents.hostile_files import EICAR  # built from two halves: no scanner alarm on the repository

pytestmark = pytest.mark.e2e

OUTAGE_S = 20.0


@pytest.fixture(scope="module")
def clamd(stack: Stack) -> str:
    """The socket of the clamd the stack's documents service scans with; fails, never skips, without one."""
    path = stack.env.get("DOCUMENTS_CLAMD_SOCKET", "")
    try:
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(5)
            connection.connect(path)
            connection.sendall(b"zPING\0")
            assert connection.recv(16) == b"PONG\0"
    except (OSError, AssertionError) as error:
        pytest.fail(
            f"no clamd answering at DOCUMENTS_CLAMD_SOCKET={path!r} ({error!r}): run the tests with "
            "deploy/local/test.sh, or deploy/local/start.sh clamd and `. deploy/local/env.sh`"
        )
    return path


def test_the_eicar_test_file_is_refused_as_infected_and_nothing_is_kept(clamd, api, insured, minio: Minio):
    claim_id = api.post("/claims", json=insured_form(insured)).raise_for_status().json()["claim_id"]
    response = api.put(
        f"/claims/{claim_id}/documents/identity_card", content=EICAR, headers={"X-File-Name": "identity.pdf"}
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "infected"
    assert "EICAR" in problem["detail"]  # the signature clamd found: Taawidaty.Test.EICAR
    assert api.get(f"/claims/{claim_id}").json()["documents"] == []
    assert list(minio.list_objects("quarantine", prefix=f"{claim_id}/", recursive=True)) == []


async def test_a_scanner_frozen_mid_upload_delays_the_upload_without_losing_it(clamd, api, insured, mongo, run_id):
    """clamd frozen (SIGSTOP) as a scan is uploaded: the documents service's scan waits on the socket (its timeout,
    DOCUMENTS_CLAMD_TIMEOUT_S, and the claims API's, CLAIMS_DOCUMENTS_TIMEOUT_S, are longer than the outage); once
    clamd is back the upload is accepted, and the submitted claim's documents are verified as scanned by clamd."""
    created = api.post("/claims", json=insured_form(insured)).raise_for_status().json()
    claim_id = created["claim_id"]
    (doc_type, scan), *others = INSURED_DOCUMENTS
    for other_type, content in others:
        api.put(f"/claims/{claim_id}/documents/{other_type}", content=content).raise_for_status()
    outage = asyncio.create_task(freeze("clamd", OUTAGE_S))
    await asyncio.sleep(1)
    started = time.monotonic()
    upload = await asyncio.to_thread(api.put, f"/claims/{claim_id}/documents/{doc_type}", content=scan)
    assert upload.status_code == 201, upload.text
    assert time.monotonic() - started >= OUTAGE_S - 3
    await outage
    assert api.post(f"/claims/{claim_id}/submit").status_code == 202
    claim = await wait_for_status(api, claim_id, "documents_verified", timeout_s=60)
    assert "documents_incomplete" not in [entry["status"] for entry in claim["timeline"]]
    review = await mongo[f"{run_id}_documents"]["reviews"].find_one({"claim_id": claim_id})
    assert [(check["outcome"], check["antivirus"]) for check in review["checks"]] == [("accepted", "clamd")] * 2
