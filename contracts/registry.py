"""Career facts of an insured, published by the CNSS career systems for the eligibility service's registry."""

from decimal import Decimal
from typing import Literal

from pydantic import Field, StrictBool, StrictInt

from contracts.envelope import Contract, InsuredEvent
from contracts.scalars import IsoDate, Money, MoroccanMobile, OptionalIsoDate, UndergroundYears


class Contribution(Contract):
    """Contributions paid in one year; the employer share is that of the long-term branch."""

    year: StrictInt = Field(ge=1900, le=2200)
    salary_share: Money = Decimal("0")
    employer_share: Money = Decimal("0")


class CareerRecord(Contract):
    """The insured as the registry knows them, which is how the rules read them (for survivors: the deceased,
    judged at the date of death). Underground mining years may be fractional (4.9 is under 5)."""

    birth_date: IsoDate
    death_date: OptionalIsoDate = None
    underground_mining_years: UndergroundYears = Decimal("0")
    contribution_days: StrictInt = Field(ge=0)
    ceased_activity_on: OptionalIsoDate = None
    has_pension: StrictBool = False
    third_party_accident: StrictBool = False
    other_scheme: StrictBool = False
    already_refunded: StrictBool = False
    contributions: tuple[Contribution, ...] = ()


class InsuredContact(Contract):
    """How the CNSS reaches the insured: the mobile and the language of their SMS (outreach invitations)."""

    phone: MoroccanMobile
    language: Literal["fr", "ar"] = "fr"


class InsuredRecordUpdated(InsuredEvent):
    """The whole career record of one insured, replacing the previous one, and their contact when the registry has
    one. Keyed by registration number."""

    type: Literal["insured.record_updated"] = "insured.record_updated"
    record: CareerRecord
    contact: InsuredContact | None = None
