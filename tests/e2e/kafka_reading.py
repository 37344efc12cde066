"""Reading a topic back, to count what was really published."""

from aiokafka import AIOKafkaConsumer


async def events_of(servers, topic: str, claim_id: str) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=servers["KAFKA_BOOTSTRAP_SERVERS"], auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        found: list[bytes] = []
        while batch := await consumer.getmany(timeout_ms=3000):
            found += [r.value for records in batch.values() for r in records if r.key == claim_id.encode()]
        return found
    finally:
        await consumer.stop()
