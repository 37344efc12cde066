import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from minio import Minio
from pymongo import AsyncMongoClient

from tests.conftest import OUTPUT, ROOT
from tests.e2e.stack import Stack, stack_environment


@pytest.fixture(scope="session")
def stack(servers: dict[str, str], run_id: str) -> Iterator[Stack]:
    env = stack_environment(servers, run_id)
    subprocess.run(
        [sys.executable, "-m", "services.eligibility", "load-registry",
         str(ROOT / "deploy/local/fixtures/insured.json")],
        env=env, check=True, cwd=ROOT, capture_output=True,
    )
    stack = Stack(env, OUTPUT / "logs" / run_id)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def minio(servers: dict[str, str]) -> Minio:
    return Minio(servers["MINIO_ENDPOINT"], servers["MINIO_ACCESS_KEY"], servers["MINIO_SECRET_KEY"], secure=False)


@pytest.fixture(scope="session")
async def mongo(servers: dict[str, str]) -> AsyncIterator[AsyncMongoClient]:
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"], tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
def api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url("claims"), timeout=30) as client:
        yield client
