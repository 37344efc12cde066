"""The MongoDB-compatible server must apply each single-document update atomically, as MongoDB does: the
outbox, the timeline and the SMS records rely on it."""

import asyncio
import os
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

pytestmark = pytest.mark.integration


async def test_concurrent_updates_of_one_document_are_all_kept(servers, run_id):
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    collection = client[f"{run_id}_atomicity"]["documents"]
    await collection.insert_one({"_id": "claim", "counter": 0})

    async def writer(field: str) -> None:
        for index in range(100):
            await collection.update_one({"_id": "claim"}, {"$set": {f"{field}.{index}": index}, "$inc": {"counter": 1}})

    await asyncio.gather(*(writer(field) for field in "abc"))
    document = await collection.find_one({"_id": "claim"})
    await client.close()
    assert [len(document[field]) for field in "abc"] == [100, 100, 100]
    assert document["counter"] == 300


async def test_a_conditional_update_lets_exactly_one_of_concurrent_writers_win(servers, run_id):
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    collection = client[f"{run_id}_atomicity"]["notifications"]
    await collection.insert_one({"_id": "sms", "status": "sending"})

    async def advance(status: str) -> int:
        result = await collection.update_one({"_id": "sms", "status": "sending"}, {"$set": {"status": status}})
        return result.modified_count

    winners = await asyncio.gather(*(advance(f"s{index}") for index in range(20)))
    await client.close()
    assert sum(winners) == 1


@pytest.mark.skipif(os.environ.get("TAAWIDATY_SERVERS") == "testcontainers", reason="the local server's files only")
async def test_the_local_servers_write_ahead_log_stays_bounded_under_updates(servers, run_id):
    """SQLite checkpoints its write-ahead log every 1,000 pages (4 MB) only when no read is left open across a write:
    FerretDB's update left one open (deploy/local/ferretdb-close-reads-before-writes.patch), and the log grew by
    every page ever written (about 36 MB here), each commit's checkpoint going through all of it."""
    client: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"])
    database = f"{run_id}_checkpoints"
    collection = client[database]["claims"]
    await collection.insert_many([{"_id": f"claim-{index}", "timeline": {}, "pad": "x" * 2000} for index in range(50)])
    for index in range(3000):
        await collection.update_one({"_id": f"claim-{index % 50}"}, {"$set": {f"timeline.e{index}": index}})
    await client.close()
    log = Path(os.environ.get("TAAWIDATY_RUN", "/tmp/taawidaty-run"), "ferretdb", "data", f"{database}.sqlite-wal")
    assert log.stat().st_size < 8 * 2**20
