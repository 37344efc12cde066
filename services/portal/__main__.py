"""`python -m services.portal` serves the claimants' web pages."""

from services.portal.app import create_app
from services.portal.config import PortalSettings
from services.runtime.http import run_service

run_service("portal", create_app, PortalSettings())
