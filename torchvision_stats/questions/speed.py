"""How well a proxy (GFLOPS, params) predicts measured speed, and speed across machines."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.questions import analysis

WEIGHT = registry.WEIGHT.label
LATENCY = registry.LATENCY.label
TIMING = registry.TIMING.label
TOP_DIFFERENCES = 10


def rank_correlation(table: pd.DataFrame, proxy: str, measured: str = LATENCY) -> tuple[float, int]:
    """Spearman's rank correlation of `proxy` and `measured` over the rows that have both, and how
    many rows that is; NaN below three rows."""
    both = table[[proxy, measured]].dropna()
    if len(both) < 3:
        return math.nan, len(both)
    ranks = both.rank()
    return float(ranks[proxy].corr(ranks[measured])), len(both)


def rank_differences(table: pd.DataFrame, proxy: str, measured: str = LATENCY) -> pd.DataFrame:
    """The weights whose measured-speed rank differs most from their proxy rank (1 = cheapest /
    fastest): where the proxy misleads. Most different first."""
    both = table[[WEIGHT, proxy, measured]].dropna()
    if TIMING in table.columns:  # how far to trust each latency, beside it
        both = both.assign(**{TIMING: table.loc[both.index, TIMING]})
    ranked = both.assign(
        **{
            f"{proxy} rank": both[proxy].rank(method="min").astype(int),
            f"{measured} rank": both[measured].rank(method="min").astype(int),
        }
    )
    ranked["Rank difference"] = ranked[f"{measured} rank"] - ranked[f"{proxy} rank"]
    order = ranked["Rank difference"].abs().sort_values(ascending=False, kind="stable").index
    return ranked.loc[order].head(TOP_DIFFERENCES).reset_index(drop=True)


def frontier_weights(table: pd.DataFrame, category: registry.Category) -> list[str]:
    """The weights on the Pareto frontier of the category's cost and main metric: a sensible
    first choice of what to measure."""
    cost = category.cost_in(table.columns)
    return table[analysis.pareto_frontier(table, [cost, category.main_metric])][WEIGHT].tolist()


def across_sets(measured: Mapping[str, pd.DataFrame], weights: list[str]) -> pd.DataFrame:
    """Latency of each weight in each set (label → the set's rows): Weight, Set, Latency (ms),
    Timing, Device name; weights a set lacks or could not measure are left out."""
    columns = [WEIGHT, "Set", LATENCY, TIMING, "Device name"]
    rows = []
    for label, table in measured.items():
        good = table[(table["Error"] == "") & table[WEIGHT].isin(weights)].drop_duplicates(
            WEIGHT, keep="last"
        )
        marks = good[registry.SPREAD.label].map(registry.timing_mark)
        for weight, latency, mark, device in zip(
            good[WEIGHT], good[LATENCY], marks, good["Device name"], strict=True
        ):
            rows.append({WEIGHT: weight, "Set": label, LATENCY: latency, TIMING: mark, "Device name": device})
    return pd.DataFrame(rows, columns=columns)
