"""Offsets committed a few at a time: a consumer commits what it handled every `COMMIT_INTERVAL_S`, not after each
message. An offset commit is a round trip to Kafka's group coordinator that the next message waited for: about 7 ms,
which held a consumer near 140 messages a second, and the commit cost the broker more CPU than the message itself.

A message is still committed only once its handler returned (its effects are durable): what is pending when a
process dies or its partitions move is handled again by whoever reads them next, which the handlers' idempotency
already makes harmless, as after any crash.
"""

import asyncio
import logging
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from faststream import BaseMiddleware

log = logging.getLogger(__name__)

COMMIT_INTERVAL_S = 0.25


class OffsetCommits:
    """The next offset to commit of each partition each consumer handled, committed `interval_s` after the first;
    one commit at a time per consumer, so that a slow one is never overtaken by a later one."""

    def __init__(self, interval_s: float = COMMIT_INTERVAL_S) -> None:
        self.interval_s = interval_s
        self._pending: dict[AIOKafkaConsumer, dict[TopicPartition, int]] = {}
        self._committing: dict[AIOKafkaConsumer, asyncio.Task] = {}

    def handled(self, consumer: AIOKafkaConsumer, record: ConsumerRecord) -> None:
        self._pending.setdefault(consumer, {})[TopicPartition(record.topic, record.partition)] = record.offset + 1
        if consumer not in self._committing:
            self._committing[consumer] = asyncio.create_task(self._commit_while_pending(consumer))

    async def flush(self) -> None:
        """Commit now what every consumer handled (before the consumers stop)."""
        for task in list(self._committing.values()):
            task.cancel()
        await asyncio.gather(*(self._commit(consumer) for consumer in list(self._pending)))

    async def _commit_while_pending(self, consumer: AIOKafkaConsumer) -> None:
        try:
            while consumer in self._pending:
                await asyncio.sleep(self.interval_s)
                await self._commit(consumer)
        finally:
            self._committing.pop(consumer, None)

    async def _commit(self, consumer: AIOKafkaConsumer) -> None:
        offsets = self._pending.pop(consumer, {})
        assigned = consumer.assignment()
        offsets = {partition: offset for partition, offset in offsets.items() if partition in assigned}
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except KafkaError as error:  # a rebalance took the partitions: their next reader handles those again
            log.warning("offsets not committed, their messages will be read again: %r", error)


class _CommitLater:
    """What FastStream's acknowledgement calls `consumer`: its commit hands the message (each record of a batch, in
    the order read) to `OffsetCommits`; seeking back (a message whose handler failed, read again) is the consumer's
    own."""

    def __init__(
        self, commits: OffsetCommits, consumer: AIOKafkaConsumer, records: ConsumerRecord | tuple[ConsumerRecord, ...]
    ) -> None:
        self._commits, self._consumer = commits, consumer
        self._records = records if isinstance(records, tuple | list) else (records,)

    async def commit(self) -> None:
        for record in self._records:
            self._commits.handled(self._consumer, record)

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self._consumer.seek(partition, offset)


class CommitInBatches(BaseMiddleware):
    """Makes the acknowledgement of each message consumed a deferred commit (see the module)."""

    def __init__(self, msg: Any, /, *, context: Any, commits: OffsetCommits) -> None:
        super().__init__(msg, context=context)
        self.commits = commits

    async def consume_scope(self, call_next: Any, msg: Any) -> Any:
        if isinstance(getattr(msg, "consumer", None), AIOKafkaConsumer):
            msg.consumer = _CommitLater(self.commits, msg.consumer, msg.raw_message)
        return await call_next(msg)
