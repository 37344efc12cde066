"""The percentile the benchmarks print: the nearest rank, so a p95 is a figure that was measured."""

import math


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
