"""Claims through the whole stack: sustained throughput, latency per stage, cost per service; and bare Kafka.

Run from the repository root against the running local servers (deploy/local/start.sh):
``python -m benchmarks.load_bench --claims 2000 [--in-flight 16]``.

The five services start as processes (tests.e2e.stack.Stack) on a fresh database prefix. N insured are enrolled,
then N claims are filed through the claims API by a few worker threads, keeping at most `--in-flight` claims
between submission and SMS (a closed loop: the latencies are the system's, not a queue the benchmark built).
A claim is done when its SMS reached the fake SMSC (read from its log: polling MongoDB would load the server
being measured). At the end the timelines give each stage's latency: submitted, documents verified, decided,
receipt issued, SMS queued, sent, delivered. Each service's CPU seconds (its process and its children, such as
the receipt render pool) and peak RSS come from /proc, as do the servers'. Last, a bare aiokafka loop moves N
messages of an event's size through the same broker (acks=all, idempotent, a commit per message, as the services
do) and the ratio of the two rates is printed.
"""

import argparse
import asyncio
import contextlib
import math
import os
import sys
import time
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient

from tests.conftest import OUTPUT, ROOT
from tests.e2e.stack import Stack, stack_environment
from tests.failures.chaos import GROUPS, committed_offsets, end_offsets
from tests.failures.harness import ClaimLoad, Filed

