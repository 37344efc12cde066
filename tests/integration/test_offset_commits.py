"""Offsets committed a few at a time (services/runtime/commits.py), through the services' own broker and subscriber
on the real Kafka: what was handled is committed together once the interval has passed, never a message whose
handler has not returned, and all of it at once when the service stops."""

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from services.runtime.commits import OffsetCommits
from services.runtime.kafka import make_broker, subscriber
from tests.failures.chaos import committed_offsets

pytestmark = pytest.mark.integration

INTERVAL_S = 3.0
MESSAGES = 10
HELD = 5  # the handler of this message waits until the test lets it go


async def committed(bootstrap: str, group: str, partition: TopicPartition) -> int | None:
    return (await committed_offsets(bootstrap, [group]))[group].get(partition)


async def test_handled_offsets_are_committed_together_and_never_past_a_message_still_being_handled(servers):
    bootstrap = servers["KAFKA_BOOTSTRAP_SERVERS"]
    topic = group = f"test.commits.{uuid.uuid4().hex[:8]}"
    partition = TopicPartition(topic, 0)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 1, 1)])
    commits = OffsetCommits(interval_s=INTERVAL_S)
    broker = make_broker(bootstrap, "commits-test", (0.1,), commits)
    handled: list[int] = []
    held, release = asyncio.Event(), asyncio.Event()

    @subscriber(broker, topic, group_id=group)
    async def handle(body: dict) -> None:
        if body["index"] == HELD:
            held.set()
            await release.wait()
        handled.append(body["index"])

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    await broker.start()
    try:
        for index in range(MESSAGES):
            await producer.send_and_wait(topic, f'{{"index": {index}}}'.encode(), partition=0)
        await asyncio.wait_for(held.wait(), 30)
        assert handled == list(range(HELD))
        assert await committed(bootstrap, group, partition) is None, "committed before the interval passed"

        await asyncio.sleep(INTERVAL_S + 1)
        assert await committed(bootstrap, group, partition) == HELD, "the held message or later ones committed"

        release.set()
        for _ in range(100):
            if len(handled) == MESSAGES:
                break
            await asyncio.sleep(0.05)
        assert handled == list(range(MESSAGES))
        await commits.flush()
        assert await committed(bootstrap, group, partition) == MESSAGES
    finally:
        release.set()
        await broker.stop()
        await producer.stop()
        await admin.delete_topics([topic])
        await admin.close()
