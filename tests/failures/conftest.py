"""Fixtures of the failure tests: the e2e clients, and ONE stack per session.

pytest loads a conftest only for its own folder and parents, so the e2e fixtures are re-exported here. `stack` is
not: re-exported, it would be a second session fixture and, in a whole-suite run, a second stack on the same ports
and consumer groups as the e2e one. Instead a small plugin remembers the e2e stack when the e2e tests started one,
and the failure tests use it; otherwise they start their own for the folder (package scope), gone before any later
e2e test starts its own.
"""

import os
import random
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import minio, mongo, producer  # noqa: F401
from tests.e2e.stack import Stack, running_stack
from tests.running_stacks import RUNNING_STACKS, watch_running_stacks


def pytest_configure(config: pytest.Config) -> None:
    watch_running_stacks(config)


@pytest.fixture(scope="package")
def stack(servers: dict[str, str], run_id: str) -> Iterator[Stack]:
    if (running := RUNNING_STACKS.any()) is not None:
        yield running
        return
    with running_stack(servers, run_id) as own:
        yield own


@pytest.fixture
def bootstrap(servers: dict[str, str]) -> str:
    return servers["KAFKA_BOOTSTRAP_SERVERS"]


@pytest.fixture
def seed() -> int:
    """The random moments and orders of a test; set TAAWIDATY_FAILURE_SEED to replay a run."""
    value = int(os.environ.get("TAAWIDATY_FAILURE_SEED", random.randrange(10**6)))
    random.seed(value)
    print(f"seed {value}")
    return value
