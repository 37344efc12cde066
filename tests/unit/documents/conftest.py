from collections.abc import Iterator

import pytest

from tests.unit.documents.fake_clamd import FakeClamd, start_fake_clamd, stop_fake_clamd


@pytest.fixture
def clamd() -> Iterator[FakeClamd]:
    fake, server, directory = start_fake_clamd()
    yield fake
    stop_fake_clamd(server, directory)
