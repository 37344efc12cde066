"""Scalar types the contracts and the rules read strictly: `YYYY-MM-DD` dates, decimal-string money and rates,
year keys, and the underground mining years.

Money and rates are accepted as decimal strings (or `Decimal` from Python callers), never as JSON numbers, so a
float never leaks into a computation. Underground mining years are a JSON number, possibly fractional (4.9), made
an exact `Decimal` from the digits as written (`JsonNumber`) or, for a float from elsewhere, its shortest repr.
"""

import json
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNSIGNED_DECIMAL = re.compile(r"\d+(\.\d+)?")
_SIGNED_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_YEAR = re.compile(r"\d{4}")
CENT = Decimal("0.01")
MAX_UNDERGROUND_YEARS = 80


def show(value: object) -> str:
    """A short, one-line rendering of a rejected input value for error messages (a JSON number as written)."""
    if isinstance(value, JsonNumber):
        text = value.text
    else:
        text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("invalid_date", "invalid date {value}", {"value": show(value)})


def _parse_optional_date(value: object) -> date | None:
    return None if value is None else _parse_date(value)


def _parse_decimal(value: object, pattern: re.Pattern[str], kind: str) -> Decimal:
    if isinstance(value, Decimal) and value.is_finite() and pattern.fullmatch(format(value, "f")):
        return value
    if isinstance(value, str) and pattern.fullmatch(value):
        return Decimal(value)
    raise PydanticCustomError(f"invalid_{kind}", "invalid {kind} {value}", {"kind": kind, "value": show(value)})


def _parse_money(value: object) -> Decimal:
    return _parse_decimal(value, _UNSIGNED_DECIMAL, "amount")


def _parse_rate(value: object) -> Decimal:
    rate = _parse_decimal(value, _SIGNED_DECIMAL, "rate")
    if rate <= -1:
        raise PydanticCustomError("invalid_rate", "invalid rate {value}: must be above -1", {"value": show(value)})
    return rate


def _parse_year_key(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and _YEAR.fullmatch(value):
        return int(value)
    raise PydanticCustomError("invalid_year", "invalid year {value}", {"value": show(value)})


class JsonNumber(float):
    """A JSON number with a fraction or an exponent, as `json.loads(text, parse_float=JsonNumber)` reads it: a float
    to every other field (which refuse it as before), with the digits as written kept for an exact `Decimal`."""

    text: str

    def __new__(cls, text: str) -> "JsonNumber":
        number = super().__new__(cls, text)
        number.text = text
        return number


def _parse_years(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise PydanticCustomError("invalid_years", "expected a number of years, got {value}", {"value": show(value)})
    if isinstance(value, float):
        years = Decimal(value.text if isinstance(value, JsonNumber) else repr(value))
    else:
        years = Decimal(value)
    if not (years.is_finite() and 0 <= years <= MAX_UNDERGROUND_YEARS):
        raise PydanticCustomError(
            "invalid_years",
            "invalid years {value}: must be between 0 and {maximum}",
            {"value": show(value), "maximum": MAX_UNDERGROUND_YEARS},
        )
    if years != years.quantize(CENT):
        raise PydanticCustomError("invalid_years", "invalid years {value}: at most 2 decimals", {"value": show(value)})
    return years


def years_json(years: Decimal) -> int | float:
    """Years back to a JSON number: an integer stays one (5, as before fractions), a fraction is the float whose
    shortest repr is its digits (4.9; exact with at most 2 decimals), so it reads back as the same `Decimal`."""
    return int(years) if years == years.to_integral_value() else float(years)


IsoDate = Annotated[date, BeforeValidator(_parse_date)]
OptionalIsoDate = Annotated[date | None, BeforeValidator(_parse_optional_date)]
Money = Annotated[Decimal, BeforeValidator(_parse_money)]
MoroccanMobile = Annotated[str, Field(pattern=r"^\+212[67]\d{8}$", description="Moroccan mobile, E.164")]
Rate = Annotated[Decimal, BeforeValidator(_parse_rate)]
YearKey = Annotated[int, BeforeValidator(_parse_year_key)]
UndergroundYears = Annotated[
    Decimal,
    BeforeValidator(_parse_years),
    PlainSerializer(years_json, return_type=int | float, when_used="json"),
    WithJsonSchema(
        {"type": "number", "minimum": 0, "maximum": MAX_UNDERGROUND_YEARS, "description": "at most 2 decimals"}
    ),
]


def to_cents(amount: Decimal) -> str:
    """`Decimal` money as a decimal string with exactly two decimals."""
    return format(amount.quantize(CENT, rounding=ROUND_HALF_UP), "f")
