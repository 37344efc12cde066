import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts import Contribution
from services.eligibility.rules import (
    DEFAULT_REVALUATION,
    Case,
    Outcome,
    RefundBasis,
    RevaluationTable,
    decide,
    load_revaluation_table,
)
from services.eligibility.rules.amount import revalue

from .builders import insured_claim, insured_document, survivors_claim

RATES_FILE = Path(__file__).resolve().parents[3] / "services" / "eligibility" / "revaluation_rates.json"


def contributions(*rows: tuple[int, str, str]) -> list[dict[str, object]]:
    return [{"year": year, "salary_share": salary, "employer_share": employer} for year, salary, employer in rows]


def test_the_articles_example_revalues_40000_paid_ten_years_before_at_2_percent_to_48759_78():
    decision = decide(insured_claim(contributions=contributions((2015, "40000.00", "0"))))
    assert decision.amount == Decimal("48759.78")
    (row,) = decision.breakdown
    assert (row.year, row.base) == (2015, Decimal("40000.00"))
    assert row.factor == Decimal("1.21899441999475713024")
    assert row.revalued == Decimal("48759.7767997902852096")


def test_each_year_is_revalued_by_the_rates_of_every_following_year_up_to_the_event_year():
    table = RevaluationTable(default_rate=Decimal("0.02"), rates={2024: Decimal("0.10"), 2025: Decimal("0.05")})
    case = insured_claim(
        contributions=contributions((2023, "100.00", "0"), (2024, "100.00", "0"), (2025, "100.00", "0"))
    )
    decision = decide(case, table)
    assert [(row.year, row.factor) for row in decision.breakdown] == [
        (2023, Decimal("1.155")),
        (2024, Decimal("1.05")),
        (2025, Decimal("1")),
    ]
    assert decision.amount == Decimal("320.50")


def test_contributions_after_the_event_year_are_not_revalued():
    decision = decide(insured_claim(contributions=contributions((2025, "100.00", "0"), (2026, "100.00", "0"))))
    assert [row.factor for row in decision.breakdown] == [Decimal("1"), Decimal("1")]
    assert decision.amount == Decimal("200.00")


def test_several_rows_of_the_same_year_are_added_together():
    decision = decide(insured_claim(contributions=contributions((2025, "100.00", "10.00"), (2025, "50.00", "5.00"))))
    assert [(row.year, row.base) for row in decision.breakdown] == [(2025, Decimal("165.00"))]


@pytest.mark.parametrize(
    ("death_date", "expected_basis", "expected_amount"),
    [("2020-06-01", RefundBasis.SALARY, "1000.00"), ("2025-06-01", RefundBasis.SALARY_AND_EMPLOYER, "3000.00")],
)
def test_the_base_is_the_salary_share_before_2023_and_adds_the_employer_share_after(
    death_date, expected_basis, expected_amount
):
    case = survivors_claim(
        death_date=death_date,
        filed_on=death_date,
        contributions=contributions((int(death_date[:4]), "1000.00", "2000.00")),
    )
    decision = decide(case)
    assert decision.refund_basis is expected_basis
    assert decision.amount == Decimal(expected_amount)


def test_money_is_rounded_half_up_once_on_the_total_not_on_each_year():
    rows = contributions((2025, "0.005", "0"), (2024, "0", "0"))
    table = RevaluationTable(default_rate=Decimal("0"))
    result = revalue(
        [
            Contribution(year=2025, salary_share=Decimal("0.005")),
            Contribution(year=2024, salary_share=Decimal("0.005")),
        ],
        RefundBasis.SALARY,
        2025,
        table,
    )
    assert result.total == Decimal("0.01")
    assert decide(insured_claim(contributions=rows), table).amount == Decimal("0.01")


@pytest.mark.parametrize(("salary", "expected"), [("10.125", "10.13"), ("10.135", "10.14"), ("10.124", "10.12")])
def test_the_total_is_rounded_half_up_to_the_centime(salary, expected):
    table = RevaluationTable(default_rate=Decimal("0"))
    assert decide(insured_claim(contributions=contributions((2025, salary, "0"))), table).amount == Decimal(expected)


def test_the_cases_revaluation_overrides_the_configured_rates_year_by_year():
    configured = RevaluationTable(default_rate=Decimal("0.01"), rates={2024: Decimal("0.10"), 2025: Decimal("0.20")})
    document = insured_document(contributions=contributions((2023, "100.00", "0")))
    document["revaluation"] = {"default_rate": "0.03", "rates": {"2025": "0.05"}}
    decision = decide(Case.model_validate(document), configured)
    assert decision.breakdown[0].factor == Decimal("1.10") * Decimal("1.05")


def test_a_case_override_without_default_rate_keeps_the_configured_default():
    document = insured_document(contributions=contributions((2023, "100.00", "0")))
    document["revaluation"] = {"rates": {"2025": "0.05"}}
    decision = decide(Case.model_validate(document), RevaluationTable(default_rate=Decimal("0.10")))
    assert decision.breakdown[0].factor == Decimal("1.10") * Decimal("1.05")


def test_the_repository_rate_table_uses_the_2_percent_default_for_every_year():
    table = load_revaluation_table(json.loads(RATES_FILE.read_text(encoding="utf-8")))
    assert table.default_rate == Decimal("0.02")
    assert table.rates == {}
    assert table.rate_for(2019) == DEFAULT_REVALUATION.rate_for(2019)


@pytest.mark.parametrize(
    "document",
    [
        {"default_rate": 0.02},
        {"default_rate": "0.02", "rates": {"20x5": "0.01"}},
        {"default_rate": "-1"},
        {"default_rate": "0.02", "extra": 1},
        {"rates": {}},
    ],
    ids=["float rate", "bad year", "rate of -100%", "unknown key", "no default"],
)
def test_a_broken_rate_table_is_rejected(document):
    with pytest.raises(ValidationError):
        load_revaluation_table(document)


def test_a_claim_without_contributions_is_worth_zero():
    decision = decide(insured_claim(contributions=[]))
    assert (decision.amount, decision.breakdown) == (Decimal("0.00"), ())


def test_an_ineligible_claim_pays_nothing_but_keeps_the_computed_amount_for_agents():
    decision = decide(insured_claim(has_pension=True))
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.amount == Decimal("0.00")
    assert decision.computed_amount == Decimal("3312.24")
    assert decision.to_section9_json()["amount"] == "0.00"


def test_an_event_before_2000_has_no_basis_and_no_breakdown():
    decision = decide(insured_claim(birth_date="1938-05-05", ceased_activity_on="1998-05-05"))
    assert (decision.refund_basis, decision.computed_amount, decision.breakdown) == (None, None, ())
    assert decision.amount == Decimal("0.00")
