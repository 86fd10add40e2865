"""How the weight tables changed across docs releases."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data.dataset import WeightTables
from torchvision_stats.data.load import DataUnavailable
from torchvision_stats.data.versions import release_key
from torchvision_stats.questions.limits import Limit

WEIGHT = registry.WEIGHT.label

MAX_RELEASES = 6  # compared at once on the History page; bounds the fetches one run can start


def oldest_first(versions: list[str]) -> list[str]:
    return sorted(versions, key=release_key)


@dataclass
class Releases:
    """One category's table in each release that has it, oldest first, and why others are missing."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # "0.99: why", in words
    everything: dict[str, WeightTables] = field(default_factory=dict)  # every category, per release


def gather(
    versions: list[str],
    category: registry.Category,
    load: Callable[[str], WeightTables],
    on_progress: Callable[[int, int, str], None] = lambda number, total, version: None,
) -> Releases:
    """The category's table of each version (`load` raises DataUnavailable when a version has none)."""
    releases = Releases()
    ordered = oldest_first(versions)
    for number, version in enumerate(ordered, start=1):
        on_progress(number, len(ordered), version)
        try:
            data = load(version)
        except DataUnavailable as error:
            releases.failures.append(f"{version}: {error}")
            continue
        releases.everything[version] = data
        if category.slug in data.tables:
            releases.tables[version] = data.tables[category.slug]
        else:
            releases.failures.append(f"{version}: the page has no {category.title.lower()} table")
    return releases


def budget_metrics(
    category: registry.Category, tables: Mapping[str, pd.DataFrame] | None = None
) -> list[str]:
    """Metrics a budget can cap (lower is better) that some release of `tables` reports (without
    tables: that the category reports); the category's cost first."""
    if tables is None:
        reported = set(category.metric_labels)
    else:
        reported = {column for table in tables.values() for column in table.columns}
    capped = [
        label
        for label, metric in registry.METRICS.items()
        if not metric.higher_is_better and label in reported
    ]
    return sorted(capped, key=lambda label: label != category.cost_metric)


def largest_budget(tables: Mapping[str, pd.DataFrame], budget_metric: str) -> float | None:
    """The largest value of `budget_metric` in any release; None when no release has one."""
    values = [t[budget_metric].max() for t in tables.values() if budget_metric in t.columns]
    present = [float(v) for v in values if not math.isnan(v)]
    return max(present) if present else None


_READABLE = (1.0, 2.0, 5.0)


def typical_budget(table: pd.DataFrame, budget_metric: str) -> float:
    """A default budget that some weight of `table` fits: the median of `budget_metric`, rounded
    up to a readable number (1, 2, 5 × 10^k). 5 GFLOPS suits classification, not video (≥ 18)."""
    values = table[budget_metric].dropna() if budget_metric in table.columns else pd.Series(dtype=float)
    if values.empty or values.median() <= 0:
        return 5.0
    median = float(values.median())
    exponent = math.floor(math.log10(median))
    return next(
        float(f"{mantissa * 10.0**power:.6g}")
        for power in (exponent, exponent + 1)
        for mantissa in _READABLE
        if mantissa * 10.0**power >= median
    )


def typical_budgets(tables: Mapping[str, pd.DataFrame]) -> dict[tuple[str, str], float]:
    """(category, budget metric) → typical_budget, for every metric a budget can cap."""
    return {
        (slug, label): typical_budget(table, label)
        for slug, table in tables.items()
        for label in registry.metric_columns(table)
        if not registry.METRICS[label].higher_is_better
    }


def diff_all_categories(
    old: WeightTables, new: WeightTables, old_version: str, new_version: str
) -> pd.DataFrame:
    """diff_releases of every category either release has, one table with a Category column
    (a category only one release has: all its weights added or removed)."""
    frames = []
    for slug, category in registry.CATEGORIES.items():
        if slug not in old.tables and slug not in new.tables:
            continue
        empty = pd.DataFrame(columns=[WEIGHT])
        diff = diff_releases(
            old.tables.get(slug, empty), new.tables.get(slug, empty), old_version, new_version
        )
        diff.insert(0, "Category", category.title)
        frames.append(diff)
    columns = ["Category", "Change", WEIGHT, "Metric", old_version, new_version]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def smallest_budget(tables: Mapping[str, pd.DataFrame], budget_metric: str) -> float:
    """The smallest value of `budget_metric` in any release (what the cheapest weight needs); NaN if none."""
    values = [t[budget_metric].min() for t in tables.values() if budget_metric in t.columns]
    present = [float(v) for v in values if not math.isnan(v)]
    return min(present) if present else math.nan


def why_nothing_fits(tables: Mapping[str, pd.DataFrame], category: registry.Category, budget: Limit) -> str:
    """Why the best-under-budget chart would be empty, and what budget the cheapest weight needs."""
    cheapest = registry.number_text(smallest_budget(tables, budget.metric), budget.metric, trimmed=True)
    return (
        f"No {category.title.lower()} weight fits {budget.value_text()} in these releases; "
        f"the cheapest needs {cheapest}. Raise the budget."
    )


