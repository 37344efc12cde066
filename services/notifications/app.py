"""The notifications service: acceptance, inspection and missing-documents SMS through the gateway."""

from fastapi import FastAPI

from contracts import NotificationStatusChanged, Topic
from services.notifications.adapters.gateway import KannelGateway
from services.notifications.config import NotificationsSettings
from services.notifications.handlers import register
from services.notifications.repository import NotificationsRepository
from services.notifications.use_cases import SmsSender
from services.runtime.service import ServiceRuntime


def create_app(settings: NotificationsSettings) -> FastAPI:
    runtime = ServiceRuntime("notifications", settings)
    runtime.publishes(Topic.NOTIFICATION_STATUS, NotificationStatusChanged)
    notifications = runtime.database["notifications"]
    runtime.index(notifications, "status", "updated_at")
    gateway = KannelGateway(
        settings.kannel_sendsms_url, settings.kannel_username, settings.kannel_password, settings.sender
    )
    sender = SmsSender(
        gateway,
        NotificationsRepository(notifications),
        runtime.relay_for(notifications),
        settings.delivery_report_url,
        settings.max_parts,
    )
    runtime.every(settings.unsent_sweep_interval_s, lambda: sender.resend_unsent(settings.unconfirmed_after_s))
    runtime.shutdown_steps.append(gateway.close)
    return runtime.http_app(register(runtime.broker, sender, settings.kafka_partition_workers))
