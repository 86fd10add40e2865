"""Parameters of the controls a page draws, derived from the data: slider bounds and steps."""

from __future__ import annotations

import math

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.questions import analysis


def _step_and_digits(low: float, high: float) -> tuple[float, int]:
    """About a hundredth of the span, as a power of ten, and the decimals it needs."""
    exponent = math.floor(math.log10(high - low)) - 2
    return 10.0**exponent, max(0, -exponent)


def slider_bounds(table: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    """Metric → (low, high, step) of its range slider, rounded outwards to the step; metrics with
    no spread (or no values) get no slider."""
    bounds = {}
    for label in registry.metric_columns(table):
        full = analysis.metric_range(table, label)
        if full is None or full[0] == full[1]:
            continue
        step, digits = _step_and_digits(*full)
        low = round(math.floor(full[0] / step) * step, digits)
        high = round(math.ceil(full[1] / step) * step, digits)
        bounds[label] = (low, high, step)
    return bounds


def clamped_range(held: tuple[float, float] | None, low: float, high: float) -> tuple[float, float]:
    """A held slider range moved inside (low, high); the full range when none is held or it is empty."""
    if held is None:
        return low, high
    held_low, held_high = min(max(held[0], low), high), max(min(held[1], high), low)
    return (held_low, held_high) if held_low <= held_high else (low, high)
