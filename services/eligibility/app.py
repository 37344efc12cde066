"""The eligibility service: refund rules, amount, survivors' shares and inspection selection."""

import json

from fastapi import FastAPI

from contracts import ClaimDecided, Topic
from services.eligibility.config import EligibilitySettings
from services.eligibility.handlers import register
from services.eligibility.inspection import InspectionSettings
from services.eligibility.registry import InsuredRegistry
from services.eligibility.repository import DecisionsRepository
from services.eligibility.rules import load_revaluation_table
from services.runtime.service import ServiceRuntime


def create_app(settings: EligibilitySettings) -> FastAPI:
    runtime = ServiceRuntime("eligibility", settings)
    runtime.publishes(Topic.CLAIM_DECIDED, ClaimDecided)
    decisions = runtime.database["decisions"]
    runtime.index(decisions, "claim_id")
    inspection = InspectionSettings.from_rules_document(
        json.loads(settings.inspection_rules_file.read_text()), settings.inspection_secret
    )
    revaluation = load_revaluation_table(json.loads(settings.revaluation_rates_file.read_text()))
    repository = DecisionsRepository(decisions, runtime.database["refusals"])
    register(runtime.broker, InsuredRegistry(runtime.database["insured"]), repository, runtime.relay_for(decisions),
             revaluation, inspection)
    return runtime.http_app()
