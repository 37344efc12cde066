"""Claims through the whole stack: sustained throughput, latency per stage, cost per service; and bare loops.

Run from the repository root against the running local servers (deploy/local/start.sh):
``python -m benchmarks.load_bench --claims 500,10000 [--in-flight 16] [--open-rate 5] [--stage-claims 1000]``.

The five services start as processes (tests.e2e.stack.Stack) on a fresh database prefix, with their own settings.
N insured are enrolled, then N claims are filed through the claims API by `--workers` threads, keeping at most
`--in-flight` claims being filed or not yet done (a closed loop: the latencies are the system's, not a queue the
benchmark built; the threads are enough that filing is not what holds the rate back, the line after the rate says).
A claim is done when its receipt is issued (read from Kafka) and an SMS naming it reached the fake SMSC (read from
its log: polling MongoDB would load the server being measured). At the end the timelines give each stage's
latency. Each service's CPU seconds (its process and its children, such as the receipt render pool) and peak RSS
come from /proc, as do the servers', and before the first claim, what each costs with nothing to do (its consumers
polling, its sweeps). With several sizes (`--claims 500,10000`, each on a fresh database) each
process's CPU per claim is printed side by side.

`--open-rate 5 --open-seconds 300` files claims at a fixed rate, as people do, whatever the system answers, and prints
the latencies from submission. `--stage-claims 1000` times each stage of a claim's path alone on a backlog (see
`stage_drains`): services commit every quarter of a second, so a backlog drained in a second or two (eligibility decides
300 claims in under one) is timed to that quarter; 1,000 keeps the error near a tenth. Last, two bare loops on the same
servers: aiokafka alone (produce acks=all, consume, commit, against which the claims' rate is put), and what a stage
does without business logic (consume, a read by `_id` and an insert on the MongoDB-compatible server, publish, commit),
against which each stage's rate is put; both commit as the services do (services/runtime/commits.py). Each bare loop
prints its CPU per message; with the messages a claim causes (published, and handled by the consumer groups, from
Kafka's offsets), that gives the messaging floor: what the messages alone cost a claim, whatever the services do.
"""

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient

from benchmarks.percentiles import percentile
from contracts import Topic
from services.notifications.config import NotificationsSettings
from services.runtime.commits import OffsetCommits
from services.runtime.mongo import COMMAND_TALLY_DIR
from tests.conftest import OUTPUT, ROOT
from tests.e2e.consumer_groups import GROUPS
from tests.e2e.stack import Stack, stack_environment
from tests.failures.chaos import committed_offsets, end_offsets, partitions_of
from tests.failures.harness import ClaimLoad, Filed

