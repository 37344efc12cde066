"""`decide(case) -> Decision`: the conditions, the amount and the survivors' shares of one case.

- An ineligible claim's `amount` is "0.00", with no shares and "0.00" undistributed for survivors; the amount the
  contributions would give is still in `computed_amount` and `breakdown` for agents. A `manual_review` claim
  (force majeure) carries the full amount and shares, so the agent sees what accepting it pays.
- An insured's own claim has no shares and `undistributed` null; its beneficiaries and death date are ignored.
- An event before 2000 has no period, deadline, refund basis or breakdown (null / empty).
- `undecidable(reason)` is the decision for a claim the rules cannot judge (`INSURED_UNKNOWN`,
  `REGISTRY_DATA_MISSING`): `manual_review` with every computed field null.
"""

from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from contracts.scalars import to_cents

from .amount import YearBreakdown, revalue
from .case import Case
from .conditions import Timeline, assess, timeline
from .periods import RefundBasis
from .reasons import Outcome, ReasonCode, outcome_for
from .revaluation import DEFAULT_REVALUATION, RevaluationTable
from .shares import Distribution, Qualification, ShareOut, distribute, qualify, share_fractions

_ZERO = Decimal("0.00")


class Decision(BaseModel):
    """The outcome of a case with its reasons, dates, amount and shares (section 9) plus agents' details."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: Outcome
    reasons: tuple[ReasonCode, ...]
    period: str | None
    event_date: date | None
    retirement_date: date | None
    deadline: date | None
    refund_basis: RefundBasis | None
    amount: Decimal | None
    computed_amount: Decimal | None
    shares: tuple[ShareOut, ...]
    undistributed: Decimal | None
    breakdown: tuple[YearBreakdown, ...]
    beneficiaries: tuple[Qualification, ...]

    def to_section9_json(self) -> dict[str, Any]:
        """Exactly the decision keys of DOMAIN.md section 9, JSON-ready."""
        return {
            "outcome": self.outcome.value,
            "reasons": [code.value for code in self.reasons],
            "period": self.period,
            "event_date": _iso(self.event_date),
            "deadline": _iso(self.deadline),
            "refund_basis": None if self.refund_basis is None else self.refund_basis.value,
            "amount": _money(self.amount),
            "shares": [{"id": share.id, "amount": to_cents(share.amount)} for share in self.shares],
            "undistributed": _money(self.undistributed),
        }


class Verdict(NamedTuple):
    """A case's outcome, reasons and dates, without the amount: what deciding starts from, and all a campaign
    needs to know who would be accepted."""

    outcome: Outcome
    reasons: tuple[ReasonCode, ...]
    times: Timeline
    qualifications: tuple[Qualification, ...]


def judge(case: Case) -> Verdict:
    times = timeline(case)
    qualifications = _qualifications(case, times)
    reasons = assess(case, times, any(q.qualifies for q in qualifications))
    return Verdict(outcome_for(reasons), reasons, times, qualifications)


def decide(case: Case, revaluation: RevaluationTable = DEFAULT_REVALUATION) -> Decision:
    """Judge a case against the configured revaluation table, overridden by the case's own `revaluation`."""
    outcome, reasons, times, qualifications = judge(case)
    rows: tuple[YearBreakdown, ...] = ()
    computed = None
    if times.period is not None:
        table = revaluation.overridden_by(case.revaluation)
        result = revalue(case.insured.contributions, times.period.refund_basis, times.event_date.year, table)
        rows, computed = result.rows, result.total
    payable = computed if outcome is not Outcome.INELIGIBLE and computed is not None else _ZERO
    distribution = _distribution(case, times, payable, outcome) if case.is_survivors_claim else None
    return Decision(
        outcome=outcome,
        reasons=reasons,
        period=None if times.period is None else times.period.code,
        event_date=times.event_date,
        retirement_date=times.retirement_date,
        deadline=times.deadline,
        refund_basis=None if times.period is None else times.period.refund_basis,
        amount=payable,
        computed_amount=computed,
        shares=() if distribution is None else distribution.shares,
        undistributed=None if distribution is None else distribution.undistributed,
        breakdown=rows,
        beneficiaries=qualifications,
    )


def undecidable(reason: ReasonCode) -> Decision:
    """A `manual_review` decision for a claim the rules cannot judge (unknown insured, missing registry data)."""
    return Decision(
        outcome=Outcome.MANUAL_REVIEW,
        reasons=(reason,),
        period=None,
        event_date=None,
        retirement_date=None,
        deadline=None,
        refund_basis=None,
        amount=None,
        computed_amount=None,
        shares=(),
        undistributed=None,
        breakdown=(),
        beneficiaries=(),
    )


def _qualifications(case: Case, times: Timeline) -> tuple[Qualification, ...]:
    if not case.is_survivors_claim:
        return ()
    return qualify(case.beneficiaries, times.event_date)


def _distribution(case: Case, times: Timeline, amount: Decimal, outcome: Outcome) -> Distribution:
    if outcome is Outcome.INELIGIBLE:
        return Distribution(shares=(), distributed=_ZERO, undistributed=_ZERO)
    fractions = share_fractions(case.beneficiaries, times.event_date)
    ids = [beneficiary.id for beneficiary in case.beneficiaries]
    return distribute(amount, list(zip(ids, fractions, strict=True)))


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else to_cents(amount)
