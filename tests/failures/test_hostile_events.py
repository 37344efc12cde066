"""Malformed or hostile events published on every topic land in dead letters with a reason, once per consumer
group that reads the topic; no consumer crashes or stalls, and a normal claim still goes through afterwards."""

import time
import uuid
from collections import Counter

import pytest

from contracts import Topic
from tests.e2e.consumer_groups import consumers_of
from tests.failures.chaos import all_healthy, dead_letters_since, end_offsets, original_of
from tests.failures.harness import ClaimLoad
from tests.failures.hostile import KINDS, variants

pytestmark = pytest.mark.failure

EVENTS_PER_TOPIC = 100  # ten topics: 1,000 events


async def a_normal_claim_still_completes(stack, producer, mongo, run_id) -> None:
    load = ClaimLoad(stack, producer, mongo, run_id)
    insured = await load.enrol(1)
    started = time.monotonic()
    await load.file_all(insured, spread_s=0)
    await load.check(1, started, timeout_s=120)


async def test_a_thousand_malformed_or_hostile_events_land_in_dead_letters_with_reasons_and_no_consumer_falls(
    stack, producer, mongo, run_id, bootstrap
):
    marker = f"hostile-{uuid.uuid4().hex[:8]}-".encode()
    dead_letters = await end_offsets(bootstrap)
    processes = {key: process.pid for key, process in stack.processes.items()}
    sent: dict[Topic, Counter] = {}
    started = time.monotonic()
    for topic in Topic:
        sent[topic] = Counter()
        for index, (_, value, headers) in enumerate(variants(topic, EVENTS_PER_TOPIC)):
            await producer.send(topic, value, key=marker + str(index).encode(), headers=headers)
            sent[topic][value or b""] += 1
    await producer.flush()
    expected = {(topic.dead_letters, consumer): EVENTS_PER_TOPIC for topic in Topic for consumer in consumers_of(topic)}

    letters = await dead_letters_since(
        bootstrap, dead_letters, key=marker, wait_for=sum(expected.values()), timeout_s=240
    )
    elapsed = time.monotonic() - started
    counts = Counter((topic, letter.consumer) for topic, letter in letters)
    print(
        f"[hostile] {sum(sent[t].total() for t in Topic)} events ({', '.join(KINDS)}), {len(letters)} dead letters "
        f"in {elapsed:.0f}s: " + ", ".join(f"{t}/{c}: {n}" for (t, c), n in sorted(counts.items()))
    )
    assert counts == expected
    for (dead_letter_topic, consumer), _ in expected.items():
        topic = Topic(dead_letter_topic.removesuffix(".dlq"))
        mine = [letter for t, letter in letters if t == dead_letter_topic and letter.consumer == consumer]
        assert Counter(original_of(letter) for letter in mine) == sent[topic], f"{consumer} on {topic}"
        assert {letter.source_topic for letter in mine} == {topic.value}
    unreasoned = [letter for _, letter in letters if not letter.reason.strip()]
    assert not unreasoned
    retried = Counter(letter.reason[:60] for _, letter in letters if letter.attempts != 1)
    assert not retried, f"unreadable events retried as if the failure were transient: {retried}"
    print("reasons:", Counter(letter.reason.split(":")[0] for _, letter in letters).most_common(6))

    assert {key: process.pid for key, process in stack.processes.items()} == processes  # nothing restarted
    assert set(all_healthy(stack).values()) == {"ready"}
    await a_normal_claim_still_completes(stack, producer, mongo, run_id)
