"""The notifications service's use cases: send the SMS an event calls for, once (recorded before it goes out); send
again those a crash left unsent; follow the delivery reports; send the invitations and reminders a campaign asks
for, unless their addressee opted out. The SMS record of a claim is also the outbox of its status events, which each
use case publishes once its change is recorded (the sweep of unsent SMS has no handler to do it). They depend on the
ports below and the gateway's (`adapters.gateway.SmsGateway`), not on the servers."""

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from contracts import InvitationDue
from contracts.notifications import NotificationStatus
from services.notifications.adapters.gateway import PermanentGatewayError, SmsGateway, TransientGatewayError
from services.notifications.domain import Move, Sms, SmsEvent, invitation_sms, opt_out_keys, sms_for
from services.runtime.faults import crash_if_asked
from services.runtime.metrics import SMS
from services.runtime.once import PendingEvents

log = logging.getLogger(__name__)

SENDS_AT_ONCE = 32  # SMS a batch hands the gateway at once, each waiting for its answer


class SmsRecords(Protocol):
    """One record per SMS, keyed by the triggering event and kind, written before the SMS is sent; it carries the
    status events to publish."""

    async def claim_for_sending(self, sms: Sms) -> bool:
        """True when this caller may send: a new SMS, or one whose last try failed transiently."""

    async def claim_all_for_sending(self, messages: Sequence[Sms]) -> list[Sms]:
        """Those of `messages` this caller may send, as `claim_for_sending` tells, the new ones recorded together."""

    async def reclaim_unsent(self, older_than: datetime) -> list[Sms]:
        """Claim again those untouched since `older_than` the gateway never took (in "retry", or left "sending")."""

    async def mark_retry(self, notification_id: str, reason: str) -> None: ...

    async def advance(self, notification_id: str, status: NotificationStatus, detail: str = "") -> bool:
        """Move to `status` if that is forward, queuing the status event; False if unknown or not forward."""

    async def advance_all(self, moves: Sequence[Move]) -> set[str]:
        """`advance` of each SMS named, to its own status; those this process had taken further already (their events
        went out then)."""


class OptOuts(Protocol):
    """Who asked not to be invited any more, by `domain.opt_out_keys`."""

    async def add(self, key: str, source: str, agent_id: str | None = None) -> None: ...

    async def any_of(self, keys: list[str]) -> bool: ...


Report = tuple[Move, asyncio.Future[None]]  # a delivery report's move, and its request waiting for the write


