from datetime import date
from decimal import Decimal

import pytest

from services.eligibility.rules import Outcome, ReasonCode, decide, undecidable
from services.eligibility.rules.periods import pension_age

from .builders import child, insured_claim, spouse, survivors_claim

R = ReasonCode

INSURED_FAILURES = [
    (
        "filed the day before the 60th birthday",
        dict(filed_on="2025-04-09", ceased_activity_on="2024-12-31"),
        (R.AGE_NOT_REACHED,),
    ),
    ("no cessation date", dict(ceased_activity_on=None), (R.STILL_EMPLOYED,)),
    ("stopped work after the filing date", dict(ceased_activity_on="2026-02-02"), (R.STILL_EMPLOYED,)),
    ("contribution days at the P4 threshold", dict(contribution_days=1320), (R.PENSION_RIGHTS,)),
    ("receives a pension", dict(has_pension=True), (R.HAS_PENSION,)),
    ("survivor pension after a third-party accident", dict(third_party_accident=True), (R.THIRD_PARTY_ACCIDENT,)),
    ("rights in another scheme", dict(other_scheme=True), (R.OTHER_SCHEME,)),
    ("already refunded", dict(already_refunded=True), (R.ALREADY_REFUNDED,)),
    ("60th birthday in 1999", dict(birth_date="1939-12-31", ceased_activity_on="1999-12-31"), (R.EVENT_BEFORE_2000,)),
    ("filed after the deadline", dict(filed_on="2031-01-01"), (R.DEADLINE_PASSED,)),
]


@pytest.mark.parametrize(("situation", "changes", "expected_reasons"), INSURED_FAILURES)
def test_an_insured_claim_failing_one_condition_is_refused_with_its_reason(situation, changes, expected_reasons):
    decision = decide(insured_claim(**changes))
    assert decision.reasons == expected_reasons, situation
    assert decision.outcome is Outcome.INELIGIBLE


def test_an_insured_claim_meeting_every_condition_is_eligible():
    decision = decide(insured_claim())
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.reasons == ()


def test_a_decision_lists_every_failing_condition_in_table_order():
    case = insured_claim(
        filed_on="2031-01-01",
        ceased_activity_on=None,
        contribution_days=5000,
        has_pension=True,
        third_party_accident=True,
        other_scheme=True,
        already_refunded=True,
    )
    decision = decide(case)
    assert decision.reasons == (
        R.STILL_EMPLOYED,
        R.PENSION_RIGHTS,
        R.HAS_PENSION,
        R.THIRD_PARTY_ACCIDENT,
        R.OTHER_SCHEME,
        R.ALREADY_REFUNDED,
        R.DEADLINE_PASSED,
    )


def test_an_event_before_2000_is_reported_together_with_the_other_failures():
    decision = decide(insured_claim(birth_date="1930-01-01", has_pension=True, ceased_activity_on=None))
    assert decision.reasons == (R.STILL_EMPLOYED, R.HAS_PENSION, R.EVENT_BEFORE_2000)
    assert decision.period is None
    assert decision.deadline is None


@pytest.mark.parametrize(
    ("threshold_days", "days", "fails"),
    [
        ("P1", 3239, False),
        ("P1", 3240, True),
        ("P2", 3239, False),
        ("P2", 3240, True),
        ("P3", 1319, False),
        ("P3", 1320, True),
        ("P4", 1319, False),
        ("P4", 1320, True),
    ],
)
def test_pension_rights_start_at_the_period_threshold(threshold_days, days, fails):
    death_dates = {"P1": "2010-01-01", "P2": "2020-01-01", "P3": "2024-01-01", "P4": "2025-06-01"}
    death_date = death_dates[threshold_days]
    decision = decide(survivors_claim(death_date=death_date, filed_on=death_date, contribution_days=days))
    assert decision.period == threshold_days
    assert (R.PENSION_RIGHTS in decision.reasons) == fails


@pytest.mark.parametrize(
    ("flag", "reason"),
    [
        ("has_pension", R.HAS_PENSION),
        ("third_party_accident", R.THIRD_PARTY_ACCIDENT),
        ("other_scheme", R.OTHER_SCHEME),
        ("already_refunded", R.ALREADY_REFUNDED),
    ],
)
def test_a_survivors_claim_is_judged_on_the_deceased_insureds_record(flag, reason):
    decision = decide(survivors_claim(**{flag: True}))
    assert decision.reasons == (reason,)
    assert decision.outcome is Outcome.INELIGIBLE


def test_survivors_are_exempt_from_the_age_and_employment_conditions():
    case = survivors_claim(birth_date="1980-01-01", death_date="2025-06-01", ceased_activity_on=None)
    decision = decide(case)
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.event_date == date(2025, 6, 1)


def test_a_survivors_claim_filed_before_the_date_of_death_is_not_yet_receivable():
    decision = decide(survivors_claim(death_date="2025-06-01", filed_on="2025-05-31"))
    assert decision.reasons == (R.AGE_NOT_REACHED,)


