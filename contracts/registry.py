"""Career facts of an insured, published by the CNSS career systems for the eligibility service's registry."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, PlainSerializer, WithJsonSchema

from contracts.envelope import Contract, new_event_id, utc_now


def _years_json(years: Decimal) -> int | float:
    """A JSON number, as the rules read it: 5 stays 5, a fraction is the float whose repr is its digits (4.9)."""
    return int(years) if years == years.to_integral_value() else float(years)


# Underground years, counted by the registry from days worked: possibly fractional (4.9 is under 5), exact.
UndergroundYears = Annotated[
    Decimal,
    Field(ge=0, le=80, decimal_places=2),
    PlainSerializer(_years_json, return_type=int | float, when_used="json"),
    WithJsonSchema(
        {"type": "number", "minimum": 0, "maximum": 80, "description": "years, possibly fractional: at most 2 decimals"}
    ),
]


class YearContributions(Contract):
    year: int
    salary_share: Decimal = Decimal("0")
    employer_share: Decimal = Decimal("0")


class CareerRecord(Contract):
    birth_date: date
    death_date: date | None = None
    underground_mining_years: UndergroundYears = Field(default=0, validate_default=True)
    contribution_days: int
    ceased_activity_on: date | None = None
    has_pension: bool = False
    third_party_accident: bool = False
    other_scheme: bool = False
    already_refunded: bool = False
    contributions: tuple[YearContributions, ...] = ()


class InsuredRecordUpdated(Contract):
    """The whole career record of one insured, replacing the previous one. Keyed by registration number."""

    event_id: str = Field(default_factory=new_event_id, min_length=1, max_length=64)
    type: Literal["insured.record_updated"] = "insured.record_updated"
    version: Literal[1] = 1
    occurred_at: datetime = Field(default_factory=utc_now)
    correlation_id: str = Field(min_length=1, max_length=64)
    producer: str = Field(min_length=1, max_length=64)
    registration_number: str = Field(pattern=r"^\d{9}$")
    record: CareerRecord
