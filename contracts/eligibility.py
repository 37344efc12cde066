"""The eligibility decision and the inspection selection."""

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

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


class ReasonExplanation(Contract):
    code: str
    fr: str
    ar: str


class DecisionSummary(Contract):
    outcome: Literal["eligible", "ineligible", "manual_review"]
    reasons: tuple[str, ...] = ()
    explanations: tuple[ReasonExplanation, ...] = ()
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


class InspectionCompleted(Event):
    """An agent recorded the outcome of a claim's physical inspection."""

    type: Literal["inspection.completed"] = "inspection.completed"
    passed: bool
    agent_id: str = Field(min_length=1, max_length=64)
    agency: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=64, description="why it failed (contracts.agents codes)")
    notes: str = Field(default="", max_length=1000)


class ClaimAccepted(Event):
    """The refund is granted: eligible (or accepted by agents) and, when selected, inspected with success."""

    type: Literal["claim.accepted"] = "claim.accepted"
    claim: ClaimDetails
    amount: Decimal
    agent_id: str | None = Field(default=None, max_length=64, description="the agent whose action accepted it")
