"""One async MongoDB client per process; each service uses its own database."""

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

DUPLICATE_KEY = 11000
COMMAND_TALLY_DIR = "TAAWIDATY_MONGO_COMMAND_TALLY_DIR"
TALLIES: list["CommandTally"] = []


def open_database(url: str, prefix: str, service: str) -> tuple[AsyncMongoClient, AsyncDatabase]:
    listeners = [CommandTally(Path(os.environ[COMMAND_TALLY_DIR]), service)] if COMMAND_TALLY_DIR in os.environ else []
    TALLIES.extend(listeners)
    client: AsyncMongoClient = AsyncMongoClient(
        url, tz_aware=True, serverSelectionTimeoutMS=5000, event_listeners=listeners
    )
    return client, client[f"{prefix}_{service}"]


async def insert_new(collection: AsyncCollection, documents: list[dict[str, Any]]) -> set[int]:
    """Insert the documents in one write, except those whose `_id` is taken (the others go in all the same); the
    positions of those left out. Any other error is raised."""
    if not documents:
        return set()
    try:
        await collection.insert_many(documents, ordered=False)
    except BulkWriteError as error:
        if any(e["code"] != DUPLICATE_KEY for e in error.details["writeErrors"]) or error.details.get(
            "writeConcernErrors"
        ):
            raise
        return {e["index"] for e in error.details["writeErrors"]}
    return set()


class CommandTally(monitoring.CommandListener):
    """For benchmarks: how many of each command the process sent, on which collection, and the milliseconds they
    took in all (round trip), written as JSON into `folder` when the service stops (`write_command_tallies`)."""

    def __init__(self, folder: Path, service: str) -> None:
        self.path = folder / f"{service}-{os.getpid()}.json"
        self._commands: dict[int, str] = {}
        self.tally: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        collection = event.command.get(event.command_name)
        self._commands[event.request_id] = f"{event.command_name} {collection if isinstance(collection, str) else ''}"

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._count(event.request_id, event.duration_micros)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._count(event.request_id, event.duration_micros)

    def _count(self, request_id: int, micros: int) -> None:
        entry = self.tally[self._commands.pop(request_id, "unknown")]
        entry[0] += 1
        entry[1] += micros / 1000

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.tally))


def write_command_tallies() -> None:
    for tally in TALLIES:
        tally.write()
