"""The refund amount: each year's base revalued up to the event year (DOMAIN.md section 4).

amount = Σ_y base_y × Π_{k=y+1..year(E)} (1 + r_k), computed exactly in decimal and rounded half-up to the
centime once, on the total. Years after the event year have an empty product (factor 1); several rows for the
same year (several employers) are added together.
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, Inexact, localcontext

from pydantic import BaseModel, ConfigDict

from contracts import Contribution
from contracts.eligibility import YearBreakdown
from contracts.scalars import CENT

from .periods import RefundBasis
from .revaluation import RevaluationTable

_EXACT_PRECISION = 100_000


class Revaluation(BaseModel):
    """Every year's row (exact values) and the total rounded half-up to the centime."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: tuple[YearBreakdown, ...]
    total: Decimal


def yearly_bases(contributions: Iterable[Contribution], basis: RefundBasis) -> dict[int, Decimal]:
    """The refundable base of each year, in year order."""
    bases: dict[int, Decimal] = {}
    for contribution in contributions:
        base = contribution.salary_share
        if basis is RefundBasis.SALARY_AND_EMPLOYER:
            base += contribution.employer_share
        bases[contribution.year] = bases.get(contribution.year, Decimal(0)) + base
    return dict(sorted(bases.items()))


def revaluation_factor(year: int, event_year: int, table: RevaluationTable) -> Decimal:
    """Π_{k=year+1..event_year} (1 + r_k), exact."""
    factor = Decimal(1)
    with localcontext(prec=_EXACT_PRECISION, traps=[Inexact]):
        for later_year in range(year + 1, event_year + 1):
            factor *= 1 + table.rate_for(later_year)
    return factor


def revalue(
    contributions: Iterable[Contribution], basis: RefundBasis, event_year: int, table: RevaluationTable
) -> Revaluation:
    rows = []
    with localcontext(prec=_EXACT_PRECISION, traps=[Inexact]):
        for year, base in yearly_bases(contributions, basis).items():
            factor = revaluation_factor(year, event_year, table)
            rows.append(YearBreakdown(year=year, base=base, factor=factor, revalued=base * factor))
        exact_total = sum((row.revalued for row in rows), Decimal(0))
    return Revaluation(rows=tuple(rows), total=exact_total.quantize(CENT, rounding=ROUND_HALF_UP))
