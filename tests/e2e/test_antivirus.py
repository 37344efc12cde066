"""The documents service scans every upload with the real clamd that deploy/local/start.sh runs (Debian's
clamav-daemon, with only deploy/clamav/taawidaty-test.hdb: the EICAR test file). The EICAR file uploaded through
the claims API is refused as infected and never kept; a scanner that stops answering for a while delays a
submitted claim's documents without losing them."""

import asyncio
import socket
import time

import pytest
from minio import Minio

from tests.e2e.flow import insured_form, submit_claim, wait_for_status
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


async def test_a_scanner_frozen_mid_run_delays_a_submitted_claim_without_losing_its_documents(
    clamd, api, insured, mongo, run_id
):
    """clamd frozen (SIGSTOP) right after the claim is submitted: the documents service's scan waits on the socket
    (its timeout, DOCUMENTS_CLAMD_TIMEOUT_S, is longer than the outage); once clamd is back the documents are
    verified, scanned by clamd (the decision follows: accepted, or drawn for an inspection)."""
    # the uploads are scanned at once (POST /checks), before the freeze; the submission's review is scanned during it
    created = submit_claim(api, insured_form(insured))
    frozen_at = time.monotonic()
    outage = asyncio.create_task(freeze("clamd", OUTAGE_S))
    await asyncio.sleep(OUTAGE_S - 3)
    claim = api.get(f"/claims/{created['claim_id']}").raise_for_status().json()
    assert "documents_verified" not in [entry["status"] for entry in claim["timeline"]], claim["timeline"]
    await outage
    claim = await wait_for_status(api, created["claim_id"], "documents_verified", timeout_s=60)
    assert time.monotonic() - frozen_at >= OUTAGE_S
    statuses = [entry["status"] for entry in claim["timeline"]]
    assert "documents_incomplete" not in statuses and "documents_verified" in statuses, statuses
    review = await mongo[f"{run_id}_documents"]["reviews"].find_one({"claim_id": created["claim_id"]})
    assert {(check["outcome"], check["antivirus"]) for check in review["checks"]} == {("accepted", "clamd")}
