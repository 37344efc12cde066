"""The claims service: HTTP API for portals and agents, portal intake topic, status timeline."""

from fastapi import FastAPI

from contracts import ClaimSubmitted, InspectionCompleted, Topic
from services.claims.api import claims_router
from services.claims.auth import caller_dependency
from services.claims.config import ClaimsSettings
from services.claims.handlers import register
from services.claims.repository import ClaimsRepository
from services.runtime.service import ServiceRuntime


def create_app(settings: ClaimsSettings) -> FastAPI:
    runtime = ServiceRuntime("claims", settings)
    runtime.publishes(Topic.CLAIM_SUBMITTED, ClaimSubmitted)
    runtime.publishes(Topic.INSPECTION_COMPLETED, InspectionCompleted)
    repository = ClaimsRepository(runtime.database)
    runtime.index(repository.open_claims, "claim_id")
    relay = runtime.relay_for(repository.collection)
    register(runtime.broker, repository, relay)
    runtime.startup_steps.append(lambda: runtime.store.ensure_buckets(settings.quarantine_bucket))
    return runtime.http_app(
        claims_router(settings, repository, runtime.store, relay, caller_dependency(settings))
    )
