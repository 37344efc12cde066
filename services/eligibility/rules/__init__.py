"""The eligibility rules of the refund of salary contributions: pure functions over frozen models."""

from .case import Case
from .case_errors import describe_case_error
from .decision import Decision, decide, undecidable
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
    "decide",
    "describe_case_error",
    "explain",
    "load_revaluation_table",
    "undecidable",
]