def diff_summary(diff: pd.DataFrame) -> tuple[int, int, int]:
    """(added, removed, values changed) of a diff_releases table."""
    counts = diff["Change"].value_counts()
    return int(counts.get("added", 0)), int(counts.get("removed", 0)), int(counts.get("changed", 0))


def diff_in_words(diff: pd.DataFrame) -> str:
    """A diff_all_categories table in a sentence: the counts of each category that changed."""
    parts = []
    for title, rows in diff.groupby("Category", sort=False):
        added, removed, changed = diff_summary(rows)
        parts.append(f"{title}: {added} added, {removed} removed, {changed} values changed")
    return "; ".join(parts) + "." if parts else "No weight or number differs."


def presence_matrix(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Weight × release: True where the release lists the weight; ordered by first appearance."""
    versions = oldest_first(list(tables))
    present = {version: set(tables[version][WEIGHT]) for version in versions}
    weights = sorted(
        set().union(*present.values()),
        key=lambda w: (next(i for i, v in enumerate(versions) if w in present[v]), w),
    )
    matrix = pd.DataFrame(
        {version: [w in present[version] for w in weights] for version in versions},
        index=pd.Index(weights, name=WEIGHT),
    )
    matrix.insert(0, "First listed in", [next(v for v in versions if w in present[v]) for w in weights])
    return matrix


def _same(old: object, new: object) -> bool:
    both_missing = isinstance(old, float) and isinstance(new, float) and math.isnan(old) and math.isnan(new)
    return both_missing or old == new


def diff_releases(old: pd.DataFrame, new: pd.DataFrame, old_version: str, new_version: str) -> pd.DataFrame:
    """Added, removed and changed weights between two releases: one row per weight or changed value."""
    old_rows = old.set_index(WEIGHT)
    new_rows = new.set_index(WEIGHT)
    rows = []
    for weight in sorted(set(new_rows.index) - set(old_rows.index)):
        rows.append(
            {
                "Change": "added",
                WEIGHT: weight,
                "Metric": "",
                old_version: math.nan,
                new_version: math.nan,
            }
        )
    for weight in sorted(set(old_rows.index) - set(new_rows.index)):
        rows.append(
            {
                "Change": "removed",
                WEIGHT: weight,
                "Metric": "",
                old_version: math.nan,
                new_version: math.nan,
            }
        )
    shared_metrics = [
        m for m in registry.metric_columns(old) if m in new.columns and not registry.METRICS[m].is_derived
    ]
    for weight in sorted(set(old_rows.index) & set(new_rows.index)):
        for label in shared_metrics:
            before, after = old_rows.at[weight, label], new_rows.at[weight, label]
            if not _same(before, after):
                rows.append(
                    {
                        "Change": "changed",
                        WEIGHT: weight,
                        "Metric": label,
                        old_version: before,
                        new_version: after,
                    }
                )
    return pd.DataFrame(rows, columns=["Change", WEIGHT, "Metric", old_version, new_version])


def changed_values(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every value that changed between consecutive releases: weight, metric, from → to."""
    versions = oldest_first(list(tables))
    rows = []
    for old_version, new_version in itertools.pairwise(versions):
        diff = diff_releases(tables[old_version], tables[new_version], old_version, new_version)
        for change in diff[diff["Change"] == "changed"].itertuples(index=False):
            rows.append(
                {
                    WEIGHT: change.Weight,
                    "Metric": change.Metric,
                    "From": old_version,
                    "To": new_version,
                    "Old": change[3],
                    "New": change[4],
                }
            )
    return pd.DataFrame(rows, columns=[WEIGHT, "Metric", "From", "To", "Old", "New"])


def best_under_budget(tables: Mapping[str, pd.DataFrame], quality: str, budget: Limit) -> pd.DataFrame:
    """Per release, the best `quality` among weights that fit the `budget`.

    A release whose table lacks either metric gets NaN and a note saying so.
    """
    better_high = registry.METRICS[quality].higher_is_better
    budget_metric = budget.metric
    rows = []
    for version in oldest_first(list(tables)):
        table = tables[version]
        row = {
            "Version": version,
            "Best weight": None,
            quality: math.nan,
            budget_metric: math.nan,
            "Note": "",
        }
        if quality not in table.columns or budget_metric not in table.columns:
            missing = quality if quality not in table.columns else budget_metric
            row["Note"] = f"{version} has no {missing} column"
        else:
            affordable = table[budget.fits(table[budget_metric]) & table[quality].notna()]
            if affordable.empty:
                row["Note"] = f"nothing within {budget.value_text()}"
            else:
                best = affordable.loc[
                    affordable[quality].idxmax() if better_high else affordable[quality].idxmin()
                ]
                row.update(
                    {
                        "Best weight": best[WEIGHT],
                        quality: best[quality],
                        budget_metric: best[budget_metric],
                    }
                )
        rows.append(row)
    return pd.DataFrame(rows)
