"""The eligibility service: refund rules, amount, survivors' shares and inspection selection."""

import json

from fastapi import FastAPI

from contracts import ClaimAccepted, ClaimDecided, ClaimRefused, Topic
from services.eligibility.api import eligibility_router
from services.eligibility.config import EligibilitySettings
from services.eligibility.handlers import register
from services.eligibility.inspection import InspectionPolicy
from services.eligibility.registry import IdSet, InsuredRegistry, UnfinishedClaims
from services.eligibility.repository import DecisionsRepository
from services.eligibility.rules import load_revaluation_table
from services.eligibility.use_cases import ApplyAgentAction, DecideClaim, FollowFilings, UpdateRegistry
from services.runtime.auth import caller_dependency
from services.runtime.service import ServiceRuntime


def create_app(settings: EligibilitySettings) -> FastAPI:
    runtime = ServiceRuntime("eligibility", settings)
    runtime.publishes(Topic.CLAIM_DECIDED, ClaimDecided)
    runtime.publishes(Topic.CLAIM_ACCEPTED, ClaimAccepted)
    runtime.publishes(Topic.CLAIM_REFUSED, ClaimRefused)
    decisions = runtime.database["decisions"]
    runtime.index(decisions, "claim_id")
    inspection = InspectionPolicy.from_rules_document(
        json.loads(settings.inspection_rules_file.read_text()), settings.inspection_secret
    )
    revaluation = load_revaluation_table(json.loads(settings.revaluation_rates_file.read_text()))
    relay = runtime.relay_for(decisions)
    repository = DecisionsRepository(decisions, runtime.database["refusals"], relay.written)
    registry = InsuredRegistry(runtime.database["insured"])
    register(
        runtime.broker,
        DecideClaim(registry, repository, revaluation, inspection),
        ApplyAgentAction(repository),
        UpdateRegistry(registry),
        FollowFilings(IdSet(runtime.database["filings"]), UnfinishedClaims(runtime.database["unfinished"])),
        relay,
    )
    current_caller = caller_dependency(settings.token_verifier())
    return runtime.http_app(eligibility_router(registry, revaluation, current_caller))
