import hashlib
import hmac
import json
import os
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pydantic import ValidationError

from services.eligibility.inspection import (
    Filer,
    InspectionFacts,
    InspectionPolicy,
    InspectionReason,
    InspectionRules,
    facts_from_case,
    random_draw,
    select_for_inspection,
)
from services.eligibility.rules import decide

from .builders import insured_claim, spouse, survivors_claim

RULES_FILE = Path(__file__).resolve().parents[3] / "services" / "eligibility" / "inspection_rules.json"
SECRET = "test-secret"
NEVER_RANDOM = Decimal("0")

TRIGGERS = [
    ("amount_above_limit", InspectionReason.AMOUNT_ABOVE_LIMIT, {"amount": Decimal("100000.01")}),
    ("miner_early_claim", InspectionReason.MINER_EARLY_CLAIM, {"is_miner": True, "age_at_filing": 57}),
    ("force_majeure", InspectionReason.FORCE_MAJEURE, {"force_majeure": True}),
    ("filed_by_representative", InspectionReason.FILED_BY_REPRESENTATIVE, {"filed_by": Filer.GUARDIAN}),
    ("several_spouses", InspectionReason.SEVERAL_SPOUSES, {"spouse_count": 2}),
    ("flagged_document", InspectionReason.FLAGGED_DOCUMENT, {"flagged_documents": 1}),
    ("claim_after_refusal", InspectionReason.CLAIM_AFTER_REFUSAL, {"refused_before": True}),
]


@pytest.fixture(autouse=True)
def no_inspection_environment(monkeypatch):
    for name in [name for name in os.environ if name.startswith("ELIGIBILITY_INSPECTION_")]:
        monkeypatch.delenv(name)


def settings_with(rate: Decimal = NEVER_RANDOM, secret: str = SECRET, **rules: dict) -> InspectionPolicy:
    return InspectionPolicy(random_rate=rate, hmac_secret=secret, rules=InspectionRules.model_validate(rules))


def codes(selection) -> list[InspectionReason]:
    return [reason.code for reason in selection.reasons]


def test_the_draw_is_the_first_8_bytes_of_the_keyed_hash_over_2_to_the_64():
    digest = hmac.new(SECRET.encode(), b"RCS-2026-000001", hashlib.sha256).digest()
    assert random_draw(SECRET, "RCS-2026-000001") == Fraction(int.from_bytes(digest[:8], "big"), 2**64)


def test_the_draw_is_reproducible():
    first = select_for_inspection(InspectionFacts(reference="RCS-1"), settings_with(Decimal("0.5")))
    second = select_for_inspection(InspectionFacts(reference="RCS-1"), settings_with(Decimal("0.5")))
    assert first == second
    assert 0 <= first.drawn < 1


def test_the_draw_changes_with_the_secret():
    references = [f"RCS-{index}" for index in range(20)]
    assert [random_draw("one", ref) for ref in references] != [random_draw("two", ref) for ref in references]
    assert all(random_draw("one", ref) != random_draw("two", ref) for ref in references)


def test_a_draw_below_the_rate_selects_the_claim_with_the_drawn_value_and_the_rate():
    facts = InspectionFacts(reference="RCS-7")
    drawn = random_draw(SECRET, "RCS-7")
    just_above = Decimal(str(float(drawn))) + Decimal("1e-12")
    selection = select_for_inspection(facts, settings_with(just_above))
    assert selection.selected
    (reason,) = selection.reasons
    assert (reason.code, reason.drawn, reason.rate) == (InspectionReason.RANDOM, float(drawn), just_above)


def test_a_draw_at_or_above_the_rate_does_not_select():
    drawn = random_draw(SECRET, "RCS-7")
    just_below = Decimal(str(float(drawn))) - Decimal("1e-12")
    selection = select_for_inspection(InspectionFacts(reference="RCS-7"), settings_with(just_below))
    assert not selection.selected
    assert selection.reasons == ()
    assert selection.drawn == float(drawn)


@pytest.mark.parametrize(("rule", "code", "facts"), TRIGGERS)
def test_each_rule_selects_with_its_switch_on(rule, code, facts):
    selection = select_for_inspection(InspectionFacts(reference="RCS-1", **facts), settings_with())
    assert selection.selected
    assert codes(selection) == [code]


