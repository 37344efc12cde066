from datetime import date, timedelta

import pytest

from services.eligibility.rules import PERIODS, ReasonCode, RefundBasis, decide
from services.eligibility.rules.dates import add_years, age_on
from services.eligibility.rules.periods import period_for, retirement_date

from .builders import insured_claim, survivors_claim

EVENT_PERIODS = [
    ("1999-12-31", None),
    ("2000-01-01", "P1"),
    ("2000-01-02", "P1"),
    ("2014-07-30", "P1"),
    ("2014-07-31", "P1"),
    ("2014-08-01", "P2"),
    ("2014-08-02", "P2"),
    ("2022-12-30", "P2"),
    ("2022-12-31", "P2"),
    ("2023-01-01", "P3"),
    ("2023-01-02", "P3"),
    ("2025-03-30", "P3"),
    ("2025-03-31", "P3"),
    ("2025-04-01", "P4"),
    ("2025-04-02", "P4"),
]


def test_the_period_table_covers_every_day_from_2000_without_gap_or_overlap():
    assert PERIODS[0].starts_on == date(2000, 1, 1)
    for earlier, later in zip(PERIODS, PERIODS[1:], strict=False):
        assert earlier.ends_on is not None
        assert earlier.ends_on + timedelta(days=1) == later.starts_on
    assert PERIODS[-1].ends_on is None


@pytest.mark.parametrize(("event_date", "expected_period"), EVENT_PERIODS)
def test_the_event_date_picks_the_period_on_both_sides_of_each_boundary(event_date, expected_period):
    period = period_for(date.fromisoformat(event_date))
    assert (None if period is None else period.code) == expected_period


@pytest.mark.parametrize(("death_date", "expected_period"), EVENT_PERIODS)
def test_a_survivors_decision_reports_the_period_of_the_date_of_death(death_date, expected_period):
    decision = decide(survivors_claim(death_date=death_date, filed_on=death_date))
    assert decision.period == expected_period
    assert (ReasonCode.EVENT_BEFORE_2000 in decision.reasons) == (expected_period is None)


@pytest.mark.parametrize(
    ("period", "basis", "threshold"),
    [
        ("P1", RefundBasis.SALARY, 3240),
        ("P2", RefundBasis.SALARY, 3240),
        ("P3", RefundBasis.SALARY_AND_EMPLOYER, 1320),
        ("P4", RefundBasis.SALARY_AND_EMPLOYER, 1320),
    ],
)
def test_each_period_has_its_refund_basis_and_pension_threshold(period, basis, threshold):
    rule = next(rule for rule in PERIODS if rule.code == period)
    decision = decide(survivors_claim(death_date=rule.starts_on.isoformat(), filed_on=rule.starts_on.isoformat()))
    assert decision.refund_basis == basis
    assert rule.pension_threshold_days == threshold


@pytest.mark.parametrize(
    ("event_date", "expected_deadline"),
    [
        ("2000-01-01", "2016-07-31"),
        ("2014-07-31", "2016-07-31"),
        ("2014-08-01", "2019-08-01"),
        ("2022-12-31", "2027-12-31"),
        ("2023-01-01", "2029-03-31"),
        ("2025-03-31", "2029-03-31"),
        ("2025-04-01", "2030-04-01"),
        ("2020-02-29", "2025-02-28"),
        ("2028-02-29", "2033-02-28"),
    ],
)
def test_the_deadline_is_fixed_or_five_years_after_r_on_the_same_calendar_day(event_date, expected_deadline):
    decision = decide(survivors_claim(death_date=event_date, filed_on=event_date))
    assert decision.deadline == date.fromisoformat(expected_deadline)


