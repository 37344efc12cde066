"""What the shared test suites of the repository ports use: each suite runs once on the in-memory fake and once on
the real MongoDB-compatible server (FerretDB locally), so the fake cannot drift from the repository it stands for."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.runtime.outbox import AnnounceWritten
from tests.unit.runtime.fakes import CapturedRelay, MemoryOutbox

FAKE_AND_SERVER = [pytest.param("fake"), pytest.param("server", marks=pytest.mark.integration)]


@asynccontextmanager
async def server_database(request: pytest.FixtureRequest, name: str) -> AsyncIterator[AsyncDatabase]:
    """A database on the real server, opened as the services open theirs."""
    servers = request.getfixturevalue("servers")
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"], tz_aware=True)
    try:
        yield client[name]
    finally:
        await client.close()


@asynccontextmanager
async def server_collection(request: pytest.FixtureRequest, run_id: str, name: str) -> AsyncIterator[AsyncCollection]:
    """A new collection on the real server, opened as the services open theirs."""
    async with server_database(request, f"{run_id}_ports") as database:
        yield database[f"{name}_{uuid.uuid4().hex[:8]}"]


@asynccontextmanager
async def port_and_outbox(
    request: pytest.FixtureRequest,
    run_id: str,
    fake: Callable[[MemoryOutbox], Any],
    repository: Callable[[AsyncCollection, AnnounceWritten], Any],
) -> AsyncIterator[tuple[Any, MemoryOutbox | CapturedRelay]]:
    """The port (the fake, or the repository on the server, as `request.param` says) and the relay of its outbox,
    both showing what they published as `published`; the repository announces its writes to the relay, as in the
    services."""
    if request.param == "fake":
        outbox = MemoryOutbox()
        yield fake(outbox), outbox
        return
    async with server_collection(request, run_id, repository.__name__.lower()) as collection:
        relay = CapturedRelay(collection)
        yield repository(collection, relay.relay.written), relay
