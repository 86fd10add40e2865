"""Parameters of the controls a page draws, derived from the data: range controls per metric.

A range runs from the data's own lowest to its highest value, so the narrowest top range holds
the best weight. A metric spanning two decades or more (GFLOPS: 0.04 … 1016) gets a log-scale
control whose stops are readable numbers (1, 1.5, 2, 3, 5, 7 × each power of ten) between those
ends, so "at most 5 GFLOPS" can be set; the others a linear one in steps of the metric's precision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.questions import analysis
from torchvision_stats.questions.limits import Limit

LOG_SPAN = 100.0  # highest / lowest from which a metric's control is log-scaled
_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)


@dataclass(frozen=True)
class RangeControl:
    """One metric's range control: its ends (the data's own), and either log stops or a step."""

    label: str
    low: float
    high: float
    stops: tuple[float, ...] = ()  # the values a log-scale control offers, ends included
    step: float = 0.0  # a linear control's step

    @property
    def is_log(self) -> bool:
        return bool(self.stops)

    def stops_with(self, held: tuple[float, float]) -> list[float]:
        """The stops, plus the held range's ends (a link may hold 4.3): a log control offers both."""
        return sorted({*self.stops, *held})

    def held(self, limit: Limit) -> tuple[float, float]:
        """A view's limit on the metric as the control's value, inside its ends."""
        return limit.within(self.low, self.high)


def readable_stops(low: float, high: float) -> tuple[float, ...]:
    """low, the numbers 1, 1.5, 2, 3, 5, 7 × 10^k strictly between, and high."""
    stops = [low]
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in _MANTISSAS:
            value = float(f"{mantissa * 10.0**exponent:.6g}")
            if low < value < high:
                stops.append(value)
    return (*stops, high)


def _step(metric: registry.Metric, low: float, high: float) -> float:
    """The metric's precision for a fixed-decimals format; else about a thousandth of the span."""
    if not metric.precision.significant:
        return 10.0**-metric.precision.digits
    return 10.0 ** (math.floor(math.log10(high - low)) - 3)


def range_controls(table: pd.DataFrame) -> dict[str, RangeControl]:
    """Metric → its range control; metrics with no spread (or no values) get none."""
    controls = {}
    for label in registry.metric_columns(table):
        full = analysis.metric_range(table, label)
        if full is None or full[0] == full[1]:
            continue
        low, high = full
        if low > 0 and high / low >= LOG_SPAN:
            controls[label] = RangeControl(label, low, high, stops=readable_stops(low, high))
        else:
            controls[label] = RangeControl(label, low, high, step=_step(registry.METRICS[label], low, high))
    return controls
