"""How well a proxy (GFLOPS, params) predicts measured speed, and speed across machines."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

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


# What a row of Across machines shows beside the latency, so unlike runs are seen as unlike.
RUN_COLUMNS = ("Device name", "Batch size", "Dtype", "Precision", "Threads", "Torch")
PER_INPUT = "Latency per input (ms)"


def across_sets(
    measured: Mapping[str, pd.DataFrame], weights: list[str], per_input: bool = False
) -> pd.DataFrame:
    """Latency of each weight in each set (label → the set's rows), per batch or, with `per_input`,
    per input (latency ÷ batch size): Weight, Set, the latency, Timing and the settings it was
    measured with (RUN_COLUMNS). Weights a set lacks or could not measure are left out."""
    value = PER_INPUT if per_input else LATENCY
    columns = [WEIGHT, "Set", value, TIMING, *RUN_COLUMNS]
    frames = []
    for label, table in measured.items():
        good = table[(table["Error"] == "") & table[WEIGHT].isin(weights)].drop_duplicates(
            WEIGHT, keep="last"
        )
        frames.append(
            good.assign(
                **{
                    "Set": label,
                    value: good[LATENCY] / good["Batch size"] if per_input else good[LATENCY],
                    TIMING: good[registry.SPREAD.label].map(registry.timing_mark),
                    "Batch size": good["Batch size"].astype("Int64"),
                    "Threads": good["Threads"].astype("Int64"),
                }
            )[columns]
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def unlike_settings(latencies: pd.DataFrame) -> list[str]:
    """How the chosen sets' runs differ where it changes the time (batch size, dtype, precision,
    threads, torch), in words: "Batch size: 1 (H200 b1), 64 (H200 b64)"; [] when they agree."""
    differences = []
    for label in ("Batch size", "Dtype", "Precision", "Threads", "Torch"):
        by_set = (
            latencies.dropna(subset=[label])
            .groupby("Set", sort=False)[label]
            .agg(lambda values: ", ".join(sorted({str(value) for value in values})))
        )
        if by_set.nunique() > 1:
            differences.append(
                f"{label}: " + "; ".join(f"{value} ({name})" for name, value in by_set.items())
            )
    return differences


# A run costs this much beyond its weights' own builds and calls, on the build machine (README,
# performance): once, the run's process starts and its fork server imports torch; per weight, a
# fork and its row written (0.40 s a weight over the whole main-docs sweep, an upper bound; a
# one-weight run, 3.2–3.6 s beyond the weight's own work since the run's own process stopped
# importing torch, 4.9–5.6 s before).
RUN_START_SECONDS = 3.5
WEIGHT_SECONDS = 0.5
QUICK_SECONDS = 60.0  # the page's first choice of weights: about a minute on the build machine
QUICK_WEIGHTS = 5


def estimated_seconds(
    reference: pd.DataFrame,
    weights: list[str],
    *,
    batch_size: int = 1,
    warmup: int = 3,
    min_run_time: float = 0.5,
    min_samples: int = 20,
    compile_seconds: float = 0.0,
    searched_batches: Sequence[int] = (),
    calls_per_searched_batch: int = 0,
) -> float | None:
    """How long measuring `weights` takes on the machine of `reference` (a measurement set's rows:
    the build machine's): the run's start, then per weight its process, its build, a compile when
    asked, the batches a search tries, the warm-up and at least `min_samples` calls at `batch_size`
    (when searching, the largest batch: an upper bound). A batch scales the latency linearly. None
    when a weight is not in it."""
    rows = reference[reference["Error"] == ""].drop_duplicates(WEIGHT, keep="last").set_index(WEIGHT)
    total = RUN_START_SECONDS
    for weight in weights:
        if weight not in rows.index or not rows.at[weight, LATENCY] > 0:
            return None
        per_input = rows.at[weight, LATENCY] / 1000 / rows.at[weight, "Batch size"]
        call = per_input * batch_size
        build = rows.at[weight, "Build time (s)"]
        total += (
            WEIGHT_SECONDS
            + (build if build == build else 0.0)
            + compile_seconds
            + sum(calls_per_searched_batch * per_input * batch for batch in searched_batches)
            + warmup * call
            + max(min_run_time, min_samples * call)
        )
    return total


def quick_choice(candidates: list[str], reference: pd.DataFrame, seconds: float = QUICK_SECONDS) -> list[str]:
    """A first choice of weights to measure that takes about `seconds` on the reference's machine:
    the quickest of `candidates` first, never the largest models; at most QUICK_WEIGHTS."""
    latency = (
        reference[reference["Error"] == ""].drop_duplicates(WEIGHT, keep="last").set_index(WEIGHT)[LATENCY]
    )
    known = sorted(
        (weight for weight in candidates if weight in latency.index), key=lambda weight: latency[weight]
    )
    chosen: list[str] = []
    for weight in known[:QUICK_WEIGHTS]:
        cost = estimated_seconds(reference, [*chosen, weight])
        if chosen and (cost is None or cost > seconds):
            break
        chosen.append(weight)
    return chosen


def run_rows(table: pd.DataFrame) -> pd.DataFrame:
    """What a run measured, as its page shows it: each weight's latency, p90, Timing, peak memory
    and input shape, or why it failed."""
    shown = table.assign(**{TIMING: table[registry.SPREAD.label].map(registry.timing_mark)})
    columns = [
        WEIGHT,
        LATENCY,
        registry.LATENCY_P90.label,
        TIMING,
        registry.PEAK_MEMORY.label,
        "Input shape",
        "Error",
    ]
    return shown[columns].reset_index(drop=True)


def measures(table: pd.DataFrame, weights: set[str], metrics: list[str]) -> bool:
    """Whether a set's rows hold a value of every one of `metrics` for some of `weights`."""
    good = table[(table["Error"] == "") & table[WEIGHT].isin(weights)]
    return not good.empty and all(good[metric].notna().any() for metric in metrics)


# A speed-up compares one mode with another, everything else alike: the machine and the run's other
# settings (the columns of registry.RUN_SETTINGS but these) must agree.
MODE_SETTINGS = ("Dtype", "Precision", "Compile")
SPEED_UP = "Speed-up (×)"


def mode_difference(first: dict[str, str], second: dict[str, str]) -> list[str]:
    """How two sets' run settings (SetInfo.run_settings) differ when they differ only in compile or
    precision (dtype, precision, compile), in words: "Compile: no → default"; [] when they differ
    otherwise, or not at all."""
    unlike = [label for label in registry.RUN_SETTINGS if first[label] != second[label]]
    if not unlike or any(label not in MODE_SETTINGS for label in unlike):
        return []
    return [f"{label}: {first[label]} → {second[label]}" for label in unlike]


def speed_up_partners(settings: Mapping[str, dict[str, str]]) -> dict[str, list[str]]:
    """For each set (id → its run settings) the sets it differs from only in compile or precision,
    for those that have any; eager float32 sets first, so "before" is the plain run and a speed-up
    above 1× is the mode's gain."""
    partners = {
        first: [
            second
            for second in settings
            if second != first and mode_difference(settings[first], settings[second])
        ]
        for first in settings
    }
    eager_first = sorted(
        (set_id for set_id, others in partners.items() if others),
        key=lambda set_id: (
            settings[set_id]["Compile"] not in ("no", ""),
            settings[set_id]["Precision"] not in ("none", ""),
        ),
    )
    return {set_id: partners[set_id] for set_id in eager_first}


def speed_ups(baseline: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Each weight measured in both sets: its latency in each and the speed-up, baseline ÷ other
    (above 1: the other is faster). Fastest gain first."""

    def good(table: pd.DataFrame) -> pd.DataFrame:
        rows = table[(table["Error"] == "") & (table[LATENCY] > 0)].drop_duplicates(WEIGHT, keep="last")
        return rows[[WEIGHT, LATENCY, registry.SPREAD.label]]

    both = good(baseline).merge(good(other), on=WEIGHT, suffixes=(" before", " after"))
    before, after = f"{LATENCY} before", f"{LATENCY} after"
    result = pd.DataFrame(
        {
            WEIGHT: both[WEIGHT],
            "Latency before (ms)": both[before],
            "Latency after (ms)": both[after],
            SPEED_UP: both[before] / both[after],
            "Timing before": both[f"{registry.SPREAD.label} before"].map(registry.timing_mark),
            "Timing after": both[f"{registry.SPREAD.label} after"].map(registry.timing_mark),
        }
    )
    return result.sort_values(SPEED_UP, ascending=False, kind="stable").reset_index(drop=True)
