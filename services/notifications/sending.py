"""Sending one SMS through the gateway, recorded before it goes out, and the second chance of those a crash left
unsent."""

import logging
from contextlib import suppress
from datetime import UTC, datetime, timedelta

from contracts.notifications import NotificationStatus
from services.notifications.adapters.gateway import PermanentGatewayError, SmsGateway, TransientGatewayError
from services.notifications.domain import Sms
from services.notifications.repository import NotificationsRepository
from services.runtime.faults import crash_if_asked
from services.runtime.metrics import SMS
from services.runtime.outbox import OutboxRelay

log = logging.getLogger(__name__)


class SmsSender:
    def __init__(
        self, gateway: SmsGateway, repository: NotificationsRepository, relay: OutboxRelay, delivery_report_url: str
    ) -> None:
        self.gateway = gateway
        self.repository = repository
        self.relay = relay
        self.delivery_report_url = delivery_report_url

    async def send_once(self, sms: Sms) -> None:
        """Send unless this SMS was already sent or is being sent; a transient gateway error is raised (the
        event is retried)."""
        if await self.repository.claim_for_sending(sms):
            crash_if_asked("BEFORE_SMS")  # between the record and the gateway
            await self._send(sms)
        await self.relay.publish_pending(sms.notification_id)

    async def resend_unsent(self, unconfirmed_after_s: float) -> None:
        """SMS the gateway never took: those left in "retry", and those a crash left in "sending" (no answer and
        no delivery report after `unconfirmed_after_s`: the gateway never got them), which get one more try."""
        for sms in await self.repository.reclaim_unsent(datetime.now(UTC) - timedelta(seconds=unconfirmed_after_s)):
            log.warning("sending again an SMS the gateway never took", extra={"claim_id": sms.claim_id})
            with suppress(TransientGatewayError):  # left in "retry", for the next round
                await self._send(sms)
            await self.relay.publish_pending(sms.notification_id)

    async def record_report(self, notification_id: str, status: NotificationStatus, detail: str) -> None:
        """A delivery report moves the SMS forward, never back (reports race each other); the change is published."""
        if await self.repository.advance(notification_id, status, detail):
            await self.relay.publish_pending(notification_id)

    async def _send(self, sms: Sms) -> None:
        report_url = f"{self.delivery_report_url}?id={sms.notification_id}&type=%d"
        try:
            await self.gateway.send(sms.to, sms.text, report_url)
        except TransientGatewayError as error:
            SMS.labels(sms.kind, "retry").inc()
            await self.repository.mark_retry(sms.notification_id, str(error))
            raise
        except PermanentGatewayError as error:
            SMS.labels(sms.kind, "failed").inc()
            await self.repository.advance(sms.notification_id, "failed", str(error))
        else:
            SMS.labels(sms.kind, "sent").inc()
            await self.repository.advance(sms.notification_id, "queued")
