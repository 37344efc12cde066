import copy
import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from contracts import CareerRecord
from contracts.scalars import JsonNumber
from services.eligibility.rules import Case, describe_case_error

from .builders import insured_document

MINIMAL = {"filed_on": "2026-02-01", "insured": {"birth_date": "1965-04-10", "contribution_days": 900}}


def test_a_minimal_case_takes_the_section_9_defaults():
    case = Case.model_validate(MINIMAL)
    assert (case.claimant, case.force_majeure, case.beneficiaries, case.revaluation) == ("insured", False, (), None)
    insured = case.insured
    assert (insured.death_date, insured.underground_mining_years, insured.ceased_activity_on) == (None, 0, None)
    assert not any([insured.has_pension, insured.third_party_accident, insured.other_scheme, insured.already_refunded])
    assert insured.contributions == ()


def test_a_beneficiary_takes_the_section_9_defaults():
    document = {**MINIMAL, "claimant": "survivors", "beneficiaries": [{"id": "b1", "relation": "spouse"}]}
    document["insured"] = {**MINIMAL["insured"], "death_date": "2025-01-01"}
    (beneficiary,) = Case.model_validate(document).beneficiaries
    assert (beneficiary.birth_date, beneficiary.orphan_of) == (None, "one_parent")
    assert not any([beneficiary.in_school, beneficiary.apprentice, beneficiary.sick, beneficiary.disabled])


def test_dates_and_money_are_parsed_exactly():
    case = Case.model_validate(insured_document())
    assert case.filed_on == date(2026, 2, 1)
    assert case.insured.contributions[0].employer_share == Decimal("2000.00")
    assert isinstance(case.insured.contributions[0].salary_share, Decimal)


def test_a_case_is_frozen():
    case = Case.model_validate(MINIMAL)
    with pytest.raises(ValidationError):
        case.filed_on = date(2027, 1, 1)


def _set(document: dict, path: str, value: object) -> dict:
    changed = copy.deepcopy(document)
    *parents, last = path.split(".")
    target = changed
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return changed


_DELETE = object()

MALFORMED = [
    ("insured.birth_date", "1965-13-01", "insured.birth_date: invalid date '1965-13-01'"),
    ("insured.birth_date", "10/04/1965", "insured.birth_date: invalid date '10/04/1965'"),
    ("insured.birth_date", 19650410, "insured.birth_date: invalid date 19650410"),
    ("filed_on", _DELETE, "filed_on: required field missing"),
    ("filed_onn", "2026-02-01", "filed_onn: unknown field"),
    ("insured.birth_dat", "1965-04-10", "insured.birth_dat: unknown field"),
    ("insured.contribution_days", "900", "insured.contribution_days: expected an integer, got '900'"),
    ("insured.contribution_days", -1, "insured.contribution_days: Input should be greater than or equal to 0"),
    ("force_majeure", "yes", "force_majeure: expected true or false, got 'yes'"),
    ("force_majeure", 1, "force_majeure: expected true or false, got 1"),
    ("claimant", "heir", "claimant: Input should be 'insured' or 'survivors'"),
    ("insured.contributions.0.salary_share", 1000.5, "insured.contributions[0].salary_share: invalid amount 1000.5"),
    (
        "insured.contributions.0.salary_share",
        "1,000.00",
        "insured.contributions[0].salary_share: invalid amount '1,000.00'",
    ),
    ("insured.contributions.0.salary_share", "-5.00", "insured.contributions[0].salary_share: invalid amount '-5.00'"),
    ("insured.contributions.0.employer_share", "NaN", "insured.contributions[0].employer_share: invalid amount 'NaN'"),
    ("insured.contributions.0.year", "2020", "insured.contributions[0].year: expected an integer, got '2020'"),
    ("insured.contributions", {}, "insured.contributions: expected a list, got {}"),
    ("insured", [], "insured: expected an object, got []"),
    ("revaluation", {"rates": {"20x5": "0.01"}}, "revaluation.rates.20x5 (key): invalid year '20x5'"),
    ("revaluation", {"default_rate": 0.02}, "revaluation.default_rate: invalid rate 0.02"),
    (
        "insured.underground_mining_years",
        "4.9",
        "insured.underground_mining_years: expected a number of years, got '4.9'",
    ),
    (
        "insured.underground_mining_years",
        True,
        "insured.underground_mining_years: expected a number of years, got true",
    ),
    (
        "insured.underground_mining_years",
        None,
        "insured.underground_mining_years: expected a number of years, got null",
    ),
    (
        "insured.underground_mining_years",
        -0.01,
        "insured.underground_mining_years: invalid years -0.01: must be between 0 and 80",
    ),
    (
        "insured.underground_mining_years",
        80.01,
        "insured.underground_mining_years: invalid years 80.01: must be between 0 and 80",
    ),
    (
        "insured.underground_mining_years",
        float("nan"),
        "insured.underground_mining_years: invalid years NaN: must be between 0 and 80",
    ),
    (
        "insured.underground_mining_years",
        4.999,
        "insured.underground_mining_years: invalid years 4.999: at most 2 decimals",
    ),
    (
        "insured.underground_mining_years",
        Decimal("4.995"),
        'insured.underground_mining_years: invalid years "4.995": at most 2 decimals',
    ),
]


