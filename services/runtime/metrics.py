"""Prometheus metrics: what FastStream measures of every handler (received, processed, failed, duration), plus
dead letters, consumer lag, and what services add (SMS sent and failed, receipts rendered, claims past their decision
deadline)."""

import asyncio
import logging

from fastapi import APIRouter, Response
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Gauge, generate_latest

log = logging.getLogger(__name__)

DEAD_LETTERS = Counter("taawidaty_dead_letters_total", "Messages parked in a dead-letter topic", ["topic", "consumer"])
CONSUMER_LAG = Gauge(
    "taawidaty_consumer_lag", "Messages not yet consumed, per assigned partition", ["group", "topic", "partition"]
)
SMS = Counter("taawidaty_sms_total", "SMS handed to the gateway, by outcome", ["kind", "outcome"])
RECEIPTS_RENDERED = Counter("taawidaty_receipts_rendered_total", "Receipt PDFs rendered and stored")
CLAIMS_PAST_DECISION_DEADLINE = Gauge(
    "taawidaty_claims_past_decision_deadline",
    "Claims not yet decided whose one-week decision deadline has passed (time returned to the claimant not counted)",
    ["status"],
)


def metrics_router() -> APIRouter:
    router = APIRouter(tags=["metrics"])

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return router


async def measure_lag_forever(broker: KafkaBroker, interval_s: float = 10.0) -> None:
    """Lag of each assigned partition: its high watermark minus this consumer's position. A partition this process
    no longer holds (a rebalance gave it to another instance) leaves the gauge: its last value would stay for ever."""
    reported: set[tuple[str, str, str]] = set()
    while True:
        await asyncio.sleep(interval_s)
        measured = set()
        for subscriber in broker.subscribers:
            consumer = getattr(subscriber, "consumer", None)
            group = getattr(consumer, "_group_id", None) if consumer else None
            if consumer is None or group is None:
                continue
            for partition in consumer.assignment():
                labels = (group, partition.topic, str(partition.partition))
                try:
                    highwater = consumer.highwater(partition)
                    position = await consumer.position(partition)
                except Exception:  # a rebalance under way: measure next time, the last value kept meanwhile
                    measured |= {labels} & reported
                    continue
                if highwater is not None:
                    CONSUMER_LAG.labels(*labels).set(highwater - position)
                    measured.add(labels)
        for labels in reported - measured:
            CONSUMER_LAG.remove(*labels)
        reported = measured
