"""Operators' view of the dead letters: list them, and replay chosen ones to their topic once the cause is fixed.

    python -m services.dead_letters list [--topic claims.submitted.v1] [--limit 100]
    python -m services.dead_letters replay claims.submitted.v1.dlq:0:42 [claims.submitted.v1.dlq:1:7 ...]

Every consumer of the source topic gets the replayed message again; they are idempotent, so those that had
handled it change nothing.
"""

import argparse
import asyncio
import base64
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from contracts import DeadLetter, Topic
from services.runtime.settings import InfraSettings


async def partitions_of(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        described = await admin.describe_topics([t for t in topics if t in existing]) if existing else []
    finally:
        await admin.close()
    return [TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"]]


async def read_letters(bootstrap: str, topics: list[str], limit: int):
    partitions = await partitions_of(bootstrap, topics)
    if not partitions:
        return
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        read = 0
        while remaining and read < limit:
            for tp, records in (await consumer.getmany(timeout_ms=2000)).items():
                for record in records:
                    if read >= limit:
                        return
                    read += 1
                    yield record, DeadLetter.model_validate_json(record.value)
                    if record.offset + 1 >= ends[tp]:
                        remaining.discard(tp)
    finally:
        await consumer.stop()


async def list_letters(bootstrap: str, topic: str | None, limit: int) -> int:
    topics = [f"{topic}.dlq"] if topic else [t.dead_letters for t in Topic]
    async for record, letter in read_letters(bootstrap, topics, limit):
        print(
            f"{record.topic}:{record.partition}:{record.offset}  from {letter.source_topic}[{letter.partition}]"
            f"@{letter.offset}  consumer={letter.consumer}  attempts={letter.attempts}  "
            f"at={letter.failed_at:%Y-%m-%d %H:%M:%S}  {letter.reason}"
        )
    return 0


async def replay(bootstrap: str, references: list[str]) -> int:
    wanted = {
        (topic, int(partition), int(offset))
        for topic, partition, offset in (reference.rsplit(":", 2) for reference in references)
    }
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    replayed = 0
    try:
        async for record, letter in read_letters(bootstrap, sorted({t for t, _, _ in wanted}), 10**9):
            if (record.topic, record.partition, record.offset) in wanted:
                original = base64.b64decode(letter.original_value_b64)
                if letter.original_size > len(original):
                    print(
                        f"{record.topic}:{record.partition}:{record.offset} was cut ({letter.original_size} bytes):"
                        " it cannot be replayed",
                        file=sys.stderr,
                    )
                    continue
                headers = [(k, v.encode()) for k, v in letter.original_headers.items()]
                await producer.send_and_wait(letter.source_topic, original, key=record.key, headers=headers)
                replayed += 1
                print(f"replayed {record.topic}:{record.partition}:{record.offset} to {letter.source_topic}")
    finally:
        await producer.stop()
    missing = len(wanted) - replayed
    if missing:
        print(f"{missing} dead letter(s) not found", file=sys.stderr)
    return 1 if missing else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.dead_letters", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list dead letters, oldest first")
    listing.add_argument("--topic", help="source topic (default: every topic)")
    listing.add_argument("--limit", type=int, default=1000)
    replaying = commands.add_parser("replay", help="publish dead letters again to their source topic")
    replaying.add_argument("references", nargs="+", help="DLQ_TOPIC:PARTITION:OFFSET as `list` prints them")
    arguments = parser.parse_args(argv)
    bootstrap = InfraSettings().kafka_bootstrap_servers
    if arguments.command == "list":
        return asyncio.run(list_letters(bootstrap, arguments.topic, arguments.limit))
    return asyncio.run(replay(bootstrap, arguments.references))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
