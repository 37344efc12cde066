"""Career facts of an insured, published by the CNSS career systems for the eligibility service's registry."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from contracts.envelope import Contract, new_event_id, utc_now


class YearContributions(Contract):
    year: int
    salary_share: Decimal = Decimal("0")
    employer_share: Decimal = Decimal("0")


class CareerRecord(Contract):
    birth_date: date
    death_date: date | None = None
    underground_mining_years: int = 0
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