TICKS = os.sysconf("SC_CLK_TCK")
WATCH_INTERVAL_S = 0.02  # how often the closed loop looks for claims done (the SMSC's log read on, receipts seen)
CORES = os.cpu_count() or 1
RUN = Path(os.environ.get("TAAWIDATY_RUN", "/tmp/taawidaty-run"))
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
MONGODB_URL = os.environ.get("MONGODB_URL", "mongodb://127.0.0.1:27018/")
SERVERS = ("kafka", "ferretdb", "minio", "bearerbox", "smsbox", "clamd")
IDLE_SECONDS = 30.0  # how long each closed loop first watches the stack with nothing to do
# Busier than this with nothing to do, the stack is still doing an earlier run's work (the gateway's delivery reports
# of SMS whose service stopped, a backlog): the closed loop waits, IDLE_SECONDS at a time, at most IDLE_WAITS times.
IDLE_BUSY = 0.5  # of a core
IDLE_WAITS = 10
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


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, all) CPU seconds of every core since boot, from /proc/stat."""
    user, nice, system, idle, iowait, *rest = (
        int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]
    )
    busy = user + nice + system + sum(rest)
    return busy / TICKS, (busy + idle + iowait) / TICKS


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


class ReceiptsIssued:
    """The claim ids of the `receipt.issued` events published since it started, read from Kafka as they come."""

    def __init__(self) -> None:
        self.claim_ids: set[str] = set()
        self._consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None)

    async def __aenter__(self) -> "ReceiptsIssued":
        await self._consumer.start()
        partitions = await partitions_of(BOOTSTRAP, [Topic.RECEIPT_ISSUED])
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        self._task = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=500)
            self.claim_ids.update(record.key.decode() for records in batches.values() for record in records)

    async def __aexit__(self, *exc_info: object) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self._consumer.stop()


async def push_claims(
    load: ClaimLoad, insured: list[str], in_flight: int, workers: int, time_limit_s: float, filing_s: list[float]
) -> tuple[float, float]:
    """File every claim from `workers` threads, at most `in_flight` of them being filed or not yet done (its receipt
    issued and an SMS of it at the SMSC), no new one after `time_limit_s`; (first submission, last claim done)
    times. How long each claim took to file (create, attach its scans, submit) is added to `filing_s`."""
    waiting = list(reversed(insured))
    done: set[str] = set()
    busy: dict[str, Filed] = {}  # filed, not done yet
    filing = 0
    started = time.monotonic()
    last_done = started
    place_freed = asyncio.Event()

    async def worker() -> None:
        nonlocal filing
        while waiting and time.monotonic() - started < time_limit_s:
            if len(busy) + filing >= in_flight:
                place_freed.clear()
                with contextlib.suppress(TimeoutError):  # the time limit is looked at again
                    await asyncio.wait_for(place_freed.wait(), 1)
                continue
            number = waiting.pop()
            filing_started, filing = time.monotonic(), filing + 1
            try:
                filed = await asyncio.to_thread(load.file_one, number, time.monotonic() + 300)
            finally:
                filing -= 1
            filing_s.append(time.monotonic() - filing_started)
            load.filed.append(filed)
            busy[filed.claim_id] = filed

    async def watch(receipts: ReceiptsIssued) -> None:
        nonlocal last_done
        quiet_since = time.monotonic()
        while len(done) < len(insured):
            if time.monotonic() - started > time_limit_s and len(done) >= len(load.filed):
                print(f"\ntime limit: {len(load.filed)} of {len(insured)} claims filed", file=sys.stderr)
                return
            texted = load.references_at_smsc()
            if new := {i for i, f in busy.items() if f.reference in texted and i in receipts.claim_ids}:
                done.update(new)
                for claim_id in new:
                    del busy[claim_id]
                place_freed.set()
                last_done = quiet_since = time.monotonic()
                progress(len(done), len(insured), started, "claims")
            elif time.monotonic() - quiet_since > 180:
                print(f"\nnothing done for 180s, {len(insured) - len(done)} claims missing", file=sys.stderr)
                return
            # A claim done but not seen yet holds its place in flight: looking every 100 ms, and filling a place
            # within 50 ms, held each claim's place about 75 ms longer than the system did (a cycle takes ~1.6 s).
            await asyncio.sleep(WATCH_INTERVAL_S)

    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=workers))
    async with ReceiptsIssued() as receipts:
        await asyncio.gather(watch(receipts), *(worker() for _ in range(workers)))
    print(file=sys.stderr)
    return started, last_done


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
    done = sorted(row["done"] for row in rows if "done" in row)
    if len(done) < 20:
        return ""
    step = len(done) // 10
    rates = []
    for index in range(10):
        first, last = done[index * step], done[min(len(done) - 1, (index + 1) * step)]
        rates.append(step / max(1e-9, (last - first).total_seconds()))
    return " ".join(f"{rate:.1f}" for rate in rates)


@dataclass
class BareLoop:
    messages_per_s: float
    cpu_ms: dict[str, float]  # per message: this process (the loop) and each server

    @property
    def cpu_ms_per_message(self) -> float:
        return sum(self.cpu_ms.values())

    def cost_line(self) -> str:
        parts = ", ".join(f"{name} {ms:.1f}" for name, ms in self.cpu_ms.items())
        return f"{self.cpu_ms_per_message:.1f} ms of CPU per message ({parts})"


@contextlib.contextmanager
def measured_loop(count: int, found: dict[str, float], *used: str):
    """The CPU per message of the loop in this process and of the `used` servers, into `found`."""
    servers = {name: pid for name, pid in server_pids().items() if name in used}
    before = {name: tree_cost(pid)[0] for name, pid in servers.items()} | {"loop": time.process_time()}
    yield
    after = {name: tree_cost(pid)[0] for name, pid in servers.items()} | {"loop": time.process_time()}
    found |= {name: 1000 * (after[name] - before[name]) / count for name in before}


async def bare_kafka(bootstrap: str, count: int, size: int) -> BareLoop:
    """Messages per second through one produce (acks=all, idempotent, awaited) and consume+commit loop, committing
    as the services do."""
    commits = OffsetCommits()
    async with bench_topics(bootstrap, 1) as (topic,):
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
            for received in range(1, count + 1):
                commits.handled(consumer, await consumer.getone())
                if received % 100 == 0 or received == count:
                    progress(received, count, started, "bare kafka")
            await commits.flush()

        cpu_ms: dict[str, float] = {}
        try:
            with measured_loop(count, cpu_ms, "kafka"):
                await asyncio.gather(produce(), consume())
            elapsed = time.monotonic() - started
            print(file=sys.stderr)
        finally:
            await consumer.stop()
            await producer.stop()
    return BareLoop(count / elapsed, cpu_ms)


async def bare_stage(bootstrap: str, mongo_url: str, count: int, size: int) -> BareLoop:
    """Messages per second through what a stage does without its business: consume, one read by `_id` and one
    insert on the MongoDB-compatible server, publish (acks=all, idempotent, awaited), commit as the services do; the
    input topic is filled first, so the loop never waits for its producer."""
    commits = OffsetCommits()
    async with bench_topics(bootstrap, 2) as (source, target):
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
        await producer.start()
        payload = b"x" * size
        for index in range(count):
            await producer.send(source, payload, key=str(index).encode())
        await producer.flush()
        consumer = AIOKafkaConsumer(
            source, bootstrap_servers=bootstrap, group_id=source, auto_offset_reset="earliest", enable_auto_commit=False
        )
        await consumer.start()
        mongo: AsyncMongoClient = AsyncMongoClient(mongo_url)
        records = mongo[f"bench_{source.rsplit('.', 1)[1]}"]["records"]
        started = time.monotonic()
        cpu_ms: dict[str, float] = {}
        try:
            with measured_loop(count, cpu_ms, "kafka", "ferretdb"):
                for received in range(1, count + 1):
                    message = await consumer.getone()
                    await records.find_one({"_id": message.key.decode()})
                    await records.insert_one({"_id": f"{message.partition}-{message.offset}", "value": message.value})
                    await producer.send_and_wait(target, message.value, key=message.key)
                    commits.handled(consumer, message)
                    if received % 100 == 0 or received == count:
                        progress(received, count, started, "bare stage")
                await commits.flush()
            elapsed = time.monotonic() - started
            print(file=sys.stderr)
        finally:
            await consumer.stop()
            await producer.stop()
            await mongo.drop_database(records.database.name)
            await mongo.close()
    return BareLoop(count / elapsed, cpu_ms)


@contextlib.asynccontextmanager
async def bench_topics(bootstrap: str, count: int):
    names = [f"bench.bare.{uuid.uuid4().hex[:8]}" for _ in range(count)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(name, 3, 1) for name in names])
    try:
        yield names
    finally:
        await admin.delete_topics(names)
        await admin.close()


async def event_size(bootstrap: str) -> int:
    """The size of a real event of the run (the last `claim.decided`), for the bare loops' messages."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(await partitions_of(bootstrap, [Topic.CLAIM_DECIDED]))
        filled = [(partition, end) for partition, end in ends.items() if end > 0]
        if not filled:
            return 2000
        consumer.assign([filled[0][0]])
        consumer.seek(filled[0][0], filled[0][1] - 1)
        return len((await consumer.getone()).value)
    finally:
        await consumer.stop()