TICKS = os.sysconf("SC_CLK_TCK")
RUN = Path(os.environ.get("TAAWIDATY_RUN", "/tmp/taawidaty-run"))
SERVERS = ("kafka", "ferretdb", "minio", "bearerbox", "smsbox")
STAGES = (  # (label, from, to): milestones of the timeline
    ("submitted -> documents verified", "submitted", "documents_verified"),
    ("documents verified -> decided", "documents_verified", "decided"),
    ("decided -> receipt issued", "decided", "receipt_issued"),
    ("decided -> SMS queued", "decided", "sms_queued"),
    ("SMS queued -> sent", "sms_queued", "sms_sent"),
    ("SMS sent -> delivered", "sms_sent", "sms_delivered"),
    ("submitted -> SMS delivered", "submitted", "sms_delivered"),
    ("submitted -> receipt and SMS done", "submitted", "done"),
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- /proc -------------------------------------------------------------------------------------------------------


def tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User + system time of the process and of its children that ended (their time is added to it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / TICKS  # utime stime cutime cstime


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_cost(pid: int) -> tuple[float, float, int]:
    """(CPU seconds, sum of peak RSS in MB, processes) of a process and its live descendants."""
    pids = tree(pid)
    return sum(cpu_seconds(p) for p in pids), sum(peak_rss_mb(p) for p in pids), len(pids)


def server_pids() -> dict[str, int]:
    pids = {}
    for name in SERVERS:
        with contextlib.suppress(OSError, ValueError):
            pids[name] = int((RUN / "pids" / f"{name}.pid").read_text())
    return pids


# --- the run -------------------------------------------------------------------------------------------------------


def progress(done: int, total: int, started: float, label: str) -> None:
    width = 40
    filled = width * done // max(1, total)
    rate = done / max(1e-9, time.monotonic() - started)
    print(
        f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {rate:5.1f}/s",
        end="",
        file=sys.stderr,
        flush=True,
    )


async def push_claims(
    load: ClaimLoad, insured: list[str], in_flight: int, workers: int, time_limit_s: float
) -> tuple[float, float]:
    """File every claim, at most `in_flight` of them not yet at the SMSC, no new one after `time_limit_s`;
    (first submission, last SMS) times."""
    waiting = list(reversed(insured))
    delivered: set[str] = set()
    started = time.monotonic()
    last_sms = started

    def busy() -> int:
        return sum(1 for filed in load.filed if filed.reference not in delivered)

    async def worker() -> None:
        while waiting and time.monotonic() - started < time_limit_s:
            if busy() >= in_flight:
                await asyncio.sleep(0.05)
                continue
            number = waiting.pop()
            load.filed.append(await asyncio.to_thread(load.file_one, number, time.monotonic() + 300))

    async def watch() -> None:
        nonlocal last_sms
        quiet_since = time.monotonic()
        while len(delivered) < len(insured):
            if time.monotonic() - started > time_limit_s and len(delivered) >= len(load.filed):
                print(f"\ntime limit: {len(load.filed)} of {len(insured)} claims filed", file=sys.stderr)
                return
            references = {filed.reference for filed in load.filed}
            seen = load.references_at_smsc()
            if new := (seen & references) - delivered:
                delivered.update(new)
                last_sms = quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > 180:
                print(f"\nno SMS for 180s, {len(insured) - len(delivered)} claims missing", file=sys.stderr)
                return
            progress(len(delivered), len(insured), started, "claims")
            await asyncio.sleep(0.5)

    await asyncio.gather(watch(), *(worker() for _ in range(workers)))
    print(file=sys.stderr)
    return started, last_sms


async def timeline_caught_up(bootstrap: str, timeout_s: float = 900) -> float:
    """Wait until the claims service's timeline consumer read every event (its group's lag, from Kafka: polling the
    claims would load the database being measured); the seconds it took."""
    started = time.monotonic()
    topics = [topic.value for topic in GROUPS["claims-timeline"][1]]
    while time.monotonic() - started < timeout_s:
        committed = (await committed_offsets(bootstrap, ["claims-timeline"]))["claims-timeline"]
        ends = await end_offsets(bootstrap, topics)
        behind = sum(end - committed.get(partition, 0) for partition, end in ends.items())
        print(f"\rtimeline: {behind} events behind", end="", file=sys.stderr, flush=True)
        if behind <= 0:
            break
        await asyncio.sleep(5)
    print(file=sys.stderr)
    return time.monotonic() - started


async def timelines(load: ClaimLoad, filed: list[Filed]) -> list[dict[str, datetime]]:
    """Per claim, the first time each milestone was reached."""
    wanted = {f.claim_id for f in filed}
    rows = []
    async for claim in load.claims.find({}, {"timeline": 1}):
        if claim["_id"] not in wanted:
            continue
        at: dict[str, datetime] = {}
        for entry in claim.get("timeline", {}).values():
            status = "decided" if entry["status"] == "selected_for_inspection" else entry["status"]
            when = datetime.fromisoformat(entry["at"])
            at[status] = min(at.get(status, when), when)
        if "receipt_issued" in at and "sms_delivered" in at:
            at["done"] = max(at["receipt_issued"], at["sms_delivered"])
        rows.append(at)
    return rows


def stage_table(rows: list[dict[str, datetime]]) -> list[str]:
    lines = [f"{'stage':36} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'max ms':>9}"]
    for label, start, end in STAGES:
        values = [(row[end] - row[start]).total_seconds() * 1000 for row in rows if start in row and end in row]
        if values:
            lines.append(
                f"{label:36} {len(values):5d} {percentile(values, 0.5):9.0f} {percentile(values, 0.95):9.0f} "
                f"{percentile(values, 0.99):9.0f} {max(values):9.0f}"
            )
    return lines


def throughput_by_decile(rows: list[dict[str, datetime]]) -> str:
    done = sorted(row["sms_delivered"] for row in rows if "sms_delivered" in row)
    if len(done) < 20:
        return ""
    step = len(done) // 10
    rates = []
    for index in range(10):
        first, last = done[index * step], done[min(len(done) - 1, (index + 1) * step)]
        rates.append(step / max(1e-9, (last - first).total_seconds()))
    return " ".join(f"{rate:.1f}" for rate in rates)


async def bare_kafka(bootstrap: str, count: int, size: int) -> float:
    """Messages per second through one produce (acks=all, idempotent, awaited) and consume+commit loop."""
    topic = f"bench.bare.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 3, 1)])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=topic, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await producer.start()
    await consumer.start()
    payload = b"x" * size
    started = time.monotonic()

    async def produce() -> None:
        for index in range(count):
            await producer.send_and_wait(topic, payload, key=str(index).encode())

    async def consume() -> None:
        received = 0
        while received < count:
            await consumer.getone()
            await consumer.commit()
            received += 1
            if received % 100 == 0 or received == count:
                progress(received, count, started, "bare kafka")

    try:
        await asyncio.gather(produce(), consume())
        elapsed = time.monotonic() - started
        print(file=sys.stderr)
    finally:
        await consumer.stop()
        await producer.stop()
        await admin.delete_topics([topic])
        await admin.close()
    return count / elapsed


async def event_size(receipts) -> int:
    """The size of a real event of the run (a receipt issued, from its outbox), for the bare loop's messages."""
    document = await receipts.find_one({}, {"outbox": 1}) or {}
    return max((len(entry["value"]) for entry in document.get("outbox", {}).values()), default=2000)


def costs(stack: Stack, servers: dict[str, int], before: dict[str, float], wall_s: float) -> list[str]:
    lines = [f"{'process':22} {'CPU s':>8} {'CPU %':>6} {'peak RSS MB':>12} {'processes':>9}"]
    for (service, instance), process in sorted(stack.processes.items()):
        cpu, rss, count = tree_cost(process.pid)
        cpu -= before.get(f"{service}-{instance}", 0.0)
        lines.append(f"{service + '-' + str(instance):22} {cpu:8.1f} {100 * cpu / wall_s:6.0f} {rss:12.0f} {count:9d}")
    for name, pid in servers.items():
        cpu, rss, count = tree_cost(pid)
        cpu -= before.get(name, 0.0)
        lines.append(f"{'server ' + name:22} {cpu:8.1f} {100 * cpu / wall_s:6.0f} {rss:12.0f} {count:9d}")
    return lines


def snapshot(stack: Stack, servers: dict[str, int]) -> dict[str, float]:
    cpu = {f"{s}-{i}": tree_cost(p.pid)[0] for (s, i), p in stack.processes.items()}
    return cpu | {name: tree_cost(pid)[0] for name, pid in servers.items()}


async def main(claims: int, in_flight: int, workers: int, time_limit_s: float) -> None:
    servers_env = {
        name: os.environ[name]
        for name in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URL", "MINIO_ENDPOINT", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY")
        if name in os.environ
    }
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    run_id = f"bench{uuid.uuid4().hex[:8]}"
    stack = Stack(stack_environment(servers_env, run_id), OUTPUT / "logs" / run_id)
    mongo: AsyncMongoClient = AsyncMongoClient(
        os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27018/"), tz_aware=True
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    print(
        f"run {run_id}: {claims} claims, at most {in_flight} in flight, {workers} API workers; "
        f"load average {os.getloadavg()[0]:.2f}; logs {stack.logs.relative_to(ROOT)}",
        file=sys.stderr,
    )
    await asyncio.to_thread(stack.start)
    await producer.start()
    try:
        load = ClaimLoad(stack, producer, mongo, run_id)
        enrol_started = time.monotonic()
        insured = await load.enrol(claims, timeout_s=60 + claims / 5)
        print(f"enrolled {claims} insured in {time.monotonic() - enrol_started:.0f}s", file=sys.stderr)
        servers = server_pids()
        before = snapshot(stack, servers)
        started, last_sms = await push_claims(load, insured, in_flight, workers, time_limit_s)
        wall_s = time.monotonic() - started
        lag_s = await timeline_caught_up(bootstrap)
        cost_lines = costs(stack, servers, before, time.monotonic() - started)  # the catching up included
        rows = await timelines(load, load.filed)
    finally:
        await producer.stop()
        await asyncio.to_thread(stack.stop)
    sms_done = sum(1 for row in rows if "sms_delivered" in row)
    claims_per_s = sms_done / max(1e-9, last_sms - started)
    size = await event_size(mongo[f"{run_id}_receipts"]["receipts"])
    await mongo.close()
    bare = await bare_kafka(bootstrap, claims, size)
    report(len(load.filed), in_flight, rows, wall_s, claims_per_s, throughput_by_decile(rows), cost_lines, bare, size)
    print(f"the claims service's timeline consumer caught up {lag_s:.0f}s after the last SMS")


def report(
    claims: int,
    in_flight: int,
    rows: list[dict[str, datetime]],
    wall_s: float,
    claims_per_s: float,
    deciles: str,
    cost_lines: Iterable[str],
    bare: float,
    size: int,
) -> None:
    done = sum(1 for row in rows if "done" in row)
    print(
        f"\n{claims} claims, {done} with receipt and SMS delivered, {wall_s:.0f}s from first submission to "
        f"last SMS, {in_flight} in flight"
    )
    print(f"sustained: {claims_per_s:.2f} claims/s (SMS delivered per second); per tenth of the run: {deciles}")
    print()
    print("\n".join(stage_table(rows)))
    print()
    print("\n".join(cost_lines))
    print()
    print(
        f"bare aiokafka loop, {claims} messages of {size} B (send_and_wait acks=all + getone/commit): "
        f"{bare:.0f} msg/s; ratio bare messages/s : claims/s = {bare / max(1e-9, claims_per_s):.0f} : 1"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=16, help="claims between submission and SMS, at most")
    parser.add_argument("--workers", type=int, default=4, help="threads filing claims through the API")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=float("inf"),
        help="seconds after which no new claim is filed (the report covers those filed)",
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.claims, arguments.in_flight, arguments.workers, arguments.time_limit))
