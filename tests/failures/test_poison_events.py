"""Hostile events the thousand of test_hostile_events cannot carry without sinking the run: each one, on its own,
shows a way a single message defeats the dead-letter rule ("a message that cannot be parsed goes straight to
<topic>.dlq with the reason; the partition moves on"), a bug each fixed since (described in its docstring)."""

import asyncio
import hashlib
import json
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from pydantic import ValidationError

from contracts import ClaimAccepted, Topic
from tests.e2e.consumer_groups import GROUPS, consumers_of
from tests.e2e.samples import smsc_offset
from tests.e2e.stack import SERVICES
from tests.failures.chaos import (
    all_healthy,
    dead_letters_since,
    end_offsets,
    original_of,
    skip_past,
)
from tests.failures.harness import smsc_messages_since
from tests.failures.hostile import readable_by, sample

pytestmark = pytest.mark.failure


async def send(producer, topic: Topic, value: bytes, key: bytes, headers=()) -> tuple[TopicPartition, int]:
    metadata = await producer.send_and_wait(topic, value, key=key, headers=list(headers))
    return TopicPartition(topic.value, metadata.partition), metadata.offset


async def _committed(bootstrap: str, group: str, partition: TopicPartition) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group, partitions=[partition])
    finally:
        await admin.close()
    return offsets[partition].offset if partition in offsets else -1


async def test_a_well_formed_event_of_an_unknown_version_is_dead_lettered_not_acted_upon(
    stack, producer, mongo, run_id, bootstrap
):
    dead_letters, sms_from = await end_offsets(bootstrap), smsc_offset()
    claim_id = f"v2-{uuid.uuid4()}"
    event = {**sample(Topic.CLAIM_ACCEPTED, claim_id), "version": 2, "event_id": str(uuid.uuid4())}
    phone = f"+212662{uuid.uuid4().int % 10**6:06d}"
    event["claim"] = {**event["claim"], "phone": phone}
    with pytest.raises(ValidationError, match="version"):  # a v1 model refuses a v2 event
        ClaimAccepted.model_validate(event)
    await send(producer, Topic.CLAIM_ACCEPTED, json.dumps(event).encode(), claim_id.encode(), [("event-version", b"2")])
    letters, acted = [], []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(letters) < 2 and not acted:
        await asyncio.sleep(1)
        letters = await dead_letters_since(bootstrap, dead_letters, key=claim_id.encode())
        acted = [text for receiver, text in smsc_messages_since(sms_from) if receiver == phone.lstrip("+")]
    timeline = await mongo[f"{run_id}_claims"]["claims"].find_one({"_id": claim_id})
    assert not acted and timeline is None, (
        f"a version 2 event was read as v1: SMS sent {acted}, timeline {list((timeline or {}).get('timeline', {}))}"
    )
    assert {letter.consumer for _, letter in letters} == consumers_of(Topic.CLAIM_ACCEPTED)


async def test_an_event_whose_headers_are_not_utf8_is_dead_lettered_not_dropped(stack, producer, bootstrap):
    """Was a bug: FastStream's parser decoded the headers before any middleware ran, and the next message's commit
    went past the one it could not parse: no dead letter, no log line. Headers are now read with replacements."""
    dead_letters = await end_offsets(bootstrap)
    key = f"bad-header-{uuid.uuid4()}".encode()
    _, offset = await send(
        producer, Topic.INSPECTION_COMPLETED, b'{"not": "an event"}', key, [("x-origin", b"\xff\xfe\xc3\x28")]
    )
    _, follower = await send(producer, Topic.INSPECTION_COMPLETED, b'{"follower": "also not an event"}', key)
    consumers = consumers_of(Topic.INSPECTION_COMPLETED)
    letters = await dead_letters_since(bootstrap, dead_letters, key=key, wait_for=2 * len(consumers), timeout_s=30)
    by_offset = {offset: set(), follower: set()}
    for _, letter in letters:
        by_offset[letter.offset].add(letter.consumer)
    assert by_offset[follower] == consumers, f"the follow-up event was not dead-lettered in 30s: {by_offset}"
    assert by_offset[offset] == consumers, (
        f"the event behind it was dead-lettered and committed by {sorted(consumers)}, the one with the bad header "
        f"(offset {offset}) vanished: dead letters for it: {sorted(by_offset[offset])}"
    )