Costs = dict[str, tuple[float, float, int]]  # name: (CPU seconds, peak RSS MB, processes)


def process_costs(stack: Stack, servers: dict[str, int], before: dict[str, float]) -> Costs:
    """(CPU seconds since `before`, peak RSS MB, processes) of each service and server."""
    found = {}
    for (service, instance), process in sorted(stack.processes.items()):
        cpu, rss, count = tree_cost(process.pid)
        found[f"{service}-{instance}"] = (cpu - before.get(f"{service}-{instance}", 0.0), rss, count)
    for name, pid in servers.items():
        cpu, rss, count = tree_cost(pid)
        found[f"server {name}"] = (cpu - before.get(name, 0.0), rss, count)
    return found


def snapshot(stack: Stack, servers: dict[str, int]) -> dict[str, float]:
    cpu = {f"{s}-{i}": tree_cost(p.pid)[0] for (s, i), p in stack.processes.items()}
    return cpu | {name: tree_cost(pid)[0] for name, pid in servers.items()}


@dataclass
class ClosedRun:
    claims: int
    rows: list[dict[str, datetime]]
    wall_s: float
    claims_per_s: float
    deciles: str
    costs: Costs
    catch_up_s: float
    commands: list[str]
    published: int  # messages on the topics the services consume
    delivered: int  # messages their consumer groups handled and committed
    idle: dict[str, float]  # each process's share of a core before the first claim, with nothing to do
    machine_busy: float  # share of all cores busy, whoever used them, from the first claim to the costs measured
    load_generator_s: float  # CPU seconds this process spent filing and watching the claims meanwhile
    filing_s: list[float]  # how long each claim took to file through the API
    workers: int  # threads filing claims

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if "done" in row)


