"""`decide CASE.json` (or `-` for standard input): replay a case through the rules and print the decision.

Exit 0 with the section 9 decision JSON on standard output; exit 2 with one `error: <field>: <problem>` line on
standard error for a malformed case or bad arguments; exit 1 when the revaluation table itself is broken.
The table is the service's own (`ELIGIBILITY_REVALUATION_RATES_FILE`, read by its settings); `--rates FILE`
replaces it for one replay. Underground mining years may be fractional
(`"underground_mining_years": 4.9`), read exactly from the digits written.
"""

import json
import sys
from pathlib import Path

from pydantic import ValidationError

from contracts.scalars import JsonNumber

from .rules import Case, RevaluationTable, decide, describe_case_error, load_revaluation_table

RATES_PATH = Path(__file__).with_name("revaluation_rates.json")
USAGE = "usage: decide [--rates RATES.json] CASE.json|-"


class _InputError(Exception):
    """A problem with the arguments or the case, already phrased as the one-line error."""


def main(argv: list[str], configured_rates: Path = RATES_PATH) -> int:
    try:
        case_source, rates_path = _parse_arguments(argv, configured_rates)
        case = _load_case(case_source)
    except _InputError as error:
        _fail(str(error))
        return 2
    try:
        table = _load_rates(rates_path)
    except (OSError, ValueError) as error:
        _fail(f"{rates_path}: {_one_line(str(error))}")
        return 1
    decision = decide(case, table)
    print(json.dumps(decision.to_section9_json(), ensure_ascii=False, indent=2))
    return 0


def _parse_arguments(argv: list[str], rates_path: Path) -> tuple[str, Path]:
    arguments = list(argv)
    if arguments[:1] == ["--rates"]:
        if len(arguments) < 2:
            raise _InputError(f"--rates needs a file; {USAGE}")
        rates_path = Path(arguments[1])
        arguments = arguments[2:]
    if len(arguments) != 1 or (arguments[0].startswith("-") and arguments[0] != "-"):
        raise _InputError(USAGE)
    return arguments[0], rates_path


def _load_case(source: str) -> Case:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _InputError(f"{source}: cannot read the case: {_one_line(str(error))}") from error
    try:
        document = json.loads(text, parse_float=JsonNumber)  # 4.9 years stays exactly 4.9
    except json.JSONDecodeError as error:
        raise _InputError(f"case: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}") from error
    try:
        return Case.model_validate(document)
    except ValidationError as error:
        raise _InputError(describe_case_error(error)) from error


def _load_rates(path: Path) -> RevaluationTable:
    return load_revaluation_table(json.loads(path.read_text(encoding="utf-8")))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _fail(message: str) -> None:
    print(f"error: {_one_line(message)}", file=sys.stderr)
