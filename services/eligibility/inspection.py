"""Physical inspection (DOMAIN.md section 7): the policy, and the selection of a decided claim.

The rules themselves are pure and live in `rules.selection`; this module adds the operators' policy (the rules file
`inspection_rules.json` and the HMAC secret, both read by the service's settings in app.py) and the facts of a
decided case.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

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
    "InspectionPolicy",
    "MinerAgeRule",
    "Selection",
    "SelectionReason",
    "SwitchRule",
    "facts_from_case",
    "fired_rules",
    "random_draw",
    "select_for_inspection",
]


class InspectionPolicy(BaseModel):
    """Who is inspected: the random draw's rate and secret, and the rules with their switches and thresholds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    random_rate: Decimal = Field(default=Decimal("0.05"), ge=0, le=1)
    hmac_secret: SecretStr = Field(min_length=1)
    rules: InspectionRules = InspectionRules()

    @classmethod
    def from_rules_document(cls, document: Mapping[str, Any], hmac_secret: str) -> "InspectionPolicy":
        """The policy from the parsed `inspection_rules.json` and the secret (kept out of that file)."""
        return cls(**document, hmac_secret=hmac_secret)


def select_for_inspection(facts: InspectionFacts, policy: InspectionPolicy) -> Selection:
    """Every reason to inspect the claim under this policy; see `rules.selection.select`."""
    return select(facts, policy.rules, policy.random_rate, policy.hmac_secret.get_secret_value())


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
