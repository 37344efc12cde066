"""One-line descriptions of an invalid case, naming the bad field (`insured.birth_date: invalid date '...'`)."""

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from contracts.scalars import show

_TYPE_MESSAGES = {
    "missing": "required field missing",
    "extra_forbidden": "unknown field",
    "bool_type": "expected true or false",
    "int_type": "expected an integer",
    "string_type": "expected a string",
    "model_type": "expected an object",
    "dict_type": "expected an object",
    "tuple_type": "expected a list",
    "list_type": "expected a list",
}
_SHOWS_INPUT = {"bool_type", "int_type", "string_type", "model_type", "dict_type", "tuple_type", "list_type"}


def field_path(location: tuple[int | str, ...]) -> str:
    """`("insured", "contributions", 0, "year")` as `insured.contributions[0].year`."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            path += " (key)"
        else:
            path += f".{part}" if path else part
    return path


def describe_error(error: ErrorDetails) -> str:
    if error["type"] == "inconsistent_case":
        return error["msg"]
    message = _TYPE_MESSAGES.get(error["type"], error["msg"])
    if error["type"] in _SHOWS_INPUT:
        message += f", got {show(error['input'])}"
    return f"{field_path(error['loc']) or 'case'}: {message}"


def describe_case_error(error: ValidationError) -> str:
    """The first error of a case's validation on one line, with a count of the others."""
    errors = error.errors()
    line = describe_error(errors[0])
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more)"
    return line
