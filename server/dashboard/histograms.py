"""Medians and percentiles from a histogram (value, how many), as they would be read from the sorted
values themselves: the histogram has as many rows as there are distinct values."""

from __future__ import annotations

from collections.abc import Sequence

Histogram = Sequence[tuple[int, int]]  # (value, count), sorted by value


def nth(histogram: Histogram, n: int) -> int | None:
    """The ``n``-th (0-based) value in sorted order."""
    seen = 0
    for value, count in histogram:
        seen += count
        if n < seen:
            return value
    return None


def median(histogram: Histogram) -> float | None:
    count = sum(n for _, n in histogram)
    if count == 0:
        return None
    upper = nth(histogram, count // 2)
    if count % 2:
        return float(upper or 0)
    lower = nth(histogram, count // 2 - 1)
    return (float(lower or 0) + float(upper or 0)) / 2


def percentile(histogram: Histogram, fraction: float) -> float | None:
    """Nearest-rank percentile, as ``server.feedback.service.percentile`` computes it."""
    count = sum(n for _, n in histogram)
    if count == 0:
        return None
    rank = max(1, -(-int(fraction * 1000) * count // 1000))
    return float(nth(histogram, rank - 1) or 0)
