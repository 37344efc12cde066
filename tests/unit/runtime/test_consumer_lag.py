"""The consumer-lag gauge follows the partitions this process holds: one a rebalance took away leaves it."""

import asyncio
from types import SimpleNamespace

from aiokafka import TopicPartition

from services.runtime.metrics import CONSUMER_LAG, measure_lag_forever


class Consumer:
    _group_id = "lag-test-group"

    def __init__(self) -> None:
        self.held = {TopicPartition("lag-test-topic", 0): (10, 4), TopicPartition("lag-test-topic", 1): (7, 7)}

    def assignment(self) -> set[TopicPartition]:
        return set(self.held)

    def highwater(self, partition: TopicPartition) -> int:
        return self.held[partition][0]

    async def position(self, partition: TopicPartition) -> int:
        return self.held[partition][1]


def reported() -> dict[str, float]:
    return {
        sample.labels["partition"]: sample.value
        for metric in CONSUMER_LAG.collect()
        for sample in metric.samples
        if sample.labels["group"] == "lag-test-group"
    }


async def test_the_lag_of_each_held_partition_is_reported_and_a_lost_one_removed():
    consumer = Consumer()
    measuring = asyncio.create_task(
        measure_lag_forever(SimpleNamespace(subscribers=[SimpleNamespace(consumer=consumer)]), 0.01)
    )
    try:
        await asyncio.sleep(0.05)
        assert reported() == {"0": 6.0, "1": 0.0}
        del consumer.held[TopicPartition("lag-test-topic", 0)]  # a rebalance gave partition 0 to another instance
        await asyncio.sleep(0.05)
        assert reported() == {"1": 0.0}
    finally:
        measuring.cancel()
