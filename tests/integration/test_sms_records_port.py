"""The notifications service's `SmsRecords` port, the same suite on the in-memory fake and on the real server."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from contracts import Topic
from services.notifications.domain import Move, Sms
from services.notifications.repository import NotificationsRepository, OptOuts
from tests.integration.port_suites import FAKE_AND_SERVER, port_and_outbox, server_collection
from tests.unit.notifications.fakes import MemoryOptOuts, MemorySmsRecords


def sms() -> Sms:
    return Sms(f"{uuid.uuid4()}:acceptance", "c", "k", "acceptance", "+212661000000", "Votre demande est acceptée")


def later() -> datetime:
    return datetime.now(UTC) + timedelta(minutes=5)


@pytest.fixture(params=FAKE_AND_SERVER)
async def port(request, run_id):
    async with port_and_outbox(request, run_id, MemorySmsRecords, NotificationsRepository) as port_and_its_outbox:
        yield port_and_its_outbox


async def test_an_sms_is_claimed_for_sending_once_and_again_only_after_a_transient_failure(port):
    records, _ = port
    message = sms()
    assert await records.claim_for_sending(message)
    assert not await records.claim_for_sending(message)
    await records.mark_retry(message.notification_id, "gateway unreachable")
    assert await records.claim_for_sending(message)
    assert not await records.claim_for_sending(message)


async def test_sms_claimed_together_are_those_new_or_to_retry_each_once(port):
    records, _ = port
    sending, to_retry, fresh, other_fresh = sms(), sms(), sms(), sms()
    assert await records.claim_all_for_sending([sending, to_retry]) == [sending, to_retry]
    await records.mark_retry(to_retry.notification_id, "gateway unreachable")
    claimed = await records.claim_all_for_sending([sending, fresh, to_retry, fresh, other_fresh])
    assert sorted(s.notification_id for s in claimed) == sorted(
        s.notification_id for s in (fresh, to_retry, other_fresh)
    )
    assert await records.claim_all_for_sending([sending, to_retry, fresh, other_fresh]) == []
    assert await records.advance(fresh.notification_id, "queued")  # recorded as any claimed alone


async def test_delivery_reports_move_an_sms_only_forward_and_each_move_queues_one_status_event(port):
    records, outbox = port
    message = sms()
    await records.claim_for_sending(message)
    moves = [await records.advance(message.notification_id, s) for s in ("queued", "queued", "sent", "queued")]
    moves += [await records.advance(message.notification_id, "delivered"), await records.advance("nobody", "sent")]
    assert moves == [True, False, True, False, True, False]
    assert not await records.advance(message.notification_id, "failed", "too late")
    await outbox.publish_pending(message.notification_id)
    assert [(topic, sent["notification_id"], sent["status"], sent["kind"]) for topic, sent in outbox.published] == [
        (Topic.NOTIFICATION_STATUS, message.notification_id, status, "acceptance")
        for status in ("queued", "sent", "delivered")
    ]


async def test_the_sender_moves_the_sms_it_sends_unless_a_report_overtook_it(port):
    records, outbox = port
    taken, overtaken = sms(), sms()
    for message in (taken, overtaken):
        await records.claim_for_sending(message)
    assert await records.advance(taken.notification_id, "queued")
    assert await records.advance(overtaken.notification_id, "delivered")  # before the gateway's answer
    assert not await records.advance(overtaken.notification_id, "queued")
    for message in (taken, overtaken):
        await outbox.publish_pending(message.notification_id)
    assert [(sent["notification_id"], sent["status"]) for _, sent in outbox.published] == [
        (taken.notification_id, "queued"),
        (overtaken.notification_id, "delivered"),
    ]


async def test_the_gateways_answers_to_sms_claimed_together_move_each_once(port):
    records, outbox = port
    taken, refused = sms(), sms()
    invitation = Sms(f"invitation:{uuid.uuid4()}", None, "k", "invitation", "+212661000000", "CNSS: ...")
    await records.claim_all_for_sending([taken, refused, invitation])
    answers = [Move(taken.notification_id, "queued"), Move(refused.notification_id, "failed", "invalid number")]
    assert await records.advance_all([*answers, Move(invitation.notification_id, "queued")]) == set()
    assert await records.advance_all(answers) == {taken.notification_id, refused.notification_id}
    assert not await records.advance(refused.notification_id, "delivered")
    assert await records.advance(taken.notification_id, "sent")
    await outbox.publish_pending(taken.notification_id, refused.notification_id, invitation.notification_id)
    assert [(sent["notification_id"], sent["status"], sent["detail"]) for _, sent in outbox.published] == [
        (taken.notification_id, "queued", ""),
        (taken.notification_id, "sent", ""),
        (refused.notification_id, "failed", "invalid number"),
    ]
    assert await records.reclaim_unsent(later()) == []


async def test_answers_given_together_leave_alone_an_sms_a_report_moved_first(port):
    records, outbox = port
    taken, overtaken = sms(), sms()
    await records.claim_all_for_sending([taken, overtaken])
    assert await records.advance(overtaken.notification_id, "delivered")  # before the gateway's answer
    answers = [Move(overtaken.notification_id, "queued"), Move(taken.notification_id, "queued")]
    assert await records.advance_all(answers) == {overtaken.notification_id}
    await outbox.publish_pending(overtaken.notification_id, taken.notification_id)
    assert [(sent["notification_id"], sent["status"]) for _, sent in outbox.published] == [
        (overtaken.notification_id, "delivered"),
        (taken.notification_id, "queued"),
    ]


async def test_a_failure_is_final_and_a_retry_is_not_moved_back_by_a_late_report(port):
    records, outbox = port
    failed, retried = sms(), sms()
    for message in (failed, retried):
        await records.claim_for_sending(message)
    assert await records.advance(failed.notification_id, "failed", "invalid number")
    assert not await records.advance(failed.notification_id, "delivered")
    await records.mark_retry(failed.notification_id, "too late: it failed")
    assert not await records.claim_for_sending(failed)
    await records.mark_retry(retried.notification_id, "gateway unreachable")
    assert not await records.advance(retried.notification_id, "queued")
    await outbox.publish_pending(failed.notification_id)
    assert [(sent["status"], sent["detail"]) for _, sent in outbox.published] == [("failed", "invalid number")]


async def test_only_sms_the_gateway_never_took_are_reclaimed_and_one_left_sending_only_once(port):
    records, _ = port
    left_sending, retried, taken = sms(), sms(), sms()
    for message in (left_sending, retried, taken):
        await records.claim_for_sending(message)
    await records.mark_retry(retried.notification_id, "gateway unreachable")
    await records.advance(taken.notification_id, "queued")
    assert await records.reclaim_unsent(datetime.now(UTC) - timedelta(minutes=5)) == []
    first = await records.reclaim_unsent(later())
    assert sorted(m.notification_id for m in first) == sorted(m.notification_id for m in (left_sending, retried))
    assert {m.text for m in first} == {"Votre demande est acceptée"}
    assert await records.reclaim_unsent(later()) == []
    await records.mark_retry(left_sending.notification_id, "gateway unreachable")
    assert await records.reclaim_unsent(later()) == [left_sending]


async def test_an_invitation_moves_forward_without_queuing_any_claim_status(port):
    records, outbox = port
    invitation = Sms(f"invitation:{uuid.uuid4()}", None, "k", "invitation", "+212661000000", "CNSS: ...")
    assert await records.claim_for_sending(invitation)
    assert await records.advance(invitation.notification_id, "queued")
    assert await records.advance(invitation.notification_id, "delivered")
    await outbox.publish_pending(invitation.notification_id)
    assert outbox.published == []


@pytest.fixture(params=FAKE_AND_SERVER)
async def opt_outs(request, run_id):
    if request.param == "fake":
        yield MemoryOptOuts()
        return
    async with server_collection(request, run_id, "opt_outs") as collection:
        yield OptOuts(collection)


async def test_an_opt_out_is_found_by_any_of_its_keys_and_the_first_one_stays(opt_outs):
    assert not await opt_outs.any_of(["phone:+212661000000", "insured:123456789"])
    await opt_outs.add("insured:123456789", "agent", "900000001")
    await opt_outs.add("insured:123456789", "sms")
    assert await opt_outs.any_of(["phone:+212661000000", "insured:123456789"])
    assert not await opt_outs.any_of(["phone:+212661000000"])
