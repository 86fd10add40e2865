"""Best weight under a budget: limits on any metric → ranked weights, with reasons."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.questions import analysis
from torchvision_stats.questions.limits import Limit

FAMILY = registry.FAMILY.label

TOP_PICKS = 3
CLOSEST = 5


@dataclass
class PickResult:
    ranked: pd.DataFrame  # the weights that fit, best first, with a "Pareto-optimal" column
    reasons: list[str]  # one sentence for each of the top picks
    binding: str | None = None  # when nothing fits: the constraint that rules everything out
    closest: pd.DataFrame = field(default_factory=pd.DataFrame)  # when nothing fits
    # Measured metrics that are limited but that the measurement set has for no weight here: the
    # limit cannot be checked, so nothing is ranked and no limit is blamed.
    unmeasured: list[str] = field(default_factory=list)


def _families(table: pd.DataFrame, include: tuple[str, ...], exclude: tuple[str, ...]) -> pd.DataFrame:
    if include:
        table = table[table[FAMILY].isin(include)]
    if exclude:
        table = table[~table[FAMILY].isin(exclude)]
    return table


def _change(value: float, other: float, label: str) -> str:
    if other == 0 or math.isnan(value) or math.isnan(other):
        return ""
    share = abs(value / other - 1) * 100
    if share < 0.5:
        return f"at the same {label}"
    if label == registry.LATENCY.label:  # a time is lower or higher, not fewer
        return f"at {share:.0f} % {'lower' if value < other else 'higher'} latency"
    return f"at {share:.0f} % {'fewer' if value < other else 'more'} {label}"


def _short(value: float, label: str) -> str:
    return registry.number_text(value, label, trimmed=True)


def _reason(pick: pd.Series, runner_up: pd.Series | None, quality: str, cost: str, measured_on: str) -> str:
    if runner_up is None:
        quality_text, cost_text = _short(pick[quality], quality), _short(pick[cost], cost)
        sentence = f"The only weight that fits: {quality} {quality_text} at {cost_text} {cost}."
    else:
        gain = pick[quality] - runner_up[quality]
        head = f"+{_short(gain, quality)} {quality}" if gain > 0 else f"the same {quality}"
        cost_clause = _change(pick[cost], runner_up[cost], cost)
        sentence = (
            f"{head} over the next best ({runner_up['Weight']}){' ' + cost_clause if cost_clause else ''}."
        )
    if pick[registry.PARETO_OPTIMAL.label]:
        sentence += f" Pareto-optimal: no weight that fits is both more accurate and cheaper in {cost}."
    if cost == registry.LATENCY.label and measured_on:
        sentence += f" Latency {registry.number_text(pick[cost], cost)} ms a batch on {measured_on}."
    return sentence


def pick_weights(
    table: pd.DataFrame,
    category: registry.Category,
    limits: Iterable[Limit],
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    measured_on: str = "",
) -> PickResult:
    """The weights that fit the limits, best first, with reasons; a latency limit makes the
    reasons speak in latency, on `measured_on` (the measurement set's label)."""
    constraints = [limit for limit in limits if not limit.is_open]
    quality = category.main_metric
    cost = category.cost_in(table.columns)
    if any(c.metric == registry.LATENCY.label for c in constraints):
        cost = registry.LATENCY.label  # a latency limit says what the user pays in: say it in the reasons
    candidates = _families(table, include, exclude)
    candidates = candidates[candidates[quality].notna()]
    unmeasured = [
        c.metric
        for c in constraints
        if c.metric in registry.MEASURED_METRICS
        and (c.metric not in candidates.columns or candidates[c.metric].isna().all())
    ]
    if unmeasured:
        return PickResult(candidates.head(0), [], unmeasured=unmeasured)
    fits = pd.Series(True, index=candidates.index)
    for constraint in constraints:
        fits &= constraint.fits(candidates[constraint.metric])
    ranked = candidates[fits].sort_values([quality, cost], ascending=[False, True]).copy()
    ranked[registry.PARETO_OPTIMAL.label] = analysis.pareto_frontier(ranked, [quality, cost])
    # What the page is about first: the weight, its quality, whether it is on the frontier, the cost.
    leading = [registry.WEIGHT.label, quality, registry.PARETO_OPTIMAL.label, cost]
    ranked = analysis.columns_first(ranked, leading + [c.metric for c in constraints])
    if not ranked.empty:
        top = ranked.head(TOP_PICKS)
        reasons = [
            _reason(
                top.iloc[i], ranked.iloc[i + 1] if i + 1 < len(ranked) else None, quality, cost, measured_on
            )
            for i in range(len(top))
        ]
        return PickResult(ranked, reasons)
    return PickResult(ranked, [], _binding(candidates, constraints), _closest(candidates, constraints))


def _binding(candidates: pd.DataFrame, constraints: list[Limit]) -> str | None:
    """The constraint whose removal alone lets the most weights through."""
    if candidates.empty:
        return "the family filter: no weight of the chosen families has a value for the main metric"
    best, best_count = None, 0
    for dropped in constraints:
        fits = pd.Series(True, index=candidates.index)
        for constraint in constraints:
            if constraint is not dropped:
                fits &= constraint.fits(candidates[constraint.metric])
        if int(fits.sum()) > best_count:
            best, best_count = dropped, int(fits.sum())
    if best is None:
        return "no single constraint: at least two must be relaxed together"
    return f"{best.words()} (without it, {best_count} weight{'s' if best_count != 1 else ''} would fit)"


def _closest(candidates: pd.DataFrame, constraints: list[Limit]) -> pd.DataFrame:
    if candidates.empty or not constraints:
        return candidates.head(0)
    total = sum(constraint.shortfall(candidates[constraint.metric]) for constraint in constraints)
    fitting = {c: c.fits(candidates[c.metric]) for c in constraints}
    misses = [
        ", ".join(
            f"{c.words()} (is {registry.number_text(candidates.at[index, c.metric], c.metric, trimmed=True)})"
            for c in constraints
            if not fitting[c][index]
        )
        for index in candidates.index
    ]
    closest = candidates.assign(**{registry.MISSES.label: misses, "_distance": total})
    return closest.sort_values("_distance").head(CLOSEST).drop(columns="_distance")
