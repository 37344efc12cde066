from services.notifications.app import create_app
from services.notifications.config import NotificationsSettings
from services.runtime.http import run_service

run_service("notifications", create_app, NotificationsSettings())
