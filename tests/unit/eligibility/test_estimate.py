"""The eligibility check before filing: the registry record with the insured's "what if" figures, judged by the
same case building and `decide` as a submitted claim, each condition in words; and whose record a caller sees."""

from datetime import date

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from contracts import CareerRecord, ClaimDetails
from services.eligibility.api import eligibility_router, whose_record
from services.eligibility.domain import case_for, summary_of
from services.eligibility.estimate import EstimateRequest, conditions, estimate
from services.eligibility.rules import DEFAULT_REVALUATION, ReasonCode, decide
from services.eligibility.rules.reasons import INSURED_CONDITIONS, describe_condition, explain
from services.runtime.auth import Caller
from tests.unit.eligibility.builders import BASE_INSURED
from tests.unit.eligibility.test_reasons import ARABIC_LETTER

TODAY = date(2026, 3, 1)
INSURED = Caller("123456789", is_agent=False, roles=frozenset({"insured"}))


def estimated(career: dict | None = None, **request) -> dict:
    record = CareerRecord.model_validate(BASE_INSURED | (career or {}))
    return estimate(record, EstimateRequest(**request), TODAY, DEFAULT_REVALUATION)


def failing(answer: dict) -> list[str]:
    return [condition["code"] for condition in answer["conditions"] if not condition["met"]]


def test_an_eligible_insured_sees_every_condition_met_the_period_the_deadline_and_the_amount_by_year():
    answer = estimated()
    assert (answer["outcome"], answer["period"], answer["event_date"]) == ("eligible", "P4", "2025-04-10")
    assert answer["deadline"] == "2030-12-31" and answer["amount"] == "3312.24"  # 3,000 x 1.02^5
    assert [row["year"] for row in answer["breakdown"]] == [2020]
    assert [c["code"] for c in answer["conditions"]] == [code.value for code in INSURED_CONDITIONS]
    assert failing(answer) == [] and all(c["fr"] and c["ar"] for c in answer["conditions"])
    assert answer["registry"] == {
        "birth_date": "1965-04-10",
        "contribution_days": 900,
        "ceased_activity_on": "2025-12-31",
        "underground_mining_years": 0,  # the registry keeps every field, 0 when it counts none
    }


def test_the_estimate_is_the_decision_a_claim_filed_the_same_day_gets():
    claim = ClaimDetails(
        reference="RCS-1",
        filed_on=TODAY,
        claimant_type="insured",
        registration_number="123456789",
        applicant_name="A",
        phone="+212612345678",
        force_majeure=True,
    )
    by_handler = summary_of(
        decide(case_for(claim, CareerRecord.model_validate(BASE_INSURED)), DEFAULT_REVALUATION)
    ).model_dump(mode="json")
    answer = estimated(force_majeure=True)
    assert {key: answer[key] for key in by_handler} == by_handler


def test_what_if_i_stopped_working_turns_still_employed_into_met():
    still_working = estimated({"ceased_activity_on": None})
    assert (still_working["outcome"], failing(still_working)) == ("ineligible", ["STILL_EMPLOYED"])
    assert still_working["registry"]["ceased_activity_on"] is None
    assert failing(estimated({"ceased_activity_on": None}, ceased_activity_on="2026-01-31")) == []


def test_what_if_i_worked_five_years_underground_brings_the_age_down_to_55():
    miner = {"birth_date": "1970-05-01", "ceased_activity_on": "2025-01-31"}
    assert failing(estimated(miner)) == ["AGE_NOT_REACHED"]
    answer = estimated(miner, underground_mining_years=5)
    assert (answer["outcome"], answer["event_date"]) == ("eligible", "2025-05-01")


def test_a_late_claim_with_force_majeure_goes_to_an_agent_and_shows_the_deadline_missed():
    late = {"birth_date": "1955-01-01", "ceased_activity_on": "2014-12-31"}
    answer = estimated(late, force_majeure=True)
    assert (answer["outcome"], answer["reasons"]) == ("manual_review", ["FORCE_MAJEURE_REVIEW"])
    assert failing(answer) == ["DEADLINE_PASSED"]
    assert failing(estimated(late)) == ["DEADLINE_PASSED"]


def test_pension_rights_and_a_condition_of_the_survivors_failing_on_an_insured_are_both_listed():
    answer = estimated({"contribution_days": 3500, "third_party_accident": True})
    assert failing(answer) == ["PENSION_RIGHTS", "THIRD_PARTY_ACCIDENT"]
    assert answer["conditions"][-1]["code"] == "THIRD_PARTY_ACCIDENT"


def test_a_condition_is_worded_differently_met_and_not_met_in_both_languages():
    for code in (*INSURED_CONDITIONS, ReasonCode.THIRD_PARTY_ACCIDENT, ReasonCode.NO_ELIGIBLE_BENEFICIARY):
        met, unmet = describe_condition(code, True), describe_condition(code, False)
        assert unmet == explain(code) and met["fr"] != unmet["fr"] and met["ar"] != unmet["ar"]
        assert len(ARABIC_LETTER.findall(met["ar"])) > 10 and not ARABIC_LETTER.search(met["fr"])


def test_review_reasons_are_not_conditions():
    assert [c["code"] for c in conditions((ReasonCode.INSURED_UNKNOWN,))] == [c.value for c in INSURED_CONDITIONS]