async def test_a_reply_to_header_does_not_make_a_consumer_publish_anywhere(stack, producer, bootstrap):
    target = f"hostile.reply.{uuid.uuid4().hex[:8]}"
    await send(producer, Topic.NOTIFICATION_STATUS, b"{}", f"reply-{target}".encode(), [("reply_to", target.encode())])
    await asyncio.sleep(8)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()
    try:
        exists = target in await consumer.topics()
    finally:
        await consumer.stop()
    written = sum((await end_offsets(bootstrap, [target])).values()) if exists else 0
    assert not exists, f"the claims service created topic {target!r} and wrote {written} message(s) to it"


async def test_a_too_deeply_nested_event_goes_straight_to_dead_letters(stack, producer, bootstrap):
    dead_letters = await end_offsets(bootstrap)
    key = f"deep-{uuid.uuid4()}".encode()
    await send(producer, Topic.NOTIFICATION_STATUS, b"[" * 100_000 + b"]" * 100_000, key)
    letters = await dead_letters_since(bootstrap, dead_letters, key=key, wait_for=1, timeout_s=10)
    assert letters, "not dead-lettered within 10s: the consumer is retrying it (check its log for RecursionError)"
    assert [letter.attempts for _, letter in letters] == [1]


async def test_a_900_kb_event_is_dead_lettered_and_its_partition_moves_on(stack, producer, bootstrap):
    """Was a bug: the dead letter of a ~900 KB event (its original in base64, ~1.2 MB) exceeded Kafka's 1 MB limit,
    the publish raised, the event was nacked and redelivered forever. Dead letters now keep 512 KiB of it."""
    dead_letters = await end_offsets(bootstrap)
    key = f"huge-{uuid.uuid4()}".encode()
    poison, sent = {}, {}
    for topic in Topic:  # ~900 KB in the one field every contract bounds (64 characters): no consumer can read it
        sent[topic] = json.dumps({**sample(topic), "correlation_id": "A" * 900_000}).encode()
        assert not readable_by(topic, sent[topic], timeline=True)
        poison[topic] = await send(producer, topic, sent[topic], key)
    expected = {(topic.dead_letters, consumer) for topic in Topic for consumer in consumers_of(topic)}
    try:
        letters = await dead_letters_since(bootstrap, dead_letters, key=key, wait_for=len(expected), timeout_s=30)
        stuck = {
            group: [
                f"{t}[{partition.partition}]@{offset}"
                for t, (partition, offset) in poison.items()
                if partition in offsets
            ]
            for group, offsets in (await stuck_at(bootstrap, poison)).items()
        }
        assert {(topic, letter.consumer) for topic, letter in letters} == expected and len(letters) == len(expected), (
            f"{len(letters)} of {len(expected)} dead letters after 30s; consumer groups stuck at the event: {stuck}"
        )
        for _, letter in letters:
            original = sent[Topic(letter.source_topic)]
            assert letter.original_size == len(original)
            assert letter.original_sha256 == hashlib.sha256(original).hexdigest()
            assert original.startswith(original_of(letter)) and len(original_of(letter)) <= 512 * 1024
    finally:
        await unblock(stack, bootstrap, poison)


async def stuck_at(bootstrap: str, poison: dict[Topic, tuple[TopicPartition, int]]) -> dict[str, dict]:
    """Per consumer group, the partitions whose committed offset is not past the event, with the offset after it."""
    stuck = {
        group: {
            poison[t][0]: poison[t][1] + 1
            for t in topics
            if await _committed(bootstrap, group, poison[t][0]) <= poison[t][1]
        }
        for group, (_, topics) in GROUPS.items()
    }
    return {group: offsets for group, offsets in stuck.items() if offsets}


async def unblock(stack, bootstrap: str, poison: dict[Topic, tuple[TopicPartition, int]]) -> None:
    """What an operator must do today: stop the consumers, commit past the event, start them again; checked, as
    the next tests need every partition moving."""
    for _ in range(3):
        if not (blocked := await stuck_at(bootstrap, poison)):
            return
        running = sorted({service for service, _ in stack.processes})
        await asyncio.to_thread(stack.stop, *running)
        for group, offsets in blocked.items():
            await skip_past(bootstrap, group, offsets)
        assert not await stuck_at(bootstrap, poison), "the offsets committed past the event did not hold"
        await asyncio.to_thread(stack.start, *[s for s in SERVICES if s in running])
        assert set(all_healthy(stack).values()) == {"ready"}
        await asyncio.sleep(10)  # a consumer that nacked the event again would have moved its group back by now
    raise AssertionError(f"consumer groups still stuck at the event after three restarts: {blocked}")
