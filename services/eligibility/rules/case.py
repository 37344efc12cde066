"""The case: the input of `decide`, shaped exactly like the case JSON of DOMAIN.md section 9.

Required: `filed_on`, `insured.birth_date`, `insured.contribution_days`, and each beneficiary's `id` and
`relation` (plus `birth_date` for a child, and `insured.death_date` for a survivors' claim). Every other field
defaults to the neutral value shown in section 9 (false, 0, null, empty list, `claimant="insured"`,
`orphan_of="one_parent"`); the example values there (dates, 900 days, the 2020 contribution) are not defaults.
`insured.underground_mining_years` is a number from 0 to 80 with at most 2 decimals (4.9 is under 5).
"""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from .revaluation import RevaluationOverride
from .scalars import IsoDate, Money, OptionalIsoDate, UndergroundYears

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Contribution(BaseModel):
    """Contributions paid in one year; the employer share is that of the long-term branch."""

    model_config = _FROZEN

    year: StrictInt = Field(ge=1900, le=2200)
    salary_share: Money = Decimal("0")
    employer_share: Money = Decimal("0")


class Insured(BaseModel):
    """The insured as the registry knows them (for survivors: the deceased, judged at the date of death)."""

    model_config = _FROZEN

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


class Beneficiary(BaseModel):
    """A survivor listed on a survivors' claim."""

    model_config = _FROZEN

    id: StrictStr = Field(min_length=1)
    relation: Literal["spouse", "child"]
    birth_date: OptionalIsoDate = None
    orphan_of: Literal["one_parent", "both_parents"] = "one_parent"
    in_school: StrictBool = False
    apprentice: StrictBool = False
    sick: StrictBool = False
    disabled: StrictBool = False


class Case(BaseModel):
    """A claim replayed through the rules: the claim form plus the registry's career data."""

    model_config = _FROZEN

    filed_on: IsoDate
    claimant: Literal["insured", "survivors"] = "insured"
    force_majeure: StrictBool = False
    insured: Insured
    beneficiaries: tuple[Beneficiary, ...] = ()
    revaluation: RevaluationOverride | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Case":
        if self.claimant == "survivors" and self.insured.death_date is None:
            _inconsistent("insured.death_date", "required for a survivors' claim")
        seen: set[str] = set()
        for index, beneficiary in enumerate(self.beneficiaries):
            if beneficiary.id in seen:
                _inconsistent(f"beneficiaries[{index}].id", f"duplicate id {beneficiary.id!r}")
            seen.add(beneficiary.id)
            if beneficiary.relation == "child" and beneficiary.birth_date is None:
                _inconsistent(f"beneficiaries[{index}].birth_date", "required for a child")
        return self

    @property
    def is_survivors_claim(self) -> bool:
        return self.claimant == "survivors"


def _inconsistent(field: str, message: str) -> None:
    raise PydanticCustomError("inconsistent_case", "{field}: {message}", {"field": field, "message": message})
