"""Delivery reports written together: those that come while a write is under way go in the next one, one report an
SMS a write, and each request returns once its report is written and published (in-memory ports)."""

import asyncio

from services.notifications.domain import Move, Sms
from services.notifications.use_cases import DeliveryReports
from tests.unit.notifications.fakes import MemorySmsRecords
from tests.unit.runtime.fakes import MemoryOutbox


class HeldWrites(MemorySmsRecords):
    """Each write waits until `go` is set, and the moves of each are kept."""

    def __init__(self) -> None:
        super().__init__(MemoryOutbox())
        self.writes: list[list[tuple[str, str]]] = []
        self.go = asyncio.Event()
        self.failure: Exception | None = None

    async def advance_all(self, moves):
        self.writes.append([(move.notification_id, move.status) for move in moves])
        await self.go.wait()
        if self.failure:
            raise self.failure
        return await super().advance_all(moves)


async def sent_sms(records: HeldWrites, *names: str) -> None:
    for name in names:
        await records.claim_for_sending(Sms(name, "c", "k", "inspection", "+212661000000", "CNSS"))
        await records.advance(name, "queued")
    await records.outbox.publish_pending(*names)
    records.outbox.published.clear()


async def test_reports_that_come_during_a_write_go_together_in_the_next_one_each_sms_once_a_write():
    records = HeldWrites()
    await sent_sms(records, "a", "b", "c")
    reports = DeliveryReports(records, records.outbox)
    first = asyncio.create_task(reports.record(Move("a", "sent")))
    await asyncio.sleep(0)
    meanwhile = [
        asyncio.create_task(reports.record(Move(name, status)))
        for name, status in (("b", "sent"), ("a", "delivered"), ("c", "sent"), ("b", "delivered"))
    ]
    await asyncio.sleep(0)
    assert not first.done()
    records.go.set()
    await asyncio.gather(first, *meanwhile)
    assert records.writes == [
        [("a", "sent")],
        [("b", "sent"), ("a", "delivered"), ("c", "sent")],
        [("b", "delivered")],
    ]
    assert [(sent["notification_id"], sent["status"]) for _, sent in records.outbox.published] == [
        ("a", "sent"),
        ("b", "sent"),
        ("a", "delivered"),
        ("c", "sent"),
        ("b", "delivered"),
    ]


async def test_a_failed_write_fails_each_of_its_reports_and_the_next_report_is_written():
    records = HeldWrites()
    await sent_sms(records, "a", "b")
    reports = DeliveryReports(records, records.outbox)
    records.failure = ConnectionError("server unreachable")
    together = [asyncio.create_task(reports.record(Move(name, "sent"))) for name in ("a", "b")]
    records.go.set()
    outcomes = await asyncio.gather(*together, return_exceptions=True)
    assert [type(outcome) for outcome in outcomes] == [ConnectionError, ConnectionError]
    records.failure = None
    await reports.record(Move("a", "sent"))
    assert records.outbox.published[-1][1]["status"] == "sent"
    assert records.records["b"].status == "queued"  # its report failed: Kannel is answered so