@pytest.mark.parametrize(("rule", "code", "facts"), TRIGGERS)
def test_each_rule_is_silent_with_its_switch_off(rule, code, facts):
    selection = select_for_inspection(
        InspectionFacts(reference="RCS-1", **facts), settings_with(**{rule: {"enabled": False}})
    )
    assert not selection.selected
    assert codes(selection) == []


@pytest.mark.parametrize(
    ("facts", "selected"),
    [
        ({"amount": Decimal("100000.00")}, False),
        ({"amount": Decimal("100000.01")}, True),
        ({"is_miner": True, "age_at_filing": 54}, False),
        ({"is_miner": True, "age_at_filing": 55}, True),
        ({"is_miner": True, "age_at_filing": 59}, True),
        ({"is_miner": True, "age_at_filing": 60}, False),
        ({"is_miner": False, "age_at_filing": 56}, False),
        ({"filed_by": Filer.DIVORCED_PARENT}, True),
        ({"filed_by": Filer.SPOUSE}, False),
        ({"spouse_count": 1}, False),
        ({"flagged_documents": 0}, False),
    ],
)
def test_each_rule_applies_its_threshold(facts, selected):
    assert select_for_inspection(InspectionFacts(reference="RCS-1", **facts), settings_with()).selected is selected


def test_a_threshold_comes_from_the_settings():
    settings = settings_with(amount_above_limit={"limit": "500.00"}, several_spouses={"minimum": 3})
    assert codes(
        select_for_inspection(InspectionFacts(reference="R", amount=Decimal("500.01"), spouse_count=2), settings)
    ) == [InspectionReason.AMOUNT_ABOVE_LIMIT]


def test_a_selection_lists_every_reason():
    facts = {key: value for _, _, trigger in TRIGGERS for key, value in trigger.items()}
    selection = select_for_inspection(InspectionFacts(reference="RCS-1", **facts), settings_with(Decimal("1")))
    assert codes(selection) == [code for _, code, _ in TRIGGERS] + [InspectionReason.RANDOM]


def test_the_repository_rules_file_loads_with_a_5_percent_rate_and_every_rule_on():
    document = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    settings = InspectionPolicy.from_rules_document(document, "secret")
    assert settings.random_rate == Decimal("0.05")
    assert all(getattr(settings.rules, name).enabled for name in InspectionRules.model_fields)
    assert settings.hmac_secret.get_secret_value() == "secret"


@pytest.mark.parametrize(
    "changes",
    [{"random_rate": "1.5"}, {"rules": {"unknown_rule": {"enabled": True}}}, {"hmac_secret": ""}],
    ids=["rate above 1", "unknown rule", "empty secret"],
)
def test_invalid_settings_are_rejected(changes):
    with pytest.raises(ValidationError):
        InspectionPolicy(**{"hmac_secret": SECRET, **changes})


def test_the_random_rate_defaults_to_5_percent():
    assert InspectionPolicy(hmac_secret=SECRET).random_rate == Decimal("0.05")


def test_the_measured_selection_rate_is_close_to_the_configured_rate():
    settings = settings_with(Decimal("0.05"))
    count = 20_000
    selected = sum(
        select_for_inspection(InspectionFacts(reference=f"RCS-{index}"), settings).selected for index in range(count)
    )
    assert abs(selected / count - 0.05) < 5 * (0.05 * 0.95 / count) ** 0.5


def test_the_facts_of_an_early_miner_claim_come_from_the_case_and_decision():
    case = insured_claim(
        filed_on="2025-06-01",
        birth_date="1970-06-01",
        underground_mining_years=5,
        ceased_activity_on="2025-01-31",
        force_majeure=True,
    )
    facts = facts_from_case("RCS-9", case, decide(case), refused_before=True, flagged_documents=2)
    assert (facts.is_miner, facts.age_at_filing, facts.force_majeure) == (True, 55, True)
    assert (facts.refused_before, facts.flagged_documents, facts.filed_by) == (True, 2, Filer.INSURED)
    assert facts.amount == decide(case).amount


def test_the_facts_of_a_survivors_claim_count_the_spouses():
    case = survivors_claim(beneficiaries=[spouse("s1"), spouse("s2")])
    facts = facts_from_case("RCS-9", case, decide(case), filed_by=Filer.SPOUSE)
    assert (facts.spouse_count, facts.is_miner, facts.filed_by) == (2, False, Filer.SPOUSE)
