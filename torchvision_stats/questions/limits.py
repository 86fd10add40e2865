"""A limit on a metric — Explore's ranges, Pick's bounds, History's budget — as one type."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from torchvision_stats import registry


@dataclass(frozen=True)
class Limit:
    """Values of `metric` from `low` to `high`, both included; None: open on that side."""

    metric: str
    low: float | None = None
    high: float | None = None

    @classmethod
    def bound(cls, metric: str, value: float) -> Limit:
        """A one-sided limit in the metric's direction: at most `value` of a cost, at least of a quality."""
        if registry.METRICS[metric].higher_is_better:
            return cls(metric, low=value)
        return cls(metric, high=value)

    @property
    def is_open(self) -> bool:
        """Open on both sides: no limit at all."""
        return self.low is None and self.high is None

    @property
    def bound_value(self) -> float | None:
        """The side a one-sided limit sets (what Pick's number input holds)."""
        return self.high if self.low is None else self.low

    def open_at(self, lowest: float, highest: float) -> Limit:
        """The limit with a side at or past the data's own end open, so it follows the data of
        another release instead of pinning an old end (main's top Acc@1 is no 0.13 video weight's)."""
        low = None if self.low is None or self.low <= lowest else self.low
        high = None if self.high is None or self.high >= highest else self.high
        return Limit(self.metric, low, high)

    def holds_any_of(self, lowest: float, highest: float) -> bool:
        """Whether some value between the data's ends fits."""
        bottom = lowest if self.low is None else self.low
        top = highest if self.high is None else self.high
        return bottom <= min(top, highest) and top >= lowest

    def within(self, lowest: float, highest: float) -> tuple[float, float]:
        """The limit as a range control between the data's ends holds it (open sides at the ends)."""
        low = lowest if self.low is None else min(max(self.low, lowest), highest)
        high = highest if self.high is None else max(min(self.high, highest), lowest)
        return (low, high) if low <= high else (lowest, highest)

    def fits(self, values: pd.Series) -> pd.Series:
        """Which values fit. A missing value fits only no limit at all: it cannot be shown to fit one."""
        if self.is_open:
            return pd.Series(True, index=values.index)
        fits = values.notna()
        if self.low is not None:
            fits &= values >= self.low
        if self.high is not None:
            fits &= values <= self.high
        return fits

    def shortfall(self, values: pd.Series) -> pd.Series:
        """How far each value misses, relative to the side it misses (0 when it fits, inf when missing)."""
        below = (self.low - values) / (abs(self.low) or 1.0) if self.low is not None else values * 0
        above = (values - self.high) / (abs(self.high) or 1.0) if self.high is not None else values * 0
        return (below.clip(lower=0) + above.clip(lower=0)).fillna(float("inf"))

    def value_text(self) -> str:
        """A one-sided limit's value and metric, as a budget reads: "5 GFLOPS", "40 Params (M)"."""
        return f"{registry.number_text(self.bound_value, self.metric, trimmed=True)} {self.metric}"

    def words(self) -> str:
        """The limit as people say it: "GFLOPS up to 5", "Acc@1 from 80", "GFLOPS 1 to 5"."""

        def number(value: float) -> str:
            return registry.number_text(value, self.metric, trimmed=True)

        if self.is_open:
            return f"any {self.metric}"
        if self.low is None:
            return f"{self.metric} up to {number(self.high)}"
        if self.high is None:
            return f"{self.metric} from {number(self.low)}"
        return f"{self.metric} {number(self.low)} to {number(self.high)}"
