"""The event date, the period it falls in, and the filing deadline (DOMAIN.md section 2).

Period boundaries, thresholds, deadlines and pension ages change by decree: they are data (`PERIODS`,
`AGE_RULE`), and every function takes the table as a parameter with these values as the default.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator

from .dates import add_years


class RefundBasis(StrEnum):
    """Which contributions are refunded: the salary share only, or salary plus employer share."""

    SALARY = "salary"
    SALARY_AND_EMPLOYER = "salary_and_employer"


class PeriodRule(BaseModel):
    """One row of the period table: the event dates it covers and what applies to them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    starts_on: date
    ends_on: date | None
    refund_basis: RefundBasis
    pension_threshold_days: int
    deadline_on: date | None = None
    deadline_years_after_retirement: int | None = None

    @model_validator(mode="after")
    def _one_deadline_rule(self) -> "PeriodRule":
        if (self.deadline_on is None) == (self.deadline_years_after_retirement is None):
            raise ValueError("a period needs exactly one of deadline_on and deadline_years_after_retirement")
        return self

    def covers(self, event_date: date) -> bool:
        return self.starts_on <= event_date and (self.ends_on is None or event_date <= self.ends_on)

    def deadline(self, retirement_date: date) -> date:
        """The last day to file; filing on that day is on time."""
        if self.deadline_on is not None:
            return self.deadline_on
        assert self.deadline_years_after_retirement is not None
        return add_years(retirement_date, self.deadline_years_after_retirement)


class AgeRule(BaseModel):
    """The pension ages: the normal age, and the earlier age of miners with enough underground years."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    normal_age: int = 60
    miner_age: int = 55
    miner_min_underground_years: int = 5


PERIODS: tuple[PeriodRule, ...] = (
    PeriodRule(
        code="P1",
        starts_on=date(2000, 1, 1),
        ends_on=date(2014, 7, 31),
        refund_basis=RefundBasis.SALARY,
        pension_threshold_days=3240,
        deadline_on=date(2016, 7, 31),
    ),
    PeriodRule(
        code="P2",
        starts_on=date(2014, 8, 1),
        ends_on=date(2022, 12, 31),
        refund_basis=RefundBasis.SALARY,
        pension_threshold_days=3240,
        deadline_years_after_retirement=5,
    ),
    PeriodRule(
        code="P3",
        starts_on=date(2023, 1, 1),
        ends_on=date(2025, 3, 31),
        refund_basis=RefundBasis.SALARY_AND_EMPLOYER,
        pension_threshold_days=1320,
        deadline_on=date(2029, 3, 31),
    ),
    PeriodRule(
        code="P4",
        starts_on=date(2025, 4, 1),
        ends_on=None,
        refund_basis=RefundBasis.SALARY_AND_EMPLOYER,
        pension_threshold_days=1320,
        deadline_years_after_retirement=5,
    ),
)
AGE_RULE = AgeRule()


def period_for(event_date: date, periods: tuple[PeriodRule, ...] = PERIODS) -> PeriodRule | None:
    """The period whose dates cover the event, or None (an event before the first period gets no refund)."""
    return next((period for period in periods if period.covers(event_date)), None)


def pension_age(underground_mining_years: Decimal | int, ages: AgeRule = AGE_RULE) -> int:
    """The miner's age from the full number of underground years only: 4.99 years is under 5, 5.0 is enough."""
    if underground_mining_years >= ages.miner_min_underground_years:
        return ages.miner_age
    return ages.normal_age


def insured_event_date(birth_date: date, underground_mining_years: Decimal | int, ages: AgeRule = AGE_RULE) -> date:
    """The birthday on which the insured reaches the pension age."""
    return add_years(birth_date, pension_age(underground_mining_years, ages))


def retirement_date(event_date: date, ceased_activity_on: date | None) -> date:
    """R: the later of the event and the end of all salaried work (the event when no end date is known)."""
    if ceased_activity_on is None:
        return event_date
    return max(event_date, ceased_activity_on)
