import re

import pytest

from services.eligibility.rules import Outcome, ReasonCode, explain
from services.eligibility.rules.reasons import outcome_for

ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_is_explained_in_french_and_in_arabic(code):
    explanation = explain(code)
    assert set(explanation) == {"fr", "ar"}
    assert len(explanation["fr"]) > 20 and not ARABIC_LETTER.search(explanation["fr"])
    assert len(ARABIC_LETTER.findall(explanation["ar"])) > 10


def test_an_explanation_can_be_asked_for_by_its_code_string():
    assert explain("DEADLINE_PASSED") == explain(ReasonCode.DEADLINE_PASSED)


def test_an_unknown_code_has_no_explanation():
    with pytest.raises(ValueError):
        explain("NOT_A_CODE")


def test_each_code_has_its_own_explanation():
    assert len({explain(code)["fr"] for code in ReasonCode}) == len(ReasonCode)
    assert len({explain(code)["ar"] for code in ReasonCode}) == len(ReasonCode)


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        ((), Outcome.ELIGIBLE),
        ((ReasonCode.FORCE_MAJEURE_REVIEW,), Outcome.MANUAL_REVIEW),
        ((ReasonCode.INSURED_UNKNOWN,), Outcome.MANUAL_REVIEW),
        ((ReasonCode.REGISTRY_DATA_MISSING,), Outcome.MANUAL_REVIEW),
        ((ReasonCode.DEADLINE_PASSED,), Outcome.INELIGIBLE),
        ((ReasonCode.REGISTRY_DATA_MISSING, ReasonCode.HAS_PENSION), Outcome.INELIGIBLE),
    ],
)
def test_any_failing_condition_refuses_and_review_reasons_alone_go_to_an_agent(reasons, expected):
    assert outcome_for(reasons) is expected
