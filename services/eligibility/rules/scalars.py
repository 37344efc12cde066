"""Scalar types of the case JSON: `YYYY-MM-DD` dates, decimal-string money and rates, year keys.

Money and rates are accepted as decimal strings (or `Decimal` from Python callers), never as JSON numbers, so a
float never leaks into a computation.
"""

import json
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNSIGNED_DECIMAL = re.compile(r"\d+(\.\d+)?")
_SIGNED_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_YEAR = re.compile(r"\d{4}")
CENT = Decimal("0.01")


def show(value: object) -> str:
    """A short, one-line rendering of a rejected input value for error messages."""
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


IsoDate = Annotated[date, BeforeValidator(_parse_date)]
OptionalIsoDate = Annotated[date | None, BeforeValidator(_parse_optional_date)]
Money = Annotated[Decimal, BeforeValidator(_parse_money)]
Rate = Annotated[Decimal, BeforeValidator(_parse_rate)]
YearKey = Annotated[int, BeforeValidator(_parse_year_key)]


def to_cents(amount: Decimal) -> str:
    """`Decimal` money as a decimal string with exactly two decimals."""
    return format(amount.quantize(CENT, rounding=ROUND_HALF_UP), "f")
