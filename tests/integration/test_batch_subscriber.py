"""A batch subscriber (services/runtime/kafka.py) through the services' own broker on the real Kafka: the handler
gets the values of what arrived, the records it names as failing for good are dead-lettered each with its own
reason (the others not), a header that is not UTF-8 loses nothing, and the whole batch is committed."""

import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from contracts.dead_letters import DeadLetter
from services.runtime.commits import OffsetCommits
from services.runtime.dead_letters import PermanentError, PermanentErrors
from services.runtime.kafka import make_broker, subscriber
from tests.failures.chaos import committed_offsets

pytestmark = pytest.mark.integration

VALUES = [b'{"n": 1}', b"not json", b'{"n": 2}', b'{"n": -1}', b'{"n": 3}']


async def dead_letters(bootstrap: str, topic: str, count: int) -> list[DeadLetter]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        letters: list[DeadLetter] = []
        while len(letters) < count:
            record = await asyncio.wait_for(consumer.getone(), 30)
            letters.append(DeadLetter.model_validate_json(record.value))
        return letters
    finally:
        await consumer.stop()


async def test_a_batch_handler_dead_letters_only_what_it_names_and_the_batch_is_committed(servers):
    bootstrap = servers["KAFKA_BOOTSTRAP_SERVERS"]
    topic = group = f"test.batches.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 1, 1), NewTopic(f"{topic}.dlq", 1, 1)])
    commits = OffsetCommits(interval_s=0.1)
    broker = make_broker(bootstrap, "batch-test", (0.1,), commits)
    handled: list[int] = []
    batches: list[int] = []
    everything = asyncio.Event()

    @subscriber(broker, topic, group_id=group, batch=True)
    async def handle(values: list[bytes]) -> None:
        batches.append(len(values))
        failed: dict[int, BaseException] = {}
        for index, value in enumerate(values):
            try:
                number = json.loads(value)["n"]
            except ValueError as error:
                failed[index] = error
                continue
            if number < 0:
                failed[index] = PermanentError(f"n: {number} is negative")
            else:
                handled.append(number)
        if sum(batches) == len(VALUES):
            everything.set()
        if failed:
            raise PermanentErrors(failed)

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for index, value in enumerate(VALUES):  # all there before the consumer starts: one batch
            headers = [("x-origin", b"\xff\xfe")] if index == 2 else []
            await producer.send_and_wait(topic, value, key=f"k{index}".encode(), partition=0, headers=headers)
        await broker.start()
        await asyncio.wait_for(everything.wait(), 30)
        letters = await dead_letters(bootstrap, f"{topic}.dlq", 2)
        await commits.flush()
        offsets = (await committed_offsets(bootstrap, [group]))[group]
    finally:
        await broker.stop()
        await producer.stop()
        await admin.delete_topics([topic, f"{topic}.dlq"])
        await admin.close()
    assert handled == [1, 2, 3]
    assert batches == [len(VALUES)]
    assert sorted((letter.offset, letter.attempts) for letter in letters) == [(1, 1), (3, 1)]
    reasons = {letter.offset: letter.reason for letter in letters}
    assert reasons[1].startswith("JSONDecodeError") and reasons[3] == "PermanentError: n: -1 is negative"
    assert {letter.source_topic for letter in letters} == {topic}
    assert offsets[TopicPartition(topic, 0)] == len(VALUES)