class DeliveryReports:
    """Delivery reports written together: Kannel sends each on its own request, hundreds a second when SMS go out in
    numbers. A report waits for the write under way, if any, then goes in the next one with every other report that
    came meanwhile (at most one an SMS: the others of that SMS in the one after), and its request is answered once its
    move is written and published."""

    def __init__(self, records: SmsRecords, relay: PendingEvents) -> None:
        self.records, self.relay = records, relay
        self._waiting: list[Report] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, move: Move) -> None:
        written = asyncio.get_running_loop().create_future()
        self._waiting.append((move, written))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_waiting())
        await written

    async def _write_waiting(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = _one_an_sms(self._waiting)
                try:
                    left = await self.records.advance_all([move for move, _ in batch])
                    await self.relay.publish_pending(
                        *(m.notification_id for m, _ in batch if m.notification_id not in left)
                    )
                except Exception as error:
                    _settle(batch, error)
                else:
                    _settle(batch, None)
        finally:
            self._writer = None


def _one_an_sms(waiting: list[Report]) -> tuple[list[Report], list[Report]]:
    """The first report of each SMS, and the later ones (in their order)."""
    first, later, seen = [], [], set()
    for report in waiting:
        (later if report[0].notification_id in seen else first).append(report)
        seen.add(report[0].notification_id)
    return first, later


def _settle(batch: list[Report], error: Exception | None) -> None:
    for _, written in batch:
        if written.done():  # its request has gone
            continue
        if error:
            written.set_exception(error)
        else:
            written.set_result(None)


class SmsSender:
    def __init__(
        self,
        gateway: SmsGateway,
        records: SmsRecords,
        relay: PendingEvents,
        opt_outs: OptOuts,
        delivery_report_url: str,
        portal_url: str,
        max_parts: int,
    ) -> None:
        self.gateway, self.records, self.relay, self.opt_outs = gateway, records, relay, opt_outs
        self.delivery_report_url, self.portal_url, self.max_parts = delivery_report_url, portal_url, max_parts
        self.reports = DeliveryReports(records, relay)

    async def send_for(self, *events: SmsEvent) -> None:
        """Send the SMS each event calls for, if any, unless it was already sent or is being sent: recorded together,
        handed to the gateway at once, their status events published together. A transient gateway error is raised
        once the others were sent (the events come again; what was sent is not sent again)."""
        messages = [sms for event in events if (sms := sms_for(event, self.max_parts))]
        if not messages:
            return
        sendable = await self.records.claim_all_for_sending(messages)
        if sendable:
            crash_if_asked("BEFORE_SMS")  # between the records and the gateway
        errors, overtaken = await self._send_all(sendable)
        await self._publish(messages, overtaken)
        if errors:
            raise errors[0]

    async def invite(self, invitation: InvitationDue) -> None:
        """Send an invitation once, unless its addressee opted out (a STOP reply, an agent's action)."""
        if await self.opt_outs.any_of(opt_out_keys(invitation.phone, invitation.registration_number)):
            SMS.labels("invitation", "opted_out").inc()
            return
        sms = invitation_sms(invitation, self.portal_url, self.max_parts)
        if await self.records.claim_for_sending(sms):
            errors, _ = await self._send_all([sms])
            if errors:
                raise errors[0]

    async def stop_invitations(self, key: str, source: str, agent_id: str | None = None) -> None:
        await self.opt_outs.add(key, source, agent_id)
        log.info("invitations stopped", extra={"source": source, "agent_id": agent_id})

    async def resend_unsent(self, unconfirmed_after_s: float) -> None:
        """SMS the gateway never took: those left in "retry", and those a crash left in "sending" (no answer and
        no delivery report after `unconfirmed_after_s`: the gateway never got them), which get one more try."""
        reclaimed = await self.records.reclaim_unsent(datetime.now(UTC) - timedelta(seconds=unconfirmed_after_s))
        for sms in reclaimed:
            log.warning("sending again an SMS the gateway never took", extra={"claim_id": sms.claim_id})
        errors, overtaken = await self._send_all(reclaimed)
        await self._publish(reclaimed, overtaken)
        if others := [error for error in errors if not isinstance(error, TransientGatewayError)]:
            raise others[0]  # the transient ones are left in "retry", for the next round

    async def record_report(self, notification_id: str, status: NotificationStatus, detail: str) -> None:
        """A delivery report moves the SMS forward, never back (reports race each other); the change is published.
        Returns once both are done, with the reports that came meanwhile (`DeliveryReports`)."""
        await self.reports.record(Move(notification_id, status, detail))

    async def _send_all(self, messages: Sequence[Sms]) -> tuple[list[BaseException], set[str]]:
        """Hand the messages to the gateway at once (at most `SENDS_AT_ONCE` waiting for its answer), then record
        together where each went: taken ("queued") or refused for good ("failed"); one it could not take now is left
        to retry. The errors of those not handed over, and the SMS a delivery report took further already (its
        event went out with it: nothing to publish)."""
        at_once = asyncio.Semaphore(SENDS_AT_ONCE)

        async def hand_over(sms: Sms) -> Move:
            async with at_once:
                return await self._hand_over(sms)

        outcomes = await asyncio.gather(*(hand_over(sms) for sms in messages), return_exceptions=True)
        overtaken = await self.records.advance_all([outcome for outcome in outcomes if isinstance(outcome, Move)])
        return [outcome for outcome in outcomes if isinstance(outcome, BaseException)], overtaken

    async def _publish(self, messages: Sequence[Sms], overtaken: set[str]) -> None:
        """The status events of these SMS, but those of SMS a report took further (they went out with it)."""
        await self.relay.publish_pending(
            *(sms.notification_id for sms in messages if sms.notification_id not in overtaken)
        )

    async def _hand_over(self, sms: Sms) -> Move:
        report_url = f"{self.delivery_report_url}?id={sms.notification_id}&type=%d"
        try:
            await self.gateway.send(sms.to, sms.text, report_url)
        except TransientGatewayError as error:
            SMS.labels(sms.kind, "retry").inc()
            await self.records.mark_retry(sms.notification_id, str(error))
            raise
        except PermanentGatewayError as error:
            SMS.labels(sms.kind, "failed").inc()
            return Move(sms.notification_id, "failed", str(error))
        SMS.labels(sms.kind, "sent").inc()
        return Move(sms.notification_id, "queued")
