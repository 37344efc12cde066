"""In-memory fakes of the notifications service's ports; tests/integration/test_sms_records_port.py runs the same
suite against them and the real server."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from contracts import Topic
from contracts.notifications import NotificationStatus
from services.notifications.adapters.gateway import PermanentGatewayError, TransientGatewayError
from services.notifications.domain import Move, Sms, status_event
from tests.unit.runtime.fakes import MemoryOutbox

_EARLIER: dict[str, tuple[str, ...]] = {  # as the repository's: a report moves a record only forward
    "queued": ("sending",),
    "sent": ("sending", "queued"),
    "delivered": ("sending", "queued", "sent"),
    "failed": ("sending", "queued", "sent", "retry"),
}


@dataclass
class _Record:
    sms: Sms
    status: str = "sending"
    attempts: int = 1
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    reclaimed: bool = False


class MemorySmsRecords:
    """`SmsRecords`, status events queued in `outbox`."""

    def __init__(self, outbox: MemoryOutbox | None = None) -> None:
        self.records: dict[str, _Record] = {}
        self.outbox = outbox or MemoryOutbox()

    async def claim_for_sending(self, sms: Sms) -> bool:
        record = self.records.get(sms.notification_id)
        if record is None:
            self.records[sms.notification_id] = _Record(sms)
            return True
        if record.status != "retry":
            return False
        record.status, record.attempts, record.updated_at = "sending", record.attempts + 1, datetime.now(UTC)
        return True

    async def claim_all_for_sending(self, messages: Sequence[Sms]) -> list[Sms]:
        return [sms for sms in messages if await self.claim_for_sending(sms)]

    async def reclaim_unsent(self, older_than: datetime) -> list[Sms]:
        reclaimed = []
        for record in self.records.values():
            unsent = record.status == "retry" or (record.status == "sending" and not record.reclaimed)
            if unsent and record.updated_at < older_than:
                record.status, record.attempts, record.reclaimed = "sending", record.attempts + 1, True
                record.updated_at = datetime.now(UTC)
                reclaimed.append(record.sms)
        return reclaimed

    async def mark_retry(self, notification_id: str, reason: str) -> None:
        record = self.records.get(notification_id)
        if record and record.status == "sending":
            record.status, record.updated_at = "retry", datetime.now(UTC)

    async def advance(self, notification_id: str, status: NotificationStatus, detail: str = "") -> bool:
        record = self.records.get(notification_id)
        if record is None or record.status not in _EARLIER[status]:
            return False
        record.status, record.updated_at = status, datetime.now(UTC)
        if record.sms.claim_id is not None:
            self.outbox.add(notification_id, (Topic.NOTIFICATION_STATUS, status_event(record.sms, status, detail)))
        return True

    async def advance_all(self, moves: Sequence[Move]) -> set[str]:
        left = set()
        for move in moves:
            if not await self.advance(move.notification_id, move.status, move.detail):
                left.add(move.notification_id)
        return left


class MemoryOptOuts:
    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, str | None]] = {}

    async def add(self, key: str, source: str, agent_id: str | None = None) -> None:
        self.keys.setdefault(key, (source, agent_id))

    async def any_of(self, keys: list[str]) -> bool:
        return any(key in self.keys for key in keys)


class FakeGateway:
    """`SmsGateway`: keeps what it is given; `failure` makes the next sends fail, `failing_for` those of one
    notification (transiently)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.failure: TransientGatewayError | PermanentGatewayError | None = None
        self.failing_for: str | None = None

    async def send(self, to: str, text: str, delivery_report_url: str) -> None:
        if self.failure:
            raise self.failure
        if self.failing_for and f"id={self.failing_for}&" in delivery_report_url:
            raise TransientGatewayError("gateway busy")
        self.sent.append((to, text, delivery_report_url))
