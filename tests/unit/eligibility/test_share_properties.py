from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from services.eligibility.rules import Case, decide
from services.eligibility.rules.shares import distribute, share_fractions

DEATH_DATE = date(2025, 6, 1)

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999.99"), places=2)


@st.composite
def beneficiary_lists(draw):
    count = draw(st.integers(min_value=0, max_value=8))
    beneficiaries = []
    for index in range(count):
        relation = draw(st.sampled_from(["spouse", "child"]))
        age_days = draw(st.integers(min_value=-200, max_value=30 * 366))
        beneficiaries.append(
            {
                "id": f"b{index}",
                "relation": relation,
                "birth_date": (DEATH_DATE - timedelta(days=age_days)).isoformat(),
                "orphan_of": draw(st.sampled_from(["one_parent", "both_parents"])),
                "in_school": draw(st.booleans()),
                "apprentice": draw(st.booleans()),
                "sick": draw(st.booleans()),
                "disabled": draw(st.booleans()),
            }
        )
    return beneficiaries


def survivors_case(beneficiaries, salary: Decimal) -> Case:
    return Case.model_validate(
        {
            "filed_on": "2026-01-15",
            "claimant": "survivors",
            "insured": {
                "birth_date": "1970-01-01",
                "death_date": DEATH_DATE.isoformat(),
                "contribution_days": 500,
                "contributions": [{"year": 2019, "salary_share": str(salary), "employer_share": "123.45"}],
            },
            "beneficiaries": beneficiaries,
        }
    )


def fractions_of(case: Case) -> list[tuple[str, Fraction]]:
    fractions = share_fractions(case.beneficiaries, DEATH_DATE)
    return [(b.id, fraction) for b, fraction in zip(case.beneficiaries, fractions, strict=True)]


@settings(max_examples=300)
@given(amount=amounts, beneficiaries=beneficiary_lists())
def test_shares_never_exceed_the_amount_and_always_add_up_to_the_distributed_total(amount, beneficiaries):
    fractions = fractions_of(survivors_case(beneficiaries, Decimal("1")))
    distribution = distribute(amount, fractions)
    assert sum((share.amount for share in distribution.shares), Decimal(0)) == distribution.distributed
    assert distribution.distributed + distribution.undistributed == amount
    assert distribution.undistributed >= 0
    assert all(Decimal(0) <= share.amount <= amount for share in distribution.shares)
    total_fraction = sum((fraction for _, fraction in fractions), Fraction(0))
    assert total_fraction <= 1
    assert abs(Fraction(distribution.distributed) - Fraction(amount) * total_fraction) <= Fraction(1, 200)


@settings(max_examples=200)
@given(amount=amounts, beneficiaries=beneficiary_lists())
def test_each_share_is_within_a_centime_of_its_exact_value(amount, beneficiaries):
    fractions = fractions_of(survivors_case(beneficiaries, Decimal("1")))
    for share in distribute(amount, fractions).shares:
        exact = Fraction(amount) * dict(fractions)[share.id]
        assert abs(Fraction(share.amount) - exact) < Fraction(1, 100)


def _has_cross_value_tie(amount: Decimal, fractions: list[tuple[str, Fraction]]) -> bool:
    cents = [Fraction(amount) * 100 * fraction for _, fraction in fractions if fraction > 0]
    remainders: dict[Fraction, set[Fraction]] = {}
    for raw in cents:
        remainders.setdefault(raw - int(raw), set()).add(raw)
    return any(len(raw_values) > 1 for raw_values in remainders.values())


@settings(max_examples=200)
@given(salary=amounts, beneficiaries=beneficiary_lists(), data=st.data())
def test_the_decision_never_depends_on_the_order_of_the_beneficiaries(salary, beneficiaries, data):
    shuffled = data.draw(st.permutations(beneficiaries))
    original = decide(survivors_case(beneficiaries, salary))
    reordered = decide(survivors_case(shuffled, salary))
    assert (original.outcome, original.reasons) == (reordered.outcome, reordered.reasons)
    assert (original.amount, original.undistributed) == (reordered.amount, reordered.undistributed)
    first = {share.id: share.amount for share in original.shares}
    second = {share.id: share.amount for share in reordered.shares}
    assert first.keys() == second.keys()
    assert all(abs(first[key] - second[key]) <= Decimal("0.01") for key in first)
    if not _has_cross_value_tie(original.amount, fractions_of(survivors_case(beneficiaries, salary))):
        assert Counter(first.values()) == Counter(second.values())
