"""The eligibility check before filing: the insured's own registry record, with what they would change ("what
if": the date they stopped working, their underground mining years, force majeure), through the very `decide` and
case building a submitted claim goes through. Pure: the registry record and the date come in."""

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts import CareerRecord
from contracts.scalars import MAX_UNDERGROUND_YEARS
from services.eligibility.domain import case_from, summary_of
from services.eligibility.rules import ReasonCode, RevaluationTable, decide
from services.eligibility.rules.reasons import INSURED_CONDITIONS, REVIEW_REASONS, describe_condition, in_listing_order

REGISTRY_FIELDS = ("birth_date", "contribution_days", "ceased_activity_on", "underground_mining_years")


class EstimateRequest(BaseModel):
    """What the insured would change in their registry record; null keeps the registry's value. Underground mining
    years may be fractional (a number, 4.5, or a decimal string, "4.5"), at most 2 decimals."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ceased_activity_on: date | None = None
    underground_mining_years: Decimal | None = Field(
        default=None, ge=0, le=MAX_UNDERGROUND_YEARS, decimal_places=2, description="possibly fractional: 4.5"
    )
    force_majeure: bool = False
    registration_number: str | None = Field(
        default=None, pattern=r"^\d{9}$", description="agents only: whose record; an insured's is their own"
    )


def estimate(
    career: CareerRecord, request: EstimateRequest, today: date, revaluation: RevaluationTable
) -> dict[str, Any]:
    """The decision a claim filed today would get, with each condition in plain words and the registry's facts."""
    case = case_from(what_if(career, request), filed_on=today, force_majeure=request.force_majeure)
    decision = decide(case, revaluation)
    return {
        **summary_of(decision).model_dump(mode="json"),
        "conditions": conditions(decision.reasons, period_known=decision.period is not None),
        "registry": career.model_dump(mode="json", include=set(REGISTRY_FIELDS)),
    }


def what_if(career: CareerRecord, request: EstimateRequest) -> CareerRecord:
    """The registry record with the insured's own figures in place of the registry's, where they gave some."""
    changes = request.model_dump(include={"ceased_activity_on", "underground_mining_years"}, exclude_none=True)
    return career.model_copy(update=changes)


_JUDGED_BY_PERIOD = frozenset({ReasonCode.PENSION_RIGHTS, ReasonCode.DEADLINE_PASSED})


def conditions(reasons: tuple[ReasonCode, ...], period_known: bool = True) -> list[dict[str, Any]]:
    """Every condition of an insured's claim, met or not, in listing order; any other failing one after them. A late
    claim sent to an agent for force majeure has missed its deadline all the same. Without a period (an event before
    2000) the threshold and the deadline are not judged: they are left out rather than shown as met."""
    failing = set(reasons) - REVIEW_REASONS
    if ReasonCode.FORCE_MAJEURE_REVIEW in reasons:
        failing.add(ReasonCode.DEADLINE_PASSED)
    judged = [code for code in INSURED_CONDITIONS if period_known or code not in _JUDGED_BY_PERIOD or code in failing]
    codes = [*judged, *(code for code in in_listing_order(failing) if code not in INSURED_CONDITIONS)]
    return [
        {"code": code.value, "met": code not in failing, **describe_condition(code, code not in failing)}
        for code in codes
    ]
