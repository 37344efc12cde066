"""What goes wrong on purpose: a server frozen (SIGSTOP: up but unavailable, its data kept), a service killed
with SIGKILL, an instance stopped; and what Kafka says about it: group members, their partitions, dead letters."""

import asyncio
import base64
import logging
import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from contracts import DeadLetter, Topic
from tests.e2e.consumer_groups import GROUPS
from tests.e2e.stack import Stack

log = logging.getLogger(__name__)

RUN_DIR = Path(os.environ.get("TAAWIDATY_RUN", "/tmp/taawidaty-run"))
DEAD_LETTER_TOPICS = tuple(topic.dead_letters for topic in Topic)


# --- servers ---------------------------------------------------------------------------------------------------


def server_pid(name: str) -> int:
    """The pid start.sh recorded for a local server (kafka, ferretdb, minio, bearerbox, clamd, ...)."""
    if os.environ.get("TAAWIDATY_SERVERS") == "testcontainers" and name in ("kafka", "ferretdb", "minio"):
        raise RuntimeError("outage tests need the local servers of deploy/local/start.sh (their pid files)")
    pid = int((RUN_DIR / "pids" / f"{name}.pid").read_text().strip())
    os.kill(pid, 0)
    return pid


async def freeze(name: str, seconds: float) -> None:
    """The server stops answering for `seconds` (SIGSTOP to its process group), then goes on with its data."""
    group = os.getpgid(server_pid(name))
    log.warning("freezing %s (process group %d) for %.0fs", name, group, seconds)
    os.killpg(group, signal.SIGSTOP)
    try:
        await asyncio.sleep(seconds)
    finally:
        os.killpg(group, signal.SIGCONT)


# --- services --------------------------------------------------------------------------------------------------


def kill_nine(stack: Stack, service: str, instance: int = 0) -> None:
    """SIGKILL, no goodbye: no graceful stop, no offset commit, no outbox flush, no consumer group leave."""
    process = stack.processes.pop((service, instance))
    workers = _children(process.pid)  # the receipts render pool; they exit once their parent's pipes close
    process.kill()
    process.wait()
    deadline = time.monotonic() + 15
    while (alive := [pid for pid in workers if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in alive:  # processes this test started, left behind by their killed parent
        os.kill(pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def all_healthy(stack: Stack) -> dict[str, str]:
    """Each running instance's readiness, and whether its process is still the one we started."""
    health = {}
    for (service, instance), process in stack.processes.items():
        if process.poll() is not None:
            health[f"{service}-{instance}"] = f"exited with {process.returncode}"
            continue
        try:
            response = httpx.get(f"{stack.url(service, instance)}/health/ready", timeout=5)
            health[f"{service}-{instance}"] = "ready" if response.status_code == 200 else response.text
        except httpx.HTTPError as error:
            health[f"{service}-{instance}"] = type(error).__name__
    return health


# --- Kafka -----------------------------------------------------------------------------------------------------


async def partitions_of(bootstrap: str, topics: Iterable[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        for partition in topic["partitions"]
    ]


async def end_offsets(bootstrap: str, topics: Iterable[str] = DEAD_LETTER_TOPICS) -> dict[TopicPartition, int]:
    partitions = await partitions_of(bootstrap, topics)
    assert partitions, f"no partitions found for {topics}"
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        return await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()


async def dead_letters_since(
    bootstrap: str, start: dict[TopicPartition, int], key: bytes | None = None, wait_for: int = 0, timeout_s: float = 0
) -> list[tuple[str, DeadLetter]]:
    """(dead-letter topic, letter) of every letter written after the `start` offsets; with `key`, only those
    whose key starts with it. With `wait_for`, reads on until that many came or `timeout_s` passed."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        fetch_max_bytes=32 * 1024 * 1024,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    await consumer.start()
    try:
        consumer.assign(list(start))
        for partition, offset in start.items():
            consumer.seek(partition, offset)
        letters: list[tuple[str, DeadLetter]] = []
        deadline = time.monotonic() + timeout_s
        while True:
            ends = await consumer.end_offsets(list(start))
            while [p for p in start if await consumer.position(p) < ends[p]]:
                for partition, records in (await consumer.getmany(timeout_ms=2000)).items():
                    letters += [
                        (partition.topic, DeadLetter.model_validate_json(record.value))
                        for record in records
                        if key is None or (record.key or b"").startswith(key)
                    ]
            if len(letters) >= wait_for or time.monotonic() > deadline:
                return letters
            await asyncio.sleep(1)
    finally:
        await consumer.stop()


def original_of(letter: DeadLetter) -> bytes:
    return base64.b64decode(letter.original_value_b64)


async def committed_offsets(bootstrap: str, groups: Iterable[str] = GROUPS) -> dict[str, dict[TopicPartition, int]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return {
            group: {tp: meta.offset for tp, meta in (await admin.list_consumer_group_offsets(group)).items()}
            for group in groups
        }
    finally:
        await admin.close()


def group_of(consumer: str, topic: str) -> str:
    return next(group for group, (owner, topics) in GROUPS.items() if owner == consumer and topic in topics)


def replays(letters: list[tuple[str, DeadLetter]], committed: dict[str, dict[TopicPartition, int]]) -> dict[str, dict]:
    """Dead letters of messages their group had already committed past: the group read them again. Per group,
    per partition: (lowest offset read again, offset committed before)."""
    found: dict[str, dict] = {}
    for _, letter in letters:
        group = group_of(letter.consumer, letter.source_topic)
        partition = TopicPartition(letter.source_topic, letter.partition)
        before = committed.get(group, {}).get(partition, -1)
        if letter.offset < before:
            lowest = found.setdefault(group, {}).get(f"{partition.topic}[{partition.partition}]", (before, before))[0]
            found[group][f"{partition.topic}[{partition.partition}]"] = (min(lowest, letter.offset), before)
    return found


async def skip_past(bootstrap: str, group: str, offsets: dict[TopicPartition, int]) -> None:
    """Commit `offsets` for an EMPTY group (its consumers stopped): what an operator does to get a partition
    past a message its consumers can neither handle nor dead-letter."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit(offsets)
    finally:
        await consumer.stop()
