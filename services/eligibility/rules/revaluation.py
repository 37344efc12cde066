"""The revaluation rate table (net return rate of the reserves per year) and the case's override of it."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts.scalars import Rate, YearKey


class RevaluationOverride(BaseModel):
    """The case's `revaluation` field: a default rate and/or per-year rates replacing the configured ones."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default_rate: Rate | None = None
    rates: dict[YearKey, Rate] = Field(default_factory=dict)


class RevaluationTable(BaseModel):
    """Per-year rates with a default for the years the table does not list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default_rate: Rate
    rates: dict[YearKey, Rate] = Field(default_factory=dict)
    note: str | None = None

    def rate_for(self, year: int) -> Decimal:
        return self.rates.get(year, self.default_rate)

    def overridden_by(self, override: RevaluationOverride | None) -> "RevaluationTable":
        """This table with the override's default rate (when given) and its per-year rates on top."""
        if override is None:
            return self
        return RevaluationTable(
            default_rate=self.default_rate if override.default_rate is None else override.default_rate,
            rates={**self.rates, **override.rates},
            note=self.note,
        )


DEFAULT_REVALUATION = RevaluationTable(default_rate=Decimal("0.02"))


def load_revaluation_table(document: Mapping[str, Any]) -> RevaluationTable:
    """The table from the parsed `revaluation_rates.json` document (raises pydantic's ValidationError)."""
    return RevaluationTable.model_validate(document)