@contextlib.asynccontextmanager
async def fresh_stack(label: str):
    """The five services on a fresh database prefix, a MongoDB client and a Kafka producer for the load."""
    servers_env = {
        name: os.environ[name]
        for name in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URL", "MINIO_ENDPOINT", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY")
        if name in os.environ
    }
    defaults = NotificationsSettings()  # the services' own settings, not the tests' shorter patience
    servers_env |= {
        "NOTIFICATIONS_UNCONFIRMED_AFTER_S": str(defaults.unconfirmed_after_s),
        "NOTIFICATIONS_UNSENT_SWEEP_INTERVAL_S": str(defaults.unsent_sweep_interval_s),
    }
    run_id = f"bench{uuid.uuid4().hex[:8]}"
    servers_env[COMMAND_TALLY_DIR] = str(OUTPUT / "logs" / run_id / "mongo-commands")
    stack = Stack(stack_environment(servers_env, run_id), OUTPUT / "logs" / run_id)
    mongo: AsyncMongoClient = AsyncMongoClient(MONGODB_URL, tz_aware=True)
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    print(
        f"{label}: run {run_id}, load average {os.getloadavg()[0]:.2f}; logs {stack.logs.relative_to(ROOT)}",
        file=sys.stderr,
    )
    await asyncio.to_thread(stack.start)
    await producer.start()
    try:
        yield stack, ClaimLoad(stack, producer, mongo, run_id)
    finally:
        await producer.stop()
        await asyncio.to_thread(stack.stop)
        await mongo.close()


