"""SMS notifications' life cycle."""

from typing import Literal

from contracts.envelope import Event

NotificationKind = Literal["acceptance", "inspection", "missing_documents", "refusal"]
NotificationStatus = Literal["queued", "sent", "delivered", "failed"]


class NotificationStatusChanged(Event):
    type: Literal["notification.status_changed"] = "notification.status_changed"
    notification_id: str
    kind: NotificationKind
    status: NotificationStatus
    detail: str = ""