@pytest.mark.parametrize(
    "beneficiaries",
    [[], [child("c1", "2000-01-01")], [child("c1", "2008-01-01", in_school=False)]],
    ids=["nobody listed", "adult child", "17-year-old neither at school nor apprentice"],
)
def test_a_survivors_claim_without_a_qualifying_beneficiary_is_refused(beneficiaries):
    decision = decide(survivors_claim(beneficiaries=beneficiaries))
    assert decision.reasons == (R.NO_ELIGIBLE_BENEFICIARY,)
    assert decision.shares == ()


def test_a_late_claim_with_force_majeure_and_nothing_else_wrong_goes_to_an_agent():
    decision = decide(insured_claim(filed_on="2031-01-01", force_majeure=True))
    assert decision.outcome is Outcome.MANUAL_REVIEW
    assert decision.reasons == (R.FORCE_MAJEURE_REVIEW,)
    assert decision.amount == decision.computed_amount


def test_a_late_claim_with_force_majeure_and_another_failure_is_refused_as_late():
    decision = decide(insured_claim(filed_on="2031-01-01", force_majeure=True, other_scheme=True))
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.reasons == (R.OTHER_SCHEME, R.DEADLINE_PASSED)


def test_force_majeure_on_a_claim_filed_in_time_changes_nothing():
    decision = decide(insured_claim(force_majeure=True))
    assert decision.outcome is Outcome.ELIGIBLE


def test_a_late_survivors_claim_with_force_majeure_goes_to_an_agent_with_its_shares():
    case = survivors_claim(
        death_date="2018-03-15", filed_on="2023-03-16", force_majeure=True, beneficiaries=[spouse("s1")]
    )
    decision = decide(case)
    assert decision.outcome is Outcome.MANUAL_REVIEW
    assert [share.id for share in decision.shares] == ["s1"]


@pytest.mark.parametrize(
    ("filed_on", "underground_years", "expected_event", "expected_reasons"),
    [
        ("2025-05-31", 4, "2030-06-01", (R.AGE_NOT_REACHED,)),
        ("2025-05-31", 5, "2025-06-01", (R.AGE_NOT_REACHED,)),
        ("2025-06-01", 4, "2030-06-01", (R.AGE_NOT_REACHED,)),
        ("2025-06-01", 5, "2025-06-01", ()),
        ("2030-06-01", 4, "2030-06-01", ()),
    ],
    ids=["54 with 4 years", "54 with 5 years", "55 with 4 years", "55 with 5 years", "60 with 4 years"],
)
def test_a_miner_claims_at_55_only_with_five_underground_years(
    filed_on, underground_years, expected_event, expected_reasons
):
    case = insured_claim(
        filed_on=filed_on,
        birth_date="1970-06-01",
        underground_mining_years=underground_years,
        ceased_activity_on="2025-01-31",
    )
    decision = decide(case)
    assert decision.event_date == date.fromisoformat(expected_event)
    assert decision.reasons == expected_reasons


@pytest.mark.parametrize("reason", [R.INSURED_UNKNOWN, R.REGISTRY_DATA_MISSING])
def test_a_claim_the_rules_cannot_judge_goes_to_an_agent_with_nothing_computed(reason):
    decision = undecidable(reason)
    assert decision.outcome is Outcome.MANUAL_REVIEW
    assert decision.to_section9_json() == {
        "outcome": "manual_review",
        "reasons": [reason.value],
        "period": None,
        "event_date": None,
        "deadline": None,
        "refund_basis": None,
        "amount": None,
        "shares": [],
        "undistributed": None,
    }


@pytest.mark.parametrize(
    ("underground_years", "expected_event", "expected_reasons"),
    [
        (4.9, "2030-06-01", (R.AGE_NOT_REACHED,)),
        (4.99, "2030-06-01", (R.AGE_NOT_REACHED,)),
        (Decimal("4.99"), "2030-06-01", (R.AGE_NOT_REACHED,)),
        (5, "2025-06-01", ()),
        (5.0, "2025-06-01", ()),
        (Decimal("5.00"), "2025-06-01", ()),
        (5.5, "2025-06-01", ()),
    ],
    ids=["4.9", "4.99", "Decimal 4.99", "5", "5.0", "Decimal 5.00", "5.5"],
)
def test_fractional_underground_years_count_only_once_they_reach_five(
    underground_years, expected_event, expected_reasons
):
    """DOMAIN.md section 9: 4.9 is under 5, 5 is enough; nothing is rounded and nothing is prorated."""
    case = insured_claim(
        filed_on="2025-06-01",  # the 55th birthday
        birth_date="1970-06-01",
        underground_mining_years=underground_years,
        ceased_activity_on="2025-01-31",
    )
    decision = decide(case)
    assert decision.event_date == date.fromisoformat(expected_event)
    assert decision.reasons == expected_reasons


@pytest.mark.parametrize(
    ("years", "age"), [(Decimal("0"), 60), (Decimal("4.99"), 60), (Decimal("5"), 55), (Decimal("5.0"), 55), (80, 55)]
)
def test_the_pension_age_compares_the_exact_years_with_the_minimum(years, age):
    assert pension_age(years) == age