@pytest.mark.parametrize(
    ("death_date", "filed_on", "late"),
    [
        ("2010-05-05", "2016-07-30", False),
        ("2010-05-05", "2016-07-31", False),
        ("2010-05-05", "2016-08-01", True),
        ("2018-03-15", "2023-03-14", False),
        ("2018-03-15", "2023-03-15", False),
        ("2018-03-15", "2023-03-16", True),
        ("2024-01-01", "2029-03-30", False),
        ("2024-01-01", "2029-03-31", False),
        ("2024-01-01", "2029-04-01", True),
        ("2026-01-10", "2031-01-09", False),
        ("2026-01-10", "2031-01-10", False),
        ("2026-01-10", "2031-01-11", True),
        ("2020-02-29", "2025-02-27", False),
        ("2020-02-29", "2025-02-28", False),
        ("2020-02-29", "2025-03-01", True),
    ],
)
def test_filing_on_the_deadline_is_on_time_and_the_day_after_is_late(death_date, filed_on, late):
    decision = decide(survivors_claim(death_date=death_date, filed_on=filed_on))
    assert decision.reasons == ((ReasonCode.DEADLINE_PASSED,) if late else ())


@pytest.mark.parametrize(
    ("ceased_activity_on", "filed_on", "expected_deadline", "late"),
    [
        ("2024-06-30", "2030-04-10", "2030-04-10", False),
        ("2024-06-30", "2030-04-11", "2030-04-10", True),
        ("2027-09-15", "2032-09-15", "2032-09-15", False),
        ("2027-09-15", "2032-09-16", "2032-09-15", True),
        ("2028-02-29", "2033-02-28", "2033-02-28", False),
        ("2028-02-29", "2033-03-01", "2033-02-28", True),
    ],
)
def test_an_insured_deadline_runs_from_the_later_of_the_event_and_the_end_of_work(
    ceased_activity_on, filed_on, expected_deadline, late
):
    case = insured_claim(filed_on=filed_on, birth_date="1965-04-10", ceased_activity_on=ceased_activity_on)
    decision = decide(case)
    assert decision.event_date == date(2025, 4, 10)
    assert decision.deadline == date.fromisoformat(expected_deadline)
    assert (ReasonCode.DEADLINE_PASSED in decision.reasons) == late


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        ("2020-02-29", 5, "2025-02-28"),
        ("2020-02-29", 4, "2024-02-29"),
        ("2019-02-28", 5, "2024-02-28"),
        ("2020-03-01", 5, "2025-03-01"),
        ("1964-02-29", 55, "2019-02-28"),
        ("1964-02-29", 60, "2024-02-29"),
    ],
)
def test_adding_years_keeps_the_calendar_day_and_turns_29_february_into_28_february(day, years, expected):
    assert add_years(date.fromisoformat(day), years) == date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("birth_date", "day", "expected_age"),
    [
        ("2008-02-29", "2026-02-27", 17),
        ("2008-02-29", "2026-02-28", 18),
        ("2008-02-29", "2028-02-28", 19),
        ("2008-02-29", "2028-02-29", 20),
        ("2010-06-15", "2026-06-14", 15),
        ("2010-06-15", "2026-06-15", 16),
    ],
)
def test_an_age_counts_a_29_february_birthday_on_28_february_in_common_years(birth_date, day, expected_age):
    assert age_on(date.fromisoformat(birth_date), date.fromisoformat(day)) == expected_age


def test_a_29_february_birth_reaches_the_miners_age_on_28_february():
    decision = decide(
        insured_claim(
            filed_on="2019-02-28", birth_date="1964-02-29", underground_mining_years=5, ceased_activity_on="2018-12-31"
        )
    )
    assert decision.event_date == date(2019, 2, 28)
    assert decision.reasons == ()


@pytest.mark.parametrize(
    ("event_date", "ceased_activity_on", "expected"),
    [
        ("2025-04-10", None, "2025-04-10"),
        ("2025-04-10", "2025-04-09", "2025-04-10"),
        ("2025-04-10", "2025-04-10", "2025-04-10"),
        ("2025-04-10", "2025-04-11", "2025-04-11"),
    ],
)
def test_r_is_the_later_of_the_event_and_the_end_of_all_salaried_work(event_date, ceased_activity_on, expected):
    ceased = None if ceased_activity_on is None else date.fromisoformat(ceased_activity_on)
    assert retirement_date(date.fromisoformat(event_date), ceased) == date.fromisoformat(expected)