async def closed_loop(claims: int, in_flight: int, workers: int, time_limit_s: float) -> ClosedRun:
    async with fresh_stack(f"closed loop, {claims} claims, at most {in_flight} in flight") as (stack, load):
        insured = await load.enrol(claims, timeout_s=60 + claims / 5)
        servers = server_pids()
        idle = await idle_cost(stack, servers)
        for _ in range(IDLE_WAITS):
            if (busy := sum(idle.values())) <= IDLE_BUSY:
                break
            print(f"{100 * busy:.0f} % of a core busy before the first claim: waiting", file=sys.stderr)
            idle = await idle_cost(stack, servers)
        before = snapshot(stack, servers)
        machine_before, own_before = machine_cpu_seconds(), time.process_time()
        traffic_before = await kafka_traffic(BOOTSTRAP)
        filing_s: list[float] = []
        started, last_done = await push_claims(load, insured, in_flight, workers, time_limit_s, filing_s)
        wall_s = time.monotonic() - started
        catch_up_s = await timeline_caught_up(BOOTSTRAP)
        costs = process_costs(stack, servers, before)  # the catching up included
        machine_after, own_cpu_s = machine_cpu_seconds(), time.process_time() - own_before
        traffic_after = await kafka_traffic(BOOTSTRAP)
        traffic = [after - earlier for after, earlier in zip(traffic_after, traffic_before, strict=True)]
        rows = await timelines(load, load.filed)
    done = sum(1 for row in rows if "done" in row)
    return ClosedRun(
        len(load.filed),
        rows,
        wall_s,
        done / max(1e-9, last_done - started),
        throughput_by_decile(rows),
        costs,
        catch_up_s,
        command_table(Path(stack.env[COMMAND_TALLY_DIR]), done),
        *traffic,
        idle,
        (machine_after[0] - machine_before[0]) / max(1e-9, machine_after[1] - machine_before[1]),
        own_cpu_s,
        filing_s,
        workers,
    )


async def idle_cost(stack: Stack, servers: dict[str, int], seconds: float = IDLE_SECONDS) -> dict[str, float]:
    """Each process's share of a core while the stack waits for work: its consumers polling, its sweeps."""
    before = snapshot(stack, servers)
    await asyncio.sleep(seconds)
    after = snapshot(stack, servers)
    return {name: (after[name] - before[name]) / seconds for name in after if after[name] > before[name]}


async def kafka_traffic(bootstrap: str) -> tuple[int, int]:
    """(messages ever published on the topics the services consume, messages their consumer groups committed)."""
    topics = {topic for _, topics in GROUPS.values() for topic in topics}
    committed = await committed_offsets(bootstrap, GROUPS)
    return sum((await end_offsets(bootstrap, topics)).values()), sum(
        offset for offsets in committed.values() for offset in offsets.values() if offset > 0
    )


async def open_loop(rate: float, seconds: float) -> list[dict[str, datetime]]:
    """Claims filed at `rate` a second for `seconds`, each on its own thread when its time comes, whatever the
    system's answers: the latencies include any queue the system lets build up."""
    count = round(rate * seconds)
    async with fresh_stack(f"open loop, {rate:g} claims/s for {seconds:.0f}s") as (_, load):
        insured = await load.enrol(count, timeout_s=60 + count / 5)
        started = time.monotonic()
        late = 0

        async def file(index: int, number: str) -> None:
            nonlocal late
            delay = started + index / rate - time.monotonic()
            if delay < -0.5:
                late += 1
            await asyncio.sleep(max(0.0, delay))
            load.filed.append(await asyncio.to_thread(load.file_one, number, time.monotonic() + 300))

        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=64))  # a thread a claim
        await asyncio.gather(*(file(index, number) for index, number in enumerate(insured)))
        offered_s = time.monotonic() - started
        await load.wait_for_sms(time.monotonic() + 300, stall_s=120)
        await timeline_caught_up(BOOTSTRAP)
        rows = await timelines(load, load.filed)
    print(
        f"open loop: {len(load.filed)} claims filed in {offered_s:.0f}s ({len(load.filed) / offered_s:.2f}/s offered, "
        f"{late} started more than 0.5 s late)",
        file=sys.stderr,
    )
    return rows


STAGE_GROUPS = (  # (service, its consumer groups on the claim's path), in the order a claim goes through them
    ("documents", ("documents",)),
    ("eligibility", ("eligibility",)),
    ("receipts", ("receipts",)),
    ("notifications", ("notifications-receipts", "notifications-acceptances")),
)


