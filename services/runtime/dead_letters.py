"""Retry a failing handler with backoff, then park the message in `<topic>.dlq` with the reason. A batch handler
(services/runtime/kafka.py) names the records of its batch that can never succeed (`PermanentErrors`): those alone
are parked, the others were handled."""

import asyncio
import base64
import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from faststream import BaseMiddleware
from pydantic import ValidationError

from contracts.dead_letters import DeadLetter
from services.runtime.metrics import DEAD_LETTERS
from services.runtime.publishing import publish

log = logging.getLogger(__name__)


class PermanentError(Exception):
    """The message can never succeed as it is: dead-letter it at once, no retry."""


class PermanentErrors(Exception):
    """A batch handler handled its batch but these records (by position in the batch), which can never succeed:
    dead-letter each at once with its own reason."""

    def __init__(self, errors: dict[int, BaseException]) -> None:
        super().__init__(f"{len(errors)} records of the batch")
        self.errors = errors


_PERMANENT = (PermanentError, ValidationError, json.JSONDecodeError, UnicodeDecodeError, RecursionError)
# Above this, the original is cut in the dead letter: its base64 must fit in a Kafka message (1 MB by default).
MAX_ORIGINAL_BYTES = 512 * 1024


def describe(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        fields = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(body)'}: {e['msg']}" for e in error.errors()[:10])
        return f"invalid event: {fields}"
    return f"{type(error).__name__}: {error}"[:2000]


class DeadLetterMiddleware(BaseMiddleware):
    def __init__(
        self, msg: Any, /, *, context: Any, broker: Any, consumer: str, retry_delays_s: tuple[float, ...]
    ) -> None:
        super().__init__(msg, context=context)
        self.broker = broker
        self.consumer = consumer
        self.retry_delays_s = retry_delays_s

    async def consume_scope(self, call_next: Any, msg: Any) -> Any:
        records = msg.raw_message if isinstance(msg.raw_message, tuple | list) else (msg.raw_message,)
        attempts = 0
        while True:
            attempts += 1
            try:
                return await call_next(msg)
            except PermanentErrors as failed:
                for index, error in failed.errors.items():
                    await self._dead_letter(records[index], error, attempts)
                return None
            except _PERMANENT as error:
                return await self._dead_letters(records, error, attempts)
            except Exception as error:
                if attempts > len(self.retry_delays_s):
                    return await self._dead_letters(records, error, attempts)
                delay = self.retry_delays_s[attempts - 1]
                log.warning(
                    "handler failed (attempt %d), retrying in %.1fs: %s",
                    attempts,
                    delay,
                    describe(error),
                    extra={"topic": records[0].topic},
                )
                await asyncio.sleep(delay)

    async def _dead_letters(self, records: tuple[Any, ...], error: BaseException, attempts: int) -> None:
        for record in records:
            await self._dead_letter(record, error, attempts)

    async def _dead_letter(self, record: Any, error: BaseException, attempts: int) -> None:
        letter = DeadLetter(
            source_topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            consumer=self.consumer,
            reason=describe(error),
            failed_at=datetime.now(UTC),
            attempts=attempts,
            original_value_b64=base64.b64encode((record.value or b"")[:MAX_ORIGINAL_BYTES]).decode(),
            original_size=len(record.value or b""),
            original_sha256=hashlib.sha256(record.value or b"").hexdigest(),
            original_headers={k: v.decode(errors="replace") for k, v in (record.headers or ())},
        )
        await publish(
            self.broker,
            letter.model_dump_json().encode(),
            f"{record.topic}.dlq",
            key=record.key,
            headers={"dead-letter-reason": letter.reason[:200]},
        )
        DEAD_LETTERS.labels(record.topic, self.consumer).inc()
        log.error(
            "dead-lettered %s[%d]@%d after %d attempt(s): %s",
            record.topic,
            record.partition,
            record.offset,
            attempts,
            letter.reason,
            extra={"topic": record.topic},
        )
