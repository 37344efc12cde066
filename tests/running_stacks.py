"""Every `stack` fixture value set up in this session and not torn down yet, whatever folder defined it: a folder
whose tests need the services takes the stack another folder started instead of starting a second one on the
same ports."""

import pytest

from tests.e2e.stack import Stack


class RunningStacks:
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

    def any(self) -> Stack | None:
        return next(iter(self.stacks.values()), None)


RUNNING_STACKS = RunningStacks()


def watch_running_stacks(config: pytest.Config) -> None:
    """From a conftest's `pytest_configure`: start keeping `RUNNING_STACKS` up to date (once per session)."""
    if not config.pluginmanager.is_registered(RUNNING_STACKS):
        config.pluginmanager.register(RUNNING_STACKS, "taawidaty-running-stacks")