@dataclass(frozen=True)
class StageDrain:
    events: int
    events_per_s: float  # from the first event read to the last
    cpu_ms_per_event: float  # every process on the machine, over the same span


async def stage_drains(claims: int) -> dict[str, StageDrain]:
    """Each stage alone on a backlog: `claims` claims created and their scans attached (the documents service checks
    each upload for the claims API), then every stage stopped and the claims submitted, then each stage started in
    turn and timed from its first committed event to its last."""
    found = {}
    async with fresh_stack(f"stages, {claims} claims each") as (stack, load):
        insured = await load.enrol(claims, timeout_s=60 + claims / 5)
        await load.file_all(insured, spread_s=0, workers=8, submit=False)
        await asyncio.to_thread(stack.stop, *(service for service, _ in STAGE_GROUPS))
        await load.submit_all(workers=8)
        assert not load.failures, load.failures[:3]
        for service, groups in STAGE_GROUPS:
            topics = [topic.value for group in groups for topic in GROUPS[group][1]]
            start = await group_positions(groups, topics)
            await asyncio.to_thread(stack.start, service, wait=False)
            found[service] = await drained(groups, topics, start)
        for service, drain in found.items():
            print(f"{service}: {drain.events} events at {drain.events_per_s:.1f}/s", file=sys.stderr)
    return found


async def group_positions(groups: Iterable[str], topics: list[str]) -> tuple[int, int]:
    """(events the groups committed, events on their topics)."""
    committed = await committed_offsets(BOOTSTRAP, groups)
    ends = await end_offsets(BOOTSTRAP, topics)
    read = sum(offset for offsets in committed.values() for offset in offsets.values())
    return read, sum(ends.values())


async def drained(groups: Iterable[str], topics: list[str], start: tuple[int, int]) -> StageDrain:
    """Wait until the groups read all their topics hold."""
    first = last = first_read = first_busy = last_busy = None
    read, end = start
    deadline = time.monotonic() + 900
    while read < end and time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        now, (read, end) = time.monotonic(), await group_positions(groups, topics)
        busy = machine_cpu_seconds()[0]
        if first is None and read > start[0]:
            first, first_read, first_busy = now, read, busy
        last, last_busy = now, busy
    if first is None or last <= first or read <= first_read:
        return StageDrain(read - start[0], 0.0, 0.0)
    timed = read - first_read
    return StageDrain(read - start[0], timed / (last - first), 1000 * (last_busy - first_busy) / timed)


def command_table(folder: Path, claims: int) -> list[str]:
    """What each service asked the MongoDB-compatible server, per claim done (enrolment included), and the mean
    round trip: the server's share of a claim, command by command."""
    tally: dict[str, list[float]] = {}
    for path in folder.glob("*.json"):
        service = path.stem.rsplit("-", 1)[0]
        for command, (count, millis) in json.loads(path.read_text()).items():
            entry = tally.setdefault(f"{service}: {command}", [0, 0.0])
            entry[0] += count
            entry[1] += millis
    lines = [f"{'MongoDB commands':48} {'per claim':>9} {'mean ms':>8}"]
    for name, (count, millis) in sorted(tally.items(), key=lambda item: -item[1][1]):
        if count / max(1, claims) >= 0.05:
            lines.append(f"{name:48} {count / max(1, claims):9.2f} {millis / max(1, count):8.2f}")
    return lines


