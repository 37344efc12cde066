"""The HTTP APIs say what they do: schemathesis, every check on, against the running services' OpenAPI documents
(every status a route answers documented with its body, every error an RFC 9457 problem document) finds nothing.

Each run is bounded (a few examples per operation, a fixed seed) so that the lot takes a couple of minutes; the
whole output is kept in tests/output/schemathesis/ for a failure to be read and replayed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.claims.auth import issue_token
from services.claims.config import ClaimsSettings
from tests.conftest import OUTPUT, ROOT
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e

CONFIG = Path(__file__).with_name("schemathesis.toml")  # what the checks may take as an answer, and why
# a fixed seed, for the same run every time; another (TAAWIDATY_SCHEMATHESIS_SEED, _EXAMPLES) explores further
SEED = int(os.environ.get("TAAWIDATY_SCHEMATHESIS_SEED", "13"))
MAX_EXAMPLES = int(os.environ.get("TAAWIDATY_SCHEMATHESIS_EXAMPLES", "20"))
CALLERS = {  # who calls, as the tests' local tokens name them (subjects no other test uses)
    "agent": {"subject": "agent-contract", "agent": True, "agency": "CASA-ANFA"},
    "claimant": {"subject": "987650013"},
}


def schemathesis(stack: Stack, service: str, caller: str | None) -> subprocess.CompletedProcess[str]:
    headers = []
    if caller:
        token = issue_token(ClaimsSettings(), **CALLERS[caller])
        headers = ["--header", f"Authorization: Bearer {token}"]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(CONFIG),
            "run",
            f"{stack.url(service)}/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
            "--no-color",
            *headers,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize(
    "service, caller",
    [
        ("claims", "agent"),
        ("claims", "claimant"),
        ("eligibility", "claimant"),
        ("eligibility", "agent"),
        ("documents", None),
    ],
    ids=["claims-as-agent", "claims-as-claimant", "eligibility-as-claimant", "eligibility-as-agent", "documents"],
)
def test_schemathesis_finds_nothing_against_the_running_api(stack, service, caller):
    run = schemathesis(stack, service, caller)
    report = OUTPUT / "schemathesis" / f"{service}-{caller or 'anonymous'}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(run.stdout + run.stderr)
    assert run.returncode == 0, f"schemathesis found failures (all of it in {report}):\n{run.stdout[-6000:]}"
