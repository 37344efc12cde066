from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from minio import Minio
from pymongo import AsyncMongoClient

from tests.e2e.flow import client_for, enrol_insured
from tests.e2e.stack import Stack, running_stack


@pytest.fixture(scope="session")
def stack(servers: dict[str, str], run_id: str) -> Iterator[Stack]:
    with running_stack(servers, run_id) as stack:
        yield stack


@pytest.fixture(scope="session")
def minio(servers: dict[str, str]) -> Minio:
    return Minio(servers["MINIO_ENDPOINT"], servers["MINIO_ACCESS_KEY"], servers["MINIO_SECRET_KEY"], secure=False)


@pytest.fixture(scope="session")
async def mongo(servers: dict[str, str]) -> AsyncIterator[AsyncMongoClient]:
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"], tz_aware=True)
    yield client
    await client.close()


@pytest.fixture(scope="session")
async def producer(servers: dict[str, str]) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=servers["KAFKA_BOOTSTRAP_SERVERS"], acks="all")
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture
async def insured(stack: Stack, producer, mongo, run_id) -> str:
    """A fresh eligible insured (one open claim per insured: each test gets its own)."""
    return await enrol_insured(producer, mongo[f"{run_id}_eligibility"]["insured"])


@pytest.fixture
def api(stack: Stack, insured: str) -> Iterator[httpx.Client]:
    """The claims API as the insured of this test."""
    with client_for(stack.url("claims"), insured) as client:
        yield client


@pytest.fixture
def agent_api(stack: Stack) -> Iterator[httpx.Client]:
    with client_for(stack.url("claims"), "agent-007", agent=True) as client:
        yield client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `runs_last` go after all the others (the log check reads what the whole run wrote)."""
    items.sort(key=lambda item: item.get_closest_marker("runs_last") is not None)
