"""Measured random-selection rate of the inspection draw over synthetic claim references.

Run from the repository root: `python -m benchmarks.inspection_rate [--count 100000] [--secret S] [--rate R]`.
The facts fire no rule, so only the keyed draw selects; the configured rate comes from inspection_rules.json.
"""

import argparse
import json
import math
import time
from decimal import Decimal
from pathlib import Path

from services.eligibility.inspection import InspectionFacts, InspectionPolicy, select_for_inspection

RULES_PATH = Path(__file__).resolve().parents[1] / "services" / "eligibility" / "inspection_rules.json"


def measure(count: int, settings: InspectionPolicy) -> float:
    selected = sum(
        select_for_inspection(InspectionFacts(reference=f"RCS-2026-{index:08d}"), settings).selected
        for index in range(count)
    )
    return selected / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--secret", default="benchmark-secret")
    parser.add_argument("--rate", type=Decimal, help="override the configured random rate")
    arguments = parser.parse_args()
    document = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    if arguments.rate is not None:
        document["random_rate"] = str(arguments.rate)
    settings = InspectionPolicy.from_rules_document(document, arguments.secret)
    started = time.perf_counter()
    measured = measure(arguments.count, settings)
    elapsed = time.perf_counter() - started
    rate = float(settings.random_rate)
    margin = 1.96 * math.sqrt(rate * (1 - rate) / arguments.count)
    print(f"references:      {arguments.count}")
    print(f"configured rate: {rate:.4f}")
    print(f"measured rate:   {measured:.4f}  (95% range for a fair draw: {rate - margin:.4f} to {rate + margin:.4f})")
    print(f"time:            {elapsed:.2f} s ({elapsed / arguments.count * 1e6:.1f} µs per claim)")


if __name__ == "__main__":
    main()
