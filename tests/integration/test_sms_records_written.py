"""A delivery report moves the SMS record from what this process last wrote of it, without reading it first, and
what another instance wrote since still wins."""

import asyncio
import uuid

import pytest
from pymongo import AsyncMongoClient, monitoring

from services.notifications.domain import Move, Sms, sms_for
from services.notifications.repository import NotificationsRepository
from services.notifications.use_cases import SmsSender
from tests.unit.notifications.fakes import FakeGateway, MemoryOptOuts
from tests.unit.notifications.test_choice_of_sms import issued
from tests.unit.runtime.fakes import CapturedRelay

pytestmark = pytest.mark.integration


class Commands(monitoring.CommandListener):
    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.names.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


@pytest.fixture
async def two_instances(servers, run_id):
    """Two repositories on one collection, as two instances of the service; the commands of the first."""
    commands = Commands()
    first: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"], tz_aware=True, event_listeners=[commands])
    second: AsyncMongoClient = AsyncMongoClient(servers["MONGODB_URL"], tz_aware=True)
    name = f"notifications_{uuid.uuid4().hex[:8]}"
    try:
        yield (
            NotificationsRepository(first[f"{run_id}_sms_written"][name]),
            NotificationsRepository(second[f"{run_id}_sms_written"][name]),
            commands,
        )
    finally:
        await first.close()
        await second.close()


def sms() -> Sms:
    return Sms(f"{uuid.uuid4()}:inspection", "c", "k", "inspection", "+212661000000", "Votre demande est reçue")


async def test_the_reports_of_an_sms_this_process_sent_read_nothing(two_instances):
    records, _, commands = two_instances
    message = sms()
    await records.claim_for_sending(message)
    commands.names.clear()
    moved = [await records.advance(message.notification_id, status) for status in ("queued", "sent", "delivered")]
    assert moved == [True, True, True]
    assert "find" not in commands.names
    assert commands.names.count("findAndModify") == 3
    assert not await records.advance(message.notification_id, "sent")  # a late report: refused without a read
    assert commands.names == ["findAndModify", "delete", "findAndModify", "findAndModify"]


async def test_the_answer_and_reports_of_one_sms_coming_at_once_move_it_one_after_the_other(two_instances):
    records, _, commands = two_instances
    message = sms()
    await records.claim_for_sending(message)
    commands.names.clear()
    reports = ("queued", "sent", "delivered", "sent", "queued")
    moved = await asyncio.gather(*(records.advance(message.notification_id, status) for status in reports))
    assert moved == [True, True, True, False, False]
    assert commands.names == ["findAndModify", "delete", "findAndModify", "findAndModify"]
    assert not records._moving


async def test_what_another_instance_wrote_since_wins_over_what_this_one_remembers(two_instances):
    records, other, _ = two_instances
    delivered, retried = sms(), sms()
    for message in (delivered, retried):
        await records.claim_for_sending(message)
    assert await other.advance(delivered.notification_id, "delivered")
    assert not await records.advance(delivered.notification_id, "queued")
    assert not await records.advance(delivered.notification_id, "sent")
    await other.mark_retry(retried.notification_id, "gateway unreachable")
    assert not await records.advance(retried.notification_id, "queued")
    assert await records.advance(retried.notification_id, "failed", "invalid number")
    found = await records.collection.find_one({"_id": retried.notification_id})
    assert (found["status"], list(found["history"])) == ("failed", ["failed"])


async def test_the_gateways_answers_to_sms_claimed_together_are_one_write_and_skip_what_a_report_moved(two_instances):
    records, _, commands = two_instances
    messages = [sms() for _ in range(4)]
    commands.names.clear()
    assert await records.claim_all_for_sending(messages) == messages
    assert commands.names == ["insert", "insert"]
    assert await records.advance(messages[0].notification_id, "sent")  # its report came before the answer
    commands.names.clear()
    await records.advance_all([Move(message.notification_id, "queued") for message in messages])
    assert commands.names == ["update", "delete"]
    statuses = {found["_id"]: found["status"] async for found in records.collection.find({})}
    assert [statuses[message.notification_id] for message in messages] == ["sent", "queued", "queued", "queued"]


async def test_answers_given_together_after_another_instance_moved_one_are_made_one_by_one(two_instances):
    records, other, _ = two_instances
    moved_elsewhere, answered = sms(), sms()
    await records.claim_all_for_sending([moved_elsewhere, answered])
    assert await other.advance(moved_elsewhere.notification_id, "delivered")
    await records.advance_all([Move(m.notification_id, "queued") for m in (moved_elsewhere, answered)])
    relay = CapturedRelay(records.collection)
    await relay.publish_pending(moved_elsewhere.notification_id, answered.notification_id)
    assert [(sent["notification_id"], sent["status"]) for _, sent in relay.published] == [
        (moved_elsewhere.notification_id, "delivered"),
        (answered.notification_id, "queued"),
    ]


class ReportFirst(FakeGateway):
    """Kannel's delivery report of the first SMS comes in before the gateway's answer to its send."""

    def __init__(self) -> None:
        super().__init__()
        self.sender: SmsSender | None = None

    async def send(self, to: str, text: str, delivery_report_url: str) -> None:
        await super().send(to, text, delivery_report_url)
        if len(self.sent) == 1:
            notification_id = delivery_report_url.split("id=")[1].split("&")[0]
            await self.sender.record_report(notification_id, "delivered", "delivery report type 1")


async def test_an_sms_whose_report_overtook_the_gateways_answer_is_not_read_nor_published_again(two_instances):
    records, _, commands = two_instances
    relay = CapturedRelay(records.collection)
    announcing = NotificationsRepository(records.collection, relay.relay.written)
    gateway = ReportFirst()
    gateway.sender = SmsSender(gateway, announcing, relay, MemoryOptOuts(), "http://n/reports", "https://p", 4)
    events = [issued(selected=True) for _ in range(3)]
    commands.names.clear()
    await gateway.sender.send_for(*events)
    assert "find" not in commands.names
    first, *others = [sms_for(event, 4).notification_id for event in events]
    assert [(sent["notification_id"], sent["status"]) for _, sent in relay.published] == [
        (first, "delivered"),
        *((other, "queued") for other in others),
    ]


async def test_the_reports_of_sms_this_process_sent_are_one_write_while_earlier_events_are_still_in_the_outbox(
    two_instances,
):
    records, _, commands = two_instances
    relay = CapturedRelay(records.collection)
    announcing = NotificationsRepository(records.collection, relay.relay.written, relay.relay.added)
    messages = [sms() for _ in range(3)]
    await announcing.claim_all_for_sending(messages)
    await announcing.advance_all([Move(message.notification_id, "queued") for message in messages])
    await relay.publish_pending(*(message.notification_id for message in messages))  # not yet removed from them
    commands.names.clear()
    for status in ("sent", "delivered"):
        assert await announcing.advance_all([Move(message.notification_id, status) for message in messages]) == set()
        await relay.publish_pending(*(message.notification_id for message in messages))
    assert commands.names == ["update", "update"]
    assert [(sent["notification_id"], sent["status"]) for _, sent in relay.published] == [
        (message.notification_id, status) for status in ("queued", "sent", "delivered") for message in messages
    ]
