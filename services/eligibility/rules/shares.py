"""Survivors: who qualifies at the date of death (DOMAIN.md section 1) and their shares (section 5)."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import floor

from pydantic import BaseModel, ConfigDict

from contracts import Beneficiary
from contracts.eligibility import ShareOut
from contracts.scalars import CENT

from .dates import age_on

SPOUSES_SHARE = Fraction(1, 2)
CHILDREN_CAP = Fraction(1, 2)
ONE_PARENT_ORPHAN_SHARE = Fraction(1, 4)
FULL_ORPHAN_SHARE = Fraction(1, 2)


class Qualification(BaseModel):
    """Whether a listed beneficiary qualifies at the date of death, and their fraction of the amount."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    relation: str
    age_at_death: int | None
    qualifies: bool
    fraction: str


class Distribution(BaseModel):
    """Shares adding up exactly to the distributed total; the rest of the amount is not paid."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shares: tuple[ShareOut, ...]
    distributed: Decimal
    undistributed: Decimal


def child_qualifies(child: Beneficiary, death_date: date) -> bool:
    """Under 16; 16-17 at school or apprentice; 18-20 at school; sick under 21; disabled at any age."""
    if child.disabled:
        return True
    assert child.birth_date is not None
    age = age_on(child.birth_date, death_date)
    if age < 16:
        return True
    if age < 18:
        return child.in_school or child.apprentice or child.sick
    if age < 21:
        return child.in_school or child.sick
    return False


def _qualifies(beneficiary: Beneficiary, death_date: date) -> bool:
    return beneficiary.relation == "spouse" or child_qualifies(beneficiary, death_date)


def share_fractions(beneficiaries: Sequence[Beneficiary], death_date: date) -> list[Fraction]:
    """Each listed beneficiary's fraction of the amount, in listed order (0 for one who does not qualify)."""
    qualifying = [beneficiary for beneficiary in beneficiaries if _qualifies(beneficiary, death_date)]
    spouses = [beneficiary for beneficiary in qualifying if beneficiary.relation == "spouse"]
    children = [beneficiary for beneficiary in qualifying if beneficiary.relation == "child"]
    child_fractions = {child.id: _orphan_share(child) for child in children}
    if sum(child_fractions.values()) > CHILDREN_CAP:
        child_fractions = dict.fromkeys(child_fractions, CHILDREN_CAP / len(children))
    fractions = {spouse.id: SPOUSES_SHARE / len(spouses) for spouse in spouses} | child_fractions
    return [fractions.get(beneficiary.id, Fraction(0)) for beneficiary in beneficiaries]


def _orphan_share(child: Beneficiary) -> Fraction:
    return FULL_ORPHAN_SHARE if child.orphan_of == "both_parents" else ONE_PARENT_ORPHAN_SHARE


def qualify(beneficiaries: Sequence[Beneficiary], death_date: date) -> tuple[Qualification, ...]:
    fractions = share_fractions(beneficiaries, death_date)
    return tuple(
        Qualification(
            id=beneficiary.id,
            relation=beneficiary.relation,
            age_at_death=None if beneficiary.birth_date is None else age_on(beneficiary.birth_date, death_date),
            qualifies=_qualifies(beneficiary, death_date),
            fraction=str(fraction),
        )
        for beneficiary, fraction in zip(beneficiaries, fractions, strict=True)
    )


def distribute(amount: Decimal, fractions: Sequence[tuple[str, Fraction]]) -> Distribution:
    """Split `amount` by (id, fraction) in listed order; zero fractions get no share line.

    The distributed total is amount × Σ fractions rounded half-up; each share is rounded down to the centime,
    then the left-over centimes go one at a time to the largest rounding remainders (ties: listed order).
    """
    paid = [(beneficiary_id, fraction) for beneficiary_id, fraction in fractions if fraction > 0]
    exact_cents = Fraction(amount) * 100
    total_fraction = sum((fraction for _, fraction in paid), Fraction(0))
    distributed_cents = _round_half_up(exact_cents * total_fraction)
    raw_cents = [exact_cents * fraction for _, fraction in paid]
    cents = [floor(raw) for raw in raw_cents]
    left_over = distributed_cents - sum(cents)
    by_remainder = sorted(range(len(paid)), key=lambda index: (-(raw_cents[index] - cents[index]), index))
    for index in by_remainder[:left_over]:
        cents[index] += 1
    shares = tuple(
        ShareOut(id=beneficiary_id, amount=(Decimal(share_cents) * CENT))
        for (beneficiary_id, _), share_cents in zip(paid, cents, strict=True)
    )
    distributed_total = Decimal(distributed_cents) * CENT
    return Distribution(shares=shares, distributed=distributed_total, undistributed=amount - distributed_total)


def _round_half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))
