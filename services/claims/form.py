"""The claim form as the HTTP API receives it: checked field by field so a 422 names the bad one."""

from typing import Literal

import phonenumbers
from pydantic import ConfigDict, Field, field_validator

from contracts import ClaimForm
from contracts.agents import AGENCIES


def normalise_moroccan_mobile(raw: str) -> str:
    """E.164 form of a Moroccan mobile number (+2126…/+2127…); ValueError otherwise."""
    try:
        number = phonenumbers.parse(raw, "MA")
    except phonenumbers.NumberParseException as error:
        raise ValueError("not a phone number") from error
    if not phonenumbers.is_valid_number(number) or number.country_code != 212:
        raise ValueError("not a valid Moroccan phone number")
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        raise ValueError("not a Moroccan mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ClaimFormInput(ClaimForm):
    """Step 3 of the portal, as typed by the claimant: unknown fields refused, the phone normalised first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agency: Literal[tuple(AGENCIES)] | None = Field(  # type: ignore[valid-type]  # the codes, listed in the schema
        default=None, description="the agency chosen for an inspection"
    )

    @field_validator("phone", mode="before")
    @classmethod
    def _phone_is_moroccan_mobile(cls, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError("must be a string")
        return normalise_moroccan_mobile(value)
