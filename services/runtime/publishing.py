"""Every publication of a service (outbox entries, dead letters) goes through `publish`, or `send` then
`acknowledged` to have several in flight at once.

aiokafka never recovers an idempotent producer that the broker rejected as out of sequence or fenced
(aio-libs/aiokafka#1017): every later publication fails, so every event would be retried then dead-lettered. The
process ends instead, and its supervisor (Kubernetes, compose's restart policy) starts it again with a new producer.
Nothing is lost: the outbox still holds what was not published and the event being handled was not committed, as
after a kill -9."""

import contextlib
import logging
import os
from collections.abc import Awaitable, Iterator
from typing import Any

from aiokafka.errors import InvalidProducerEpoch, OutOfOrderSequenceNumber, ProducerFenced
from faststream.kafka import KafkaBroker

log = logging.getLogger(__name__)

UNUSABLE_PRODUCER = (OutOfOrderSequenceNumber, ProducerFenced, InvalidProducerEpoch)
UNUSABLE_PRODUCER_EXIT_CODE = 75  # EX_TEMPFAIL


async def publish(broker: KafkaBroker, message: bytes, topic: str, **options: Any) -> None:
    await acknowledged(await send(broker, message, topic, **options), topic)


async def send(broker: KafkaBroker, message: bytes, topic: str, **options: Any) -> Awaitable[Any]:
    """Hand the message to the producer without waiting for Kafka's acknowledgement, which the result is (await it
    with `acknowledged`). The producer keeps the order of what is sent to a partition, acknowledged or not."""
    with _ending_if_unusable(topic):
        return await broker.publish(message, topic, no_confirm=True, **options)


async def acknowledged(acknowledgement: Awaitable[Any], topic: str) -> None:
    with _ending_if_unusable(topic):
        await acknowledgement


@contextlib.contextmanager
def _ending_if_unusable(topic: str) -> Iterator[None]:
    try:
        yield
    except UNUSABLE_PRODUCER as error:
        log.critical(
            "Kafka will not take this process's publications any more (%s); exiting to be restarted",
            type(error).__name__,
            extra={"topic": topic},
        )
        os._exit(UNUSABLE_PRODUCER_EXIT_CODE)