def cost_table(run: ClosedRun) -> list[str]:
    lines = [f"{'process':22} {'CPU s':>8} {'CPU %':>6} {'CPU ms/claim':>13} {'peak RSS MB':>12} {'processes':>9}"]
    for name, (cpu, rss, count) in run.costs.items():
        per_claim = 1000 * cpu / max(1, run.done)
        lines.append(f"{name:22} {cpu:8.1f} {100 * cpu / run.wall_s:6.0f} {per_claim:13.1f} {rss:12.0f} {count:9d}")
    total = sum(cpu for cpu, _, _ in run.costs.values())
    lines.append(f"{'all processes':22} {total:8.1f} {100 * total / run.wall_s:6.0f} {1000 * total / run.done:13.1f}")
    generator = run.load_generator_s
    lines.append(
        f"{'(load generator)':22} {generator:8.1f} {100 * generator / run.wall_s:6.0f} "
        f"{1000 * generator / max(1, run.done):13.1f}   this process: filing claims through the API, watching them"
    )
    lines.append(
        f"the machine's {CORES} cores were {100 * run.machine_busy:.0f} % busy meanwhile, whoever used them "
        "(from the first claim to the timeline caught up)"
    )
    return lines


def growth_table(runs: list[ClosedRun]) -> list[str]:
    """CPU per claim of each process at each size, and the last size's against the first's."""
    first = runs[0]
    sizes = " ".join(f"{f'N={run.claims}':>10}" for run in runs)
    lines = [f"{'CPU ms per claim':22} {sizes} {'ratio':>7}"]
    names = [*first.costs, "all processes"]
    for name in names:
        values = [1000 * per_process(run, name) / max(1, run.done) for run in runs]
        ratio = values[-1] / values[0] if values[0] else float("nan")
        lines.append(f"{name:22} {' '.join(f'{v:10.1f}' for v in values)} {ratio:7.2f}")
    return lines


def per_process(run: ClosedRun, name: str) -> float:
    if name == "all processes":
        return sum(cpu for cpu, _, _ in run.costs.values())
    return run.costs.get(name, (0.0, 0, 0))[0]


def report(run: ClosedRun, in_flight: int) -> None:
    print(
        f"\n{run.claims} claims, {run.done} with receipt and SMS delivered, {run.wall_s:.0f}s from first submission "
        f"to the last one done, {in_flight} in flight"
    )
    print(f"sustained: {run.claims_per_s:.2f} claims/s (receipt issued and SMS delivered); per tenth: {run.deciles}")
    filing_p50 = percentile(run.filing_s, 0.5) if run.filing_s else float("nan")
    print(
        f"filing a claim through the API (create, attach its scans, submit): p50 {1000 * filing_p50:.0f} ms, "
        f"p95 {1000 * percentile(run.filing_s, 0.95) if run.filing_s else float('nan'):.0f} ms; "
        f"{run.workers} filing threads allow at most {run.workers / filing_p50:.1f} claims/s at the p50"
    )
    print()
    print("\n".join(stage_table(run.rows)))
    print()
    print("\n".join(cost_table(run)))
    print()
    print("\n".join(run.commands))
    print(
        f"Kafka per claim: {run.published / max(1, run.done):.1f} messages published on the topics the services "
        f"consume, {run.delivered / max(1, run.done):.1f} handled and committed by their consumer groups"
    )
    print(f"the claims service's timeline consumer caught up {run.catch_up_s:.0f}s after the last SMS")
    shares = ", ".join(f"{name} {100 * share:.1f}" for name, share in sorted(run.idle.items(), key=lambda i: -i[1]))
    idle = sum(run.idle.values())
    print(
        f"idle before the first claim ({IDLE_SECONDS:.0f} s): {100 * idle:.1f} % of a core ({shares}), "
        f"{1000 * idle / max(1e-9, run.claims_per_s):.0f} ms per claim at this rate"
    )


def open_report(rows: list[dict[str, datetime]], rate: float) -> None:
    def p95(end: str) -> float:
        values = [(row[end] - row["submitted"]).total_seconds() for row in rows if end in row and "submitted" in row]
        return percentile(values, 0.95) if values else float("nan")

    print(f"\nopen loop at {rate:g} claims/s offered, {len(rows)} claims")
    print("\n".join(stage_table(rows)))
    print(
        f"submitted -> receipt issued p95 {p95('receipt_issued'):.1f}s (target 5); "
        f"submitted -> SMS delivered p95 {p95('sms_delivered'):.1f}s (target 3: the first SMS of the claim)"
    )


