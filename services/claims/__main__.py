from services.claims.app import create_app
from services.claims.config import ClaimsSettings
from services.runtime.http import run_service

run_service("claims", create_app, ClaimsSettings())
