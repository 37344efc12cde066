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


class _RunningStacks:
    """Every `stack` fixture value set up in this session and not torn down yet, whatever folder defined it."""

    def __init__(self) -> None:
        self.stacks: dict[int, Stack] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        value = yield
        if fixturedef.argname == "stack" and isinstance(value, Stack):
            self.stacks[id(fixturedef)] = value
        return value

    def pytest_fixture_post_finalizer(self, fixturedef, request) -> None:
        if fixturedef.argname == "stack":
            self.stacks.pop(id(fixturedef), None)


_running = _RunningStacks()


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.is_registered(_running):
        config.pluginmanager.register(_running, "taawidaty-running-stacks")


@pytest.fixture(scope="package")
def stack(servers: dict[str, str], run_id: str) -> Iterator[Stack]:
    if _running.stacks:
        yield next(iter(_running.stacks.values()))
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
