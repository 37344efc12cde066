"""Physical inspection (DOMAIN.md section 7): the settings, and the selection of a decided claim.

The rules themselves are pure and live in `rules.selection`; this module adds the operators' settings (the rules
file plus the HMAC secret, or `ELIGIBILITY_INSPECTION_*` environment variables) and the facts of a decided case.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from .rules import Case, Decision
from .rules.dates import age_on
from .rules.periods import AGE_RULE, pension_age
from .rules.selection import (
    AmountRule,
    CountRule,
    Filer,
    FilerRule,
    InspectionFacts,
    InspectionReason,
    InspectionRules,
    MinerAgeRule,
    Selection,
    SelectionReason,
    SwitchRule,
    fired_rules,
    random_draw,
    select,
)

__all__ = [
    "AmountRule",
    "CountRule",
    "Filer",
    "FilerRule",
    "InspectionFacts",
    "InspectionReason",
    "InspectionRules",
    "InspectionSettings",
    "MinerAgeRule",
    "Selection",
    "SelectionReason",
    "SwitchRule",
    "facts_from_case",
    "fired_rules",
    "random_draw",
    "select_for_inspection",
]


class InspectionSettings(BaseSettings):
    """Inspection parameters: environment `ELIGIBILITY_INSPECTION_*` (nested with `__`) or keyword arguments."""

    model_config = SettingsConfigDict(
        env_prefix="ELIGIBILITY_INSPECTION_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    random_rate: Decimal = Field(default=Decimal("0.05"), ge=0, le=1)
    hmac_secret: SecretStr = Field(min_length=1)
    rules: InspectionRules = InspectionRules()

    @classmethod
    def from_rules_document(cls, document: Mapping[str, Any], hmac_secret: str) -> "InspectionSettings":
        """Settings from the parsed `inspection_rules.json` and the secret (kept out of that file)."""
        return cls(**document, hmac_secret=hmac_secret)


def select_for_inspection(facts: InspectionFacts, settings: InspectionSettings) -> Selection:
    """Every reason to inspect the claim under these settings; see `rules.selection.select`."""
    return select(facts, settings.rules, settings.random_rate, settings.hmac_secret.get_secret_value())


def facts_from_case(
    reference: str,
    case: Case,
    decision: Decision,
    *,
    filed_by: Filer = Filer.INSURED,
    flagged_documents: int = 0,
    refused_before: bool = False,
) -> InspectionFacts:
    """The facts of a decided case. A miner is an insured whose underground years allow claiming early."""
    insured = case.insured
    survivors = case.is_survivors_claim
    age_day = insured.death_date if survivors and insured.death_date else case.filed_on
    return InspectionFacts(
        reference=reference,
        amount=decision.amount or Decimal("0.00"),
        is_miner=not survivors and pension_age(insured.underground_mining_years) < AGE_RULE.normal_age,
        age_at_filing=max(0, age_on(insured.birth_date, age_day)),
        force_majeure=case.force_majeure,
        filed_by=filed_by,
        spouse_count=sum(1 for b in case.beneficiaries if b.relation == "spouse") if survivors else 0,
        flagged_documents=flagged_documents,
        refused_before=refused_before,
    )
