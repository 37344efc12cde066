"""The case: the input of `decide`, shaped exactly like the case JSON of DOMAIN.md section 9.

Required: `filed_on`, `insured.birth_date`, `insured.contribution_days`, and each beneficiary's `id` and
`relation` (plus `birth_date` for a child, and `insured.death_date` for a survivors' claim). Every other field
defaults to the neutral value shown in section 9 (false, 0, null, empty list, `claimant="insured"`,
`orphan_of="one_parent"`); the example values there (dates, 900 days, the 2020 contribution) are not defaults.
`insured.underground_mining_years` is a number from 0 to 80 with at most 2 decimals (4.9 is under 5).
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, model_validator
from pydantic_core import PydanticCustomError

from contracts import Beneficiary, CareerRecord
from contracts.scalars import IsoDate

from .revaluation import RevaluationOverride


class Case(BaseModel):
    """A claim replayed through the rules: the claim form plus the registry's career data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    filed_on: IsoDate
    claimant: Literal["insured", "survivors"] = "insured"
    force_majeure: StrictBool = False
    insured: CareerRecord
    beneficiaries: tuple[Beneficiary, ...] = ()
    revaluation: RevaluationOverride | None = None

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> "Case":
        """A case is read strictly: an unknown field anywhere in it is refused, though the contracts it is made
        of ignore the fields a newer producer adds."""
        return super().model_validate(obj, **({"extra": "forbid"} | options))

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
