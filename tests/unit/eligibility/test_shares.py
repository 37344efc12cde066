from decimal import Decimal
from fractions import Fraction

import pytest

from services.eligibility.rules import Outcome, decide
from services.eligibility.rules.shares import distribute

from .builders import child, insured_claim, spouse, survivors_claim

WORKED_EXAMPLE_CONTRIBUTIONS = [{"year": 2015, "salary_share": "40000.00"}]


def shares_of(decision) -> dict[str, str]:
    return {share["id"]: share["amount"] for share in decision.to_section9_json()["shares"]}


def test_the_articles_survivors_example_splits_48759_78_between_a_spouse_and_two_orphans():
    beneficiaries = [
        spouse("spouse"),
        child("one_parent", "2012-03-01"),
        child("both_parents", "2014-09-01", orphan_of="both_parents"),
    ]
    case = survivors_claim(beneficiaries=beneficiaries, contributions=WORKED_EXAMPLE_CONTRIBUTIONS)
    decision = decide(case)
    assert decision.to_section9_json()["amount"] == "48759.78"
    assert shares_of(decision) == {"spouse": "24379.89", "one_parent": "12189.95", "both_parents": "12189.94"}
    assert decision.to_section9_json()["undistributed"] == "0.00"


def test_a_tied_left_over_centime_goes_to_the_first_listed_beneficiary():
    beneficiaries = [
        child("both_parents", "2014-09-01", orphan_of="both_parents"),
        spouse("spouse"),
        child("one_parent", "2012-03-01"),
    ]
    decision = decide(survivors_claim(beneficiaries=beneficiaries, contributions=WORKED_EXAMPLE_CONTRIBUTIONS))
    assert shares_of(decision) == {"both_parents": "12189.95", "spouse": "24379.89", "one_parent": "12189.94"}


@pytest.mark.parametrize(
    ("spouse_count", "expected_each", "expected_undistributed"),
    [
        (1, ["500.00"], "500.00"),
        (2, ["250.00", "250.00"], "500.00"),
        (3, ["166.67", "166.67", "166.66"], "500.00"),
        (4, ["125.00"] * 4, "500.00"),
    ],
)
def test_spouses_share_half_of_the_amount_equally(spouse_count, expected_each, expected_undistributed):
    beneficiaries = [spouse(f"s{index}") for index in range(spouse_count)]
    decision = decide(
        survivors_claim(beneficiaries=beneficiaries, contributions=[{"year": 2025, "salary_share": "1000.00"}])
    )
    assert list(shares_of(decision).values()) == expected_each
    assert decision.to_section9_json()["undistributed"] == expected_undistributed


@pytest.mark.parametrize(
    ("orphans", "expected_fractions"),
    [
        (["one_parent"], ["1/4"]),
        (["both_parents"], ["1/2"]),
        (["one_parent", "one_parent"], ["1/4", "1/4"]),
        (["one_parent", "both_parents"], ["1/4", "1/4"]),
        (["both_parents", "both_parents"], ["1/4", "1/4"]),
        (["one_parent", "one_parent", "one_parent"], ["1/6", "1/6", "1/6"]),
        (["both_parents", "one_parent", "one_parent", "one_parent"], ["1/8"] * 4),
    ],
)
def test_the_children_together_never_get_more_than_half(orphans, expected_fractions):
    beneficiaries = [child(f"c{index}", "2015-01-01", orphan_of=orphan) for index, orphan in enumerate(orphans)]
    decision = decide(survivors_claim(beneficiaries=beneficiaries))
    assert [qualification.fraction for qualification in decision.beneficiaries] == expected_fractions
    assert sum(Fraction(fraction) for fraction in expected_fractions) <= Fraction(1, 2)


def test_what_no_spouse_takes_is_reported_as_undistributed():
    decision = decide(
        survivors_claim(
            beneficiaries=[child("c1", "2015-01-01")], contributions=[{"year": 2025, "salary_share": "1000.00"}]
        )
    )
    assert shares_of(decision) == {"c1": "250.00"}
    assert decision.to_section9_json()["undistributed"] == "750.00"


def test_a_listed_beneficiary_who_does_not_qualify_gets_no_share():
    beneficiaries = [spouse("s1"), child("adult", "1990-01-01")]
    decision = decide(
        survivors_claim(beneficiaries=beneficiaries, contributions=[{"year": 2025, "salary_share": "1000.00"}])
    )
    assert shares_of(decision) == {"s1": "500.00"}
    assert [q.qualifies for q in decision.beneficiaries] == [True, False]


def test_the_left_over_centimes_go_to_the_largest_rounding_remainder_even_if_listed_later():
    distribution = distribute(Decimal("0.07"), [("spouse", Fraction(1, 2)), ("child", Fraction(1, 4))])
    assert distribution.distributed == Decimal("0.05")
    assert [(share.id, share.amount) for share in distribution.shares] == [
        ("spouse", Decimal("0.03")),
        ("child", Decimal("0.02")),
    ]
    assert distribution.undistributed == Decimal("0.02")


def test_the_distributed_total_is_the_amount_times_the_shares_rounded_half_up():
    distribution = distribute(Decimal("0.10"), [("a", Fraction(1, 4))])
    assert distribution.distributed == Decimal("0.03")
    assert distribution.shares[0].amount == Decimal("0.03")


@pytest.mark.parametrize(
    ("birth_date", "flags", "qualifies"),
    [
        ("2009-06-02", {}, True),
        ("2009-06-01", {}, False),
        ("2009-06-01", {"in_school": True}, True),
        ("2009-06-01", {"apprentice": True}, True),
        ("2007-06-02", {"apprentice": True}, True),
        ("2007-06-01", {"apprentice": True}, False),
        ("2007-06-01", {"in_school": True}, True),
        ("2004-06-02", {"in_school": True}, True),
        ("2004-06-01", {"in_school": True}, False),
        ("2006-01-01", {"sick": True}, True),
        ("2008-01-01", {"sick": True}, True),
        ("2004-06-01", {"sick": True}, False),
        ("1980-01-01", {"disabled": True}, True),
        ("2025-12-01", {}, True),
    ],
    ids=[
        "15",
        "16",
        "16 at school",
        "16 apprentice",
        "17 apprentice",
        "18 apprentice",
        "18 at school",
        "20 at school",
        "21 at school",
        "19 sick",
        "17 sick",
        "21 sick",
        "45 disabled",
        "born after the death",
    ],
)
def test_a_child_qualifies_by_age_at_the_date_of_death(birth_date, flags, qualifies):
    decision = decide(survivors_claim(death_date="2025-06-01", beneficiaries=[child("c1", birth_date, **flags)]))
    assert decision.beneficiaries[0].qualifies is qualifies
    assert (decision.outcome is Outcome.ELIGIBLE) is qualifies


def test_an_insured_claim_has_no_shares_and_no_undistributed_amount():
    decision = decide(insured_claim()).to_section9_json()
    assert (decision["shares"], decision["undistributed"]) == ([], None)


def test_an_ineligible_survivors_claim_pays_no_share():
    decision = decide(survivors_claim(has_pension=True)).to_section9_json()
    assert (decision["amount"], decision["shares"], decision["undistributed"]) == ("0.00", [], "0.00")
