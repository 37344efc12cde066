"""The eligibility decision and the inspection selection."""

from datetime import date
from decimal import Decimal
from typing import Literal

from contracts.claims import ClaimDetails
from contracts.documents import VerifiedDocument
from contracts.envelope import Contract, Event


class ShareOut(Contract):
    id: str
    amount: Decimal


class YearBreakdown(Contract):
    year: int
    base: Decimal
    factor: Decimal
    revalued: Decimal


class DecisionSummary(Contract):
    outcome: Literal["eligible", "ineligible", "manual_review"]
    reasons: tuple[str, ...] = ()
    period: Literal["P1", "P2", "P3", "P4"] | None = None
    event_date: date | None = None
    deadline: date | None = None
    refund_basis: Literal["salary", "salary_and_employer"] | None = None
    amount: Decimal = Decimal("0.00")
    breakdown: tuple[YearBreakdown, ...] = ()
    shares: tuple[ShareOut, ...] = ()
    undistributed: Decimal = Decimal("0.00")


class InspectionSelection(Contract):
    selected: bool
    reasons: tuple[str, ...] = ()


class ClaimDecided(Event):
    type: Literal["claim.decided"] = "claim.decided"
    claim: ClaimDetails
    documents: tuple[VerifiedDocument, ...]
    decision: DecisionSummary
    inspection: InspectionSelection