@pytest.mark.parametrize(
    "field, value", [("underground_mining_years", -1), ("registration_number", "12345"), ("filed_on", "2026-01-01")]
)
def test_a_what_if_request_with_a_bad_or_unknown_field_is_refused(field, value):
    with pytest.raises(ValueError, match=field):
        EstimateRequest(**{field: value})


def test_an_insured_sees_their_own_record_and_an_agent_the_one_they_name():
    assert whose_record(EstimateRequest(), INSURED) == "123456789"
    assert whose_record(EstimateRequest(registration_number="123456789"), INSURED) == "123456789"
    assert whose_record(EstimateRequest(registration_number="234567891"), Caller("a1", True)) == "234567891"


@pytest.mark.parametrize(
    "request_, caller, status",
    [
        (EstimateRequest(registration_number="234567891"), INSURED, 403),
        (EstimateRequest(), Caller("123456789", is_agent=False), 403),
        (EstimateRequest(), Caller("a1", is_agent=True), 422),
    ],
    ids=["someone-elses-record", "no-insured-role", "agent-naming-nobody"],
)
def test_a_caller_cannot_see_a_record_that_is_not_theirs(request_, caller, status):
    with pytest.raises(HTTPException) as raised:
        whose_record(request_, caller)
    assert raised.value.status_code == status


class Registry:
    async def find(self, number: str) -> CareerRecord | None:
        return CareerRecord.model_validate(BASE_INSURED) if number == "123456789" else None


def test_the_route_answers_the_estimate_and_404_for_an_insured_the_registry_does_not_know():
    def caller_named(subject: str):
        app = FastAPI()
        caller = Caller(subject, is_agent=False, roles=frozenset({"insured"}))
        app.include_router(eligibility_router(Registry(), DEFAULT_REVALUATION, lambda: caller, today=lambda: TODAY))
        return TestClient(app)

    answer = caller_named("123456789").post("/estimate", json={"force_majeure": False})
    assert (answer.status_code, answer.json()["outcome"]) == (200, "eligible")
    unknown = caller_named("987654321").post("/estimate", json={})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "insured_unknown")


def test_the_filing_rules_are_the_periods_and_ages_the_rules_apply_and_need_no_sign_in():
    app = FastAPI()
    app.include_router(eligibility_router(Registry(), DEFAULT_REVALUATION, lambda: None))
    rules = TestClient(app).get("/filing-rules").json()
    assert [period["code"] for period in rules["periods"]] == ["P1", "P2", "P3", "P4"]
    assert rules["periods"][0]["deadline_on"] == "2016-07-31"
    assert rules["periods"][3] | {"ends_on": None} == rules["periods"][3]  # the last one has no end
    assert rules["periods"][1]["deadline_years_after_retirement"] == 5
    assert rules["ages"] == {"normal_age": 60, "miner_age": 55, "miner_min_underground_years": 5}


def test_without_a_period_the_threshold_and_the_deadline_are_left_out_not_shown_as_met():
    answer = estimated({"birth_date": "1935-05-01", "ceased_activity_on": "1994-12-31"})  # 60 in 1995
    assert answer["outcome"] == "ineligible" and answer["period"] is None
    codes = [condition["code"] for condition in answer["conditions"]]
    assert "PENSION_RIGHTS" not in codes and "DEADLINE_PASSED" not in codes
    assert "EVENT_BEFORE_2000" in failing(answer)


@pytest.mark.parametrize(
    ("years", "outcome", "event_date"),
    [(4.99, "ineligible", "2030-05-01"), ("4.99", "ineligible", "2030-05-01"), (5.0, "eligible", "2025-05-01")],
)
def test_what_if_i_worked_a_fraction_of_a_year_underground_counts_only_from_five_years(years, outcome, event_date):
    miner = {"birth_date": "1970-05-01", "ceased_activity_on": "2025-01-31"}
    answer = estimated(miner, underground_mining_years=years)
    assert (answer["outcome"], answer["event_date"]) == (outcome, event_date)


@pytest.mark.parametrize(("years", "exact"), [(4.5, "4.5"), ("4.50", "4.50"), (5, "5"), ("0.01", "0.01")])
def test_the_what_if_years_are_an_exact_decimal(years, exact):
    assert str(EstimateRequest(underground_mining_years=years).underground_mining_years) == exact


@pytest.mark.parametrize("years", [4.999, "4.999", -0.5, 80.01, True, "4,5", "nan"])
def test_what_if_years_with_more_than_two_decimals_out_of_bounds_or_not_a_number_are_refused(years):
    with pytest.raises(ValueError, match="underground_mining_years"):
        EstimateRequest(underground_mining_years=years)


def test_the_route_takes_fractional_what_if_years_as_a_json_number_or_string_and_refuses_three_decimals():
    class MinerRegistry:
        async def find(self, number: str) -> CareerRecord | None:
            return CareerRecord.model_validate(
                BASE_INSURED | {"birth_date": "1970-05-01", "ceased_activity_on": "2025-01-31"}
            )

    app = FastAPI()
    app.include_router(eligibility_router(MinerRegistry(), DEFAULT_REVALUATION, lambda: INSURED, today=lambda: TODAY))
    client = TestClient(app)
    for years, outcome in ((4.9, "ineligible"), ("4.9", "ineligible"), (5.0, "eligible"), ("5.00", "eligible")):
        answer = client.post("/estimate", json={"underground_mining_years": years})
        assert (answer.status_code, answer.json()["outcome"]) == (200, outcome), years
    refused = client.post("/estimate", json={"underground_mining_years": 4.999})
    assert refused.status_code == 422 and "underground_mining_years" in refused.text
