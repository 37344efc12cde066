"""OffsetCommits' own rules, with a consumer that records its commits (tests/integration/test_offset_commits.py
runs the same class on the real Kafka): one commit at a time per consumer, what was handled meanwhile committed
right after it, nothing committed for a partition the consumer no longer holds."""

import asyncio

from aiokafka import ConsumerRecord, TopicPartition

from services.runtime.commits import OffsetCommits

TOPIC = "claims.submitted.v1"


class SlowConsumer:
    def __init__(self, partitions: set[TopicPartition]) -> None:
        self.partitions = partitions
        self.commits: list[dict[TopicPartition, int]] = []
        self.in_flight = self.most_in_flight = 0
        self.release = asyncio.Event()

    def assignment(self) -> set[TopicPartition]:
        return self.partitions

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await self.release.wait()
        self.commits.append(offsets)
        self.in_flight -= 1


def record(partition: int, offset: int) -> ConsumerRecord:
    return ConsumerRecord(TOPIC, partition, offset, 0, 0, None, b"{}", None, 0, 2, [])


async def test_a_slow_commit_is_not_overtaken_and_what_was_handled_meanwhile_follows_it():
    consumer = SlowConsumer({TopicPartition(TOPIC, 0)})
    commits = OffsetCommits(interval_s=0.01)
    commits.handled(consumer, record(0, 4))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)  # the first commit has started and waits
    commits.handled(consumer, record(0, 5))  # type: ignore[arg-type]
    commits.handled(consumer, record(0, 6))  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    assert (consumer.in_flight, consumer.commits) == (1, [])
    consumer.release.set()
    await asyncio.sleep(0.05)
    assert consumer.commits == [{TopicPartition(TOPIC, 0): 5}, {TopicPartition(TOPIC, 0): 7}]
    assert consumer.most_in_flight == 1


async def test_flush_commits_at_once_and_skips_partitions_no_longer_held():
    consumer = SlowConsumer({TopicPartition(TOPIC, 1)})
    consumer.release.set()
    commits = OffsetCommits(interval_s=60)
    commits.handled(consumer, record(0, 9))  # type: ignore[arg-type]  # partition 0 went to another consumer
    commits.handled(consumer, record(1, 3))  # type: ignore[arg-type]
    await commits.flush()
    assert consumer.commits == [{TopicPartition(TOPIC, 1): 4}]
