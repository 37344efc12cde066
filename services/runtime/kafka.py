"""A Kafka broker set up for our delivery rules: `acks=all`, idempotent producer, commit after success."""

import copy
import functools
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any, TypeVar

from aiokafka import ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import REGISTRY
from pydantic import BaseModel, ValidationError

from contracts import Event, Topic
from services.runtime.commits import CommitInBatches, OffsetCommits
from services.runtime.dead_letters import DeadLetterMiddleware
from services.runtime.offset_fetch import check_offset_fetch_errors

T = TypeVar("T")

# How long the broker holds a fetch that finds nothing new. A message that arrives meanwhile answers it at once, so
# this costs no latency; it only spaces an idle consumer's fetches (aiokafka's 500 ms: 2 a second for each of the
# stack's consumers). Its price: a consumer given new partitions by a rebalance may wait that long for its first
# fetch, queued behind the one the broker still holds on the same connection.
FETCH_MAX_WAIT_MS = 2000
# A batch subscriber's handler gets what has arrived, up to this many records. With nothing there, FastStream waits
# BATCH_WAIT_MS for a record, then sleeps as long before it looks again, and a record arriving meanwhile waits for the
# sleep to end: 20 ms keeps a claim's timeline within about that of its events, for an idle consumer waking 25 times
# a second (1.6 % of a core for the claims service, against 0.4-0.8 % before it read in batches).
BATCH_MAX_RECORDS = 200
BATCH_WAIT_MS = 20


def make_broker(
    bootstrap_servers: str, consumer_name: str, retry_delays_s: tuple[float, ...], commits: OffsetCommits
) -> KafkaBroker:
    check_offset_fetch_errors()
    broker = KafkaBroker(
        bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        client_id=consumer_name,
        logger=None,
    )
    broker.add_middleware(functools.partial(CommitInBatches, commits=commits))
    broker.add_middleware(
        functools.partial(DeadLetterMiddleware, broker=broker, consumer=consumer_name, retry_delays_s=retry_delays_s)
    )
    broker.add_middleware(
        KafkaPrometheusMiddleware(registry=REGISTRY, app_name=consumer_name, metrics_prefix="taawidaty")
    )
    return broker


def subscriber(
    broker: KafkaBroker, *topics: str, group_id: str, partition_workers: int = 1, batch: bool = False
) -> Callable[[Callable[..., Any]], Any]:
    """Consume from the oldest unread message; the offset is committed only once the handler returned (a few at a
    time: services/runtime/commits.py). With `partition_workers` (one topic only), that many consumers of the group
    each handle their own partitions at once: a claim's events share a partition (its key), so they stay in order;
    other claims' need not wait. With `batch`, the handler gets the values (bytes, not decoded) of what has arrived,
    each partition's in order, and raises `PermanentErrors` naming those it could not handle for good."""
    batching: dict[str, Any] = (
        {"batch": True, "max_records": BATCH_MAX_RECORDS, "batch_timeout_ms": BATCH_WAIT_MS, "decoder": raw_values}
        if batch
        else {"max_workers": partition_workers}
    )
    return broker.subscriber(
        *topics,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        max_poll_interval_ms=10 * 60 * 1000,
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        no_reply=True,  # a `reply_to` header must not make a consumer publish where the sender says
        parser=tolerant_headers,
        **batching,
    )


async def tolerant_headers(
    records: ConsumerRecord | tuple[ConsumerRecord, ...], parse: Callable[[Any], Awaitable[Any]]
) -> Any:
    """FastStream decodes header values as UTF-8 before any middleware runs: a value that is not would drop the
    message (or the whole batch) unseen. Such values are read with replacement characters, so the message reaches its
    handler (or its dead letters) like any other; headers carry nothing the handlers rely on."""
    if isinstance(records, tuple | list):  # a batch (a list in FastStream's test broker)
        return await parse(type(records)(_readable_headers(record) for record in records))
    return await parse(_readable_headers(records))


def _readable_headers(record: ConsumerRecord) -> ConsumerRecord:
    try:
        for _, value in record.headers:
            value.decode()
    except UnicodeDecodeError:
        record = copy.copy(record)
        record.headers = [(name, value.decode(errors="replace").encode()) for name, value in record.headers]
    return record


async def raw_values(message: Any, decode: Callable[[Any], Awaitable[Any]]) -> list[bytes]:
    """A batch's values as they are: the handler reads each itself, so that one unreadable value is dead-lettered
    alone rather than with its whole batch."""
    return [record.value or b"" for record in message.raw_message]


def read_batch(values: list[bytes], read: Callable[[bytes], T]) -> tuple[dict[int, T], dict[int, BaseException]]:
    """A batch handler's values read each alone: (what was read, the errors of what was not), by position in the
    batch, as `PermanentErrors` names them."""
    read_values: dict[int, T] = {}
    errors: dict[int, BaseException] = {}
    for index, value in enumerate(values):
        try:
            read_values[index] = read(value)
        except ValidationError as error:
            errors[index] = error
    return read_values, errors


def serialize(event: BaseModel) -> bytes:
    return event.model_dump_json().encode()


def headers_for(event: Event) -> dict[str, str]:
    return {"event-type": event.type, "event-version": str(event.version), "correlation-id": event.correlation_id}


def readiness_check(broker: KafkaBroker) -> Callable[[], Any]:
    async def check() -> None:
        if not await broker.ping(timeout=3):
            raise ConnectionError("Kafka unreachable")

    return check


async def ensure_topics(bootstrap_servers: str, partitions: int, replication: int) -> None:
    """Create every topic of the catalogue and its dead-letter topic when missing, before consumers
    subscribe (a consumer does not see a topic created after it started until its next metadata refresh)."""
    names = [name for topic in Topic for name in (topic.value, topic.dead_letters)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(name, partitions, replication) for name in names if name not in existing]
        if missing:
            with suppress(TopicAlreadyExistsError):  # another instance created them meanwhile
                await admin.create_topics(missing)
    finally:
        await admin.close()
