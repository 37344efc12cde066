"""The notifications service: acceptance, inspection, missing-documents and refusal SMS through the gateway, and the
invitations to file of outreach campaigns."""

from fastapi import FastAPI

from contracts import NotificationStatusChanged, Topic
from services.notifications.adapters.gateway import KannelGateway
from services.notifications.config import NotificationsSettings
from services.notifications.handlers import register
from services.notifications.repository import NotificationsRepository, OptOuts
from services.notifications.use_cases import SmsSender
from services.runtime.auth import caller_dependency
from services.runtime.service import ServiceRuntime


def create_app(settings: NotificationsSettings) -> FastAPI:
    runtime = ServiceRuntime("notifications", settings)
    runtime.publishes(Topic.NOTIFICATION_STATUS, NotificationStatusChanged)
    notifications = runtime.database["notifications"]
    runtime.index(notifications, "status", "updated_at")
    gateway = KannelGateway(
        settings.kannel_sendsms_url,
        settings.kannel_username,
        settings.kannel_password,
        settings.sender,
        connections=settings.gateway_connections,
    )
    relay = runtime.relay_for(notifications)
    sender = SmsSender(
        gateway,
        NotificationsRepository(notifications, relay.written, relay.added),
        relay,
        OptOuts(runtime.database["opt_outs"]),
        settings.delivery_report_url,
        settings.portal_url,
        settings.max_parts,
    )
    runtime.every(settings.unsent_sweep_interval_s, lambda: sender.resend_unsent(settings.unconfirmed_after_s))
    runtime.shutdown_steps.append(gateway.close)
    current_caller = caller_dependency(settings.token_verifier())
    return runtime.http_app(register(runtime.broker, sender, settings.incoming_sms_token, current_caller))