@pytest.mark.parametrize(("path", "value", "expected"), MALFORMED)
def test_a_malformed_case_is_described_in_one_line_naming_the_field(path, value, expected):
    with pytest.raises(ValidationError) as raised:
        Case.model_validate(_set(insured_document(), path, value))
    assert describe_case_error(raised.value) == expected


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({**MINIMAL, "claimant": "survivors"}, "insured.death_date: required for a survivors' claim"),
        (
            {**MINIMAL, "beneficiaries": [{"id": "b1", "relation": "child"}]},
            "beneficiaries[0].birth_date: required for a child",
        ),
        (
            {**MINIMAL, "beneficiaries": [{"id": "b1", "relation": "spouse"}, {"id": "b1", "relation": "spouse"}]},
            "beneficiaries[1].id: duplicate id 'b1'",
        ),
        ([], "case: expected an object, got []"),
    ],
)
def test_an_inconsistent_case_names_the_field_at_fault(document, expected):
    with pytest.raises(ValidationError) as raised:
        Case.model_validate(document)
    assert describe_case_error(raised.value) == expected


def test_several_errors_are_counted_on_the_same_line():
    with pytest.raises(ValidationError) as raised:
        Case.model_validate({"insured": {}})
    assert describe_case_error(raised.value) == "filed_on: required field missing (and 2 more)"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (4.9, "4.9"),
        (4.99, "4.99"),
        (0.01, "0.01"),
        (5, "5"),
        (5.0, "5.0"),
        (80, "80"),
        (Decimal("4.90"), "4.90"),
        (JsonNumber("4.90"), "4.90"),
        (JsonNumber("5e0"), "5"),
    ],
)
def test_underground_years_are_parsed_exactly_as_written(given, expected):
    years = Case.model_validate(insured_document(underground_mining_years=given)).insured.underground_mining_years
    assert isinstance(years, Decimal) and str(years) == expected  # not Decimal(4.9) = 4.9000000000000003552...


@pytest.mark.parametrize(("given", "dumped"), [(0, 0), (5, 5), (5.0, 5), (4.9, 4.9), (Decimal("4.99"), 4.99)])
def test_underground_years_go_back_to_json_as_the_same_number(given, dumped):
    """The registry stores the rules' record as JSON: integers stay integers, fractions read back unchanged."""
    insured = CareerRecord.model_validate({**MINIMAL["insured"], "underground_mining_years": given})
    stored = insured.model_dump(mode="json")["underground_mining_years"]
    assert stored == dumped and type(stored) is type(dumped)
    read_back = CareerRecord.model_validate(json.loads(json.dumps(insured.model_dump(mode="json"))))
    assert read_back == insured


def test_the_registrys_career_record_carries_fractional_years_to_the_rules_exactly():
    record = CareerRecord.model_validate({**MINIMAL["insured"], "underground_mining_years": 4.9})
    assert record.underground_mining_years == Decimal("4.9")
    insured = CareerRecord.model_validate(record.model_dump(mode="json"))  # as the eligibility handler does
    assert str(insured.underground_mining_years) == "4.9"
    assert CareerRecord.model_validate(MINIMAL["insured"]).model_dump(mode="json")["underground_mining_years"] == 0


@pytest.mark.parametrize("years", [4.999, -1, 80.5, True, "abc"])
def test_the_registrys_career_record_refuses_impossible_underground_years(years):
    with pytest.raises(ValidationError, match="underground_mining_years"):
        CareerRecord.model_validate({**MINIMAL["insured"], "underground_mining_years": years})