async def main(arguments: argparse.Namespace) -> None:
    runs = []
    for claims in arguments.claims:
        runs.append(await closed_loop(claims, arguments.in_flight, arguments.workers, arguments.time_limit))
        report(runs[-1], arguments.in_flight)
    if len(runs) > 1:
        print()
        print("\n".join(growth_table(runs)))
    if arguments.open_rate:
        open_report(await open_loop(arguments.open_rate, arguments.open_seconds), arguments.open_rate)
    stages = await stage_drains(arguments.stage_claims) if arguments.stage_claims else {}
    size = await event_size(BOOTSTRAP)
    count = max(arguments.claims)
    bare = await bare_kafka(BOOTSTRAP, count, size)
    stage_loop = await bare_stage(BOOTSTRAP, MONGODB_URL, min(count, 3000), size)
    print()
    print(
        f"bare aiokafka loop, {count} messages of {size} B (send_and_wait acks=all, getone, batched commits): "
        f"{bare.messages_per_s:.0f} msg/s, {bare.cost_line()}"
    )
    for run in runs:
        ratio = bare.messages_per_s / max(1e-9, run.claims_per_s)
        print(f"  ratio bare messages/s : claims/s at N={run.claims} = {ratio:.0f} : 1")
    print(
        f"bare stage loop (consume, find by _id, insert, publish acks=all, batched commits), messages of {size} B: "
        f"{stage_loop.messages_per_s:.0f} msg/s, {stage_loop.cost_line()}"
    )
    half_loop_budget_ms = CORES * 1000 / (stage_loop.messages_per_s / 2)
    for service, drain in stages.items():
        share = drain.events_per_s / stage_loop.messages_per_s
        print(
            f"  stage {service:14} {drain.events:6d} events {drain.events_per_s:7.1f}/s = {share:5.2f} of the bare "
            f"stage loop; {drain.cpu_ms_per_event:5.1f} ms of CPU an event, all processes"
        )
    print(
        f"  (half the bare stage loop leaves a stage at most {half_loop_budget_ms:.1f} ms of CPU an event on the "
        f"{CORES} cores here, whatever its concurrency)"
    )
    for run in runs:
        print(plumbing_floor(run, bare))


def plumbing_floor(run: ClosedRun, bare: BareLoop) -> str:
    """What the messages alone cost a claim, at the bare aiokafka loop's CPU per message (a produce, a consume and a
    commit): at least each publication's, at most each delivery's, against what the claim cost all processes."""
    published, delivered = (count / max(1, run.done) for count in (run.published, run.delivered))
    low, high = (count * bare.cpu_ms_per_message for count in (published, delivered))
    claim_ms = 1000 * per_process(run, "all processes") / max(1, run.done)
    return (
        f"messaging floor at N={run.claims}: {published:.1f} publications and {delivered:.1f} deliveries per claim at "
        f"{bare.cpu_ms_per_message:.1f} ms each (bare aiokafka loop) = {low:.0f} to {high:.0f} ms of the "
        f"{claim_ms:.0f} ms a claim costs; the {CORES} cores here allow at most {CORES * 1000 / max(low, 1e-9):.1f} "
        "claims/s for the messaging alone"
    )


def sizes(text: str) -> list[int]:
    return [int(size) for size in text.split(",")]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=sizes, default=[200], help="claims of each closed-loop run: 500,10000")
    parser.add_argument("--in-flight", type=int, default=16, help="claims between submission and SMS, at most")
    parser.add_argument("--workers", type=int, default=8, help="threads filing claims through the API")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=float("inf"),
        help="seconds after which no new claim is filed (the report covers those filed)",
    )
    parser.add_argument("--open-rate", type=float, default=0, help="claims per second offered in the open loop")
    parser.add_argument("--open-seconds", type=float, default=300, help="how long the open loop offers claims")
    parser.add_argument("--stage-claims", type=int, default=0, help="backlog each stage drains alone (0: none)")
    asyncio.run(main(parser.parse_args()))
