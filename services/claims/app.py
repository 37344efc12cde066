"""The claims service: HTTP API for portals and agents, portal intake topic, status timeline."""

from datetime import UTC, datetime

from fastapi import FastAPI

from contracts import ClaimDrafted, ClaimSubmitted, InspectionCompleted, ReviewApproved, ReviewDecided, Topic
from services.claims.adapters.document_checks import DocumentChecks
from services.claims.agent_api import agents_router
from services.claims.api import claims_router
from services.claims.auth import local_key
from services.claims.config import ClaimsSettings
from services.claims.domain import CLOCK_RUNS
from services.claims.handlers import register
from services.claims.repository import CLAIMS, QUEUE_INDEXES, AuditTrail, ClaimsRepository
from services.claims.use_cases import AgentActions, FollowTimeline, SubmitClaims
from services.runtime.auth import IdentitySettings, TokenVerifier, caller_dependency
from services.runtime.metrics import CLAIMS_PAST_DECISION_DEADLINE
from services.runtime.service import ServiceRuntime


async def count_past_deadline(repository: ClaimsRepository) -> None:
    """The operators' gauge of the one-week promise: claims past their decision deadline, by status (0 included)."""
    counts = await repository.past_decision_deadline(datetime.now(UTC))
    for status in CLOCK_RUNS:
        CLAIMS_PAST_DECISION_DEADLINE.labels(status).set(counts[status])


def create_app(settings: ClaimsSettings) -> FastAPI:
    runtime = ServiceRuntime("claims", settings)
    runtime.publishes(Topic.CLAIM_DRAFTED, ClaimDrafted)
    runtime.publishes(Topic.CLAIM_SUBMITTED, ClaimSubmitted)
    runtime.publishes(Topic.INSPECTION_COMPLETED, InspectionCompleted)
    runtime.publishes(Topic.REVIEWS, ReviewDecided | ReviewApproved)
    relay = runtime.relay_for(runtime.database[CLAIMS])
    repository = ClaimsRepository(runtime.database, relay.written)
    audit = AuditTrail(runtime.database["audit"])
    runtime.index(repository.collection, "owner")
    for fields in QUEUE_INDEXES:
        runtime.index(repository.collection, *fields)
    for fields in AuditTrail.INDEXES:
        runtime.index(audit.collection, *fields)
    runtime.startup_steps.append(repository.date_reservations)
    runtime.every(settings.deadline_metric_interval_s, lambda: count_past_deadline(repository))
    submit_claims = SubmitClaims(repository, settings.decision_days)
    register(runtime.broker, submit_claims, FollowTimeline(repository), relay)
    checks = DocumentChecks(settings.documents_url, settings.documents_timeout_s)
    runtime.startup_steps.append(lambda: runtime.store.ensure_buckets(settings.quarantine_bucket))
    runtime.shutdown_steps.append(checks.close)
    verifier = TokenVerifier(IdentitySettings(), local_key(settings))
    current_caller = caller_dependency(verifier)
    return runtime.http_app(
        claims_router(settings, repository, submit_claims, runtime.store, relay, checks, current_caller),
        agents_router(
            settings,
            repository,
            audit,
            AgentActions(repository, audit, settings.approval_above_amount),
            runtime.store,
            relay,
            current_caller,
        ),
    )
