"""The conditions of DOMAIN.md sections 2 and 3: every failing condition is reported, not only the first.

- Survivors: the event is the date of death and R = E; `STILL_EMPLOYED` does not apply, and the insured's age
  is not checked. Filing before the event is `AGE_NOT_REACHED` for every claim (section 2), which for survivors
  only happens with a filing date before the date of death.
- `PENSION_RIGHTS` needs a period threshold: it is not judged for an event before 2000 (already refused).
- A late claim with force majeure declared goes to `manual_review` (`FORCE_MAJEURE_REVIEW` alone) only when no
  other condition fails; otherwise it is refused with `DEADLINE_PASSED` among the other reasons. Force majeure
  declared on a claim filed in time changes nothing. `force_majeure` is taken to mean "declared with its
  justifying document": the document itself is checked by the documents service.
- `STILL_EMPLOYED`: no cessation date, or one after the filing date.
"""

from datetime import date

from pydantic import BaseModel, ConfigDict

from .case import Case
from .periods import AGE_RULE, PERIODS, AgeRule, PeriodRule, insured_event_date, period_for, retirement_date
from .reasons import ReasonCode, in_listing_order


class Timeline(BaseModel):
    """The event date E, the period it picks, R and the filing deadline of one case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_date: date
    period: PeriodRule | None
    retirement_date: date
    deadline: date | None


def timeline(case: Case, periods: tuple[PeriodRule, ...] = PERIODS, ages: AgeRule = AGE_RULE) -> Timeline:
    insured = case.insured
    if case.is_survivors_claim:
        assert insured.death_date is not None
        event = insured.death_date
        retirement = event
    else:
        event = insured_event_date(insured.birth_date, insured.underground_mining_years, ages)
        retirement = retirement_date(event, insured.ceased_activity_on)
    period = period_for(event, periods)
    deadline = None if period is None else period.deadline(retirement)
    return Timeline(event_date=event, period=period, retirement_date=retirement, deadline=deadline)


def failing_conditions(case: Case, times: Timeline, has_eligible_beneficiary: bool) -> set[ReasonCode]:
    """Every condition of section 3 that fails, except the deadline."""
    insured = case.insured
    checks = {
        ReasonCode.AGE_NOT_REACHED: case.filed_on < times.event_date,
        ReasonCode.STILL_EMPLOYED: not case.is_survivors_claim and _still_employed(case),
        ReasonCode.PENSION_RIGHTS: (
            times.period is not None and insured.contribution_days >= times.period.pension_threshold_days
        ),
        ReasonCode.HAS_PENSION: insured.has_pension,
        ReasonCode.THIRD_PARTY_ACCIDENT: insured.third_party_accident,
        ReasonCode.OTHER_SCHEME: insured.other_scheme,
        ReasonCode.ALREADY_REFUNDED: insured.already_refunded,
        ReasonCode.NO_ELIGIBLE_BENEFICIARY: case.is_survivors_claim and not has_eligible_beneficiary,
        ReasonCode.EVENT_BEFORE_2000: times.period is None,
    }
    return {code for code, fails in checks.items() if fails}


def assess(case: Case, times: Timeline, has_eligible_beneficiary: bool) -> tuple[ReasonCode, ...]:
    """All the reasons of the decision, in listing order; empty when the claim is eligible."""
    failures = failing_conditions(case, times, has_eligible_beneficiary)
    late = times.deadline is not None and case.filed_on > times.deadline
    if late and case.force_majeure and not failures:
        return (ReasonCode.FORCE_MAJEURE_REVIEW,)
    if late:
        failures.add(ReasonCode.DEADLINE_PASSED)
    return in_listing_order(failures)


def _still_employed(case: Case) -> bool:
    ceased_on = case.insured.ceased_activity_on
    return ceased_on is None or ceased_on > case.filed_on
