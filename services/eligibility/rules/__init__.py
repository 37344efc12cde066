"""The eligibility rules of the refund of salary contributions: pure functions over frozen models."""

from .case import Case
from .case_errors import describe_case_error
from .decision import Decision, Verdict, decide, judge, undecidable
from .periods import PERIODS, PeriodRule, RefundBasis
from .reasons import Outcome, ReasonCode, explain
from .revaluation import DEFAULT_REVALUATION, RevaluationOverride, RevaluationTable, load_revaluation_table

__all__ = [
    "DEFAULT_REVALUATION",
    "PERIODS",
    "Case",
    "Decision",
    "Outcome",
    "PeriodRule",
    "ReasonCode",
    "RefundBasis",
    "RevaluationOverride",
    "RevaluationTable",
    "Verdict",
    "decide",
    "describe_case_error",
    "explain",
    "judge",
    "load_revaluation_table",
    "undecidable",
]
