"""Questions asked of a weight table: search, filters, the Pareto frontier, comparisons."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import re2

from torchvision_stats import registry
from torchvision_stats.questions import find
from torchvision_stats.questions.limits import Limit

WEIGHT, FAMILY, MODEL = registry.WEIGHT.label, registry.FAMILY.label, registry.MODEL.label

REGEX_PREFIX = "re:"
# RE2 matches in time linear in the text, whatever the pattern: a shared link can never make
# the server backtrack for hours (Python's re takes seconds per name on ^(\w+)*$). Its memory
# for one compiled pattern is capped too, so a huge counted repetition is refused, not built.
_PATTERN_MEMORY_BYTES = 8 << 20
_TOO_EXPENSIVE = (b"pattern too large", b"invalid repetition size", b"bad repetition operator")


class InvalidSearch(ValueError):
    """The search text is a `re:` pattern that cannot be run; str() says why, in words."""


def _pattern_options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.never_capture = True
    options.max_mem = _PATTERN_MEMORY_BYTES
    return options


def compile_search(pattern: str) -> re2._Regexp:
    """A case-insensitive RE2 pattern; InvalidSearch saying why it cannot be run."""
    try:
        return re2.compile(pattern, _pattern_options())
    except re2.error as error:
        reason = error.args[0] if error.args and isinstance(error.args[0], bytes) else str(error).encode()
        if any(sign in reason for sign in _TOO_EXPENSIVE):
            raise InvalidSearch(
                f"The regular expression {pattern!r} is too expensive to run; simplify it."
            ) from error
        back_reference = reason.startswith(b"invalid escape sequence: \\") and reason[-1:].isdigit()
        if b"invalid perl operator" in reason or back_reference:
            raise InvalidSearch(
                f"The regular expression {pattern!r} uses a look-around or a back-reference, "
                "which the search does not support (it runs in linear time)."
            ) from error
        words = reason.decode("utf-8", "replace")
        raise InvalidSearch(f"The regular expression {pattern!r} is not valid: {words}.") from error


def matches_search(names: pd.Series, query: str) -> pd.Series:
    """Names spelled like `query` whatever the case and separators ("ResNet-50" finds resnet50);
    a regular expression when `query` starts with ``re:``."""
    query = query.strip()
    if not query:
        return pd.Series(True, index=names.index)
    if query.startswith(REGEX_PREFIX):
        compiled = compile_search(query[len(REGEX_PREFIX) :].strip())
        return pd.Series([compiled.search(name) is not None for name in names.fillna("")], index=names.index)
    wanted = find.spelling(query)
    if not wanted:  # only separators typed ("_"): match them as they are
        return names.fillna("").str.contains(query, case=False, regex=False)
    return pd.Series([wanted in find.spelling(name) for name in names.fillna("")], index=names.index)


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the table to. Empty families means all."""

    search: str = ""
    families: tuple[str, ...] = ()
    limits: tuple[Limit, ...] = ()


def filter_rows(table: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Rows that pass every filter (a row missing a metric passes only no limit on it)."""
    keep = matches_search(table[WEIGHT], filters.search) | matches_search(table[MODEL], filters.search)
    if filters.families:
        keep &= table[FAMILY].isin(filters.families)
    for limit in filters.limits:
        if limit.metric in table.columns:
            keep &= limit.fits(table[limit.metric])
    return table[keep]


def columns_first(table: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """The table with `labels` (those it has) as its first columns, in that order: what a page is
    about comes before the rest."""
    first = [label for label in dict.fromkeys(labels) if label in table.columns]
    return table[first + [label for label in table.columns if label not in first]]


def metric_range(table: pd.DataFrame, label: str) -> tuple[float, float] | None:
    """The lowest and highest value of a metric column; None when it has none. (In numpy: a page
    asks it of every metric on each rerun, and pandas' dropna, min and max cost ten times more.)"""
    values = table[label].to_numpy(dtype=float, na_value=np.nan)
    present = values[~np.isnan(values)]
    if not present.size:
        return None
    return float(present.min()), float(present.max())


def _as_maximise(table: pd.DataFrame, labels: list[str]) -> np.ndarray:
    """Values oriented so that bigger is better in every column."""
    columns = []
    for label in labels:
        values = table[label].to_numpy(dtype=float)
        columns.append(registry.METRICS[label].oriented(values))
    return np.column_stack(columns)


def pareto_frontier(table: pd.DataFrame, labels: list[str]) -> pd.Series:
    """True for rows no other row beats: at least as good in every metric and better in one.

    Each metric's direction comes from the registry (more accuracy, fewer params/GFLOPS).
    Rows missing any of the metrics are never on the frontier.
    """
    labels = list(dict.fromkeys(labels))
    complete = table[labels].notna().all(axis=1).to_numpy()
    result = np.zeros(len(table), dtype=bool)
    if complete.any():
        values = _as_maximise(table[complete], labels)
        at_least = (values[None, :, :] >= values[:, None, :]).all(axis=2)  # [i, j]: j ≥ i everywhere
        better = (values[None, :, :] > values[:, None, :]).any(axis=2)
        dominated = (at_least & better).any(axis=1)
        result[np.flatnonzero(complete)] = ~dominated
    return pd.Series(result, index=table.index)


def frontier_line(table: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """The frontier rows sorted along x, ready to be drawn as a step line."""
    on_frontier = table[pareto_frontier(table, [x, y])]
    return on_frontier.sort_values([x, y])


def plottable(table: pd.DataFrame, labels: list[str]) -> pd.Series:
    """Rows that have a value for every one of `labels` (the others cannot be drawn)."""
    present = np.ones(len(table), dtype=bool)
    for label in dict.fromkeys(labels):  # column by column: no frame of the columns is made
        present &= table[label].notna().to_numpy()
    return pd.Series(present, index=table.index)


def comparison(rows: list[tuple[str, pd.Series]]) -> pd.DataFrame:
    """Weights side by side: one column per weight, one row per field and metric.

    `rows` are (category slug, table row) pairs, possibly from different categories; a metric a
    weight's category does not report is NaN.
    """
    labels = [label for label in registry.METRICS if any(label in row.index for _, row in rows)]
    facts = [
        label
        for label in (
            *registry.MEASURED_DETAILS,
            registry.TIMING.label,
            *registry.MEASURED_CONTEXT,
            *registry.FACT_COLUMNS,
        )
        if label not in registry.METRICS and any(label in row.index for _, row in rows)
    ]
    columns = {}
    for slug, row in rows:
        values: dict[str, object] = {
            "Category": registry.CATEGORIES[slug].title,
            FAMILY: row.get(FAMILY),
            MODEL: row.get(MODEL),
        }
        values.update({label: row.get(label, math.nan) for label in labels})
        values.update({label: row.get(label, math.nan) for label in facts})
        columns[row[WEIGHT]] = values
    return pd.DataFrame(columns)


def best_in_rows(side_by_side: pd.DataFrame) -> pd.DataFrame:
    """True where a cell holds the best value of its metric row (ties all count), among ≥ 2 values."""
    mask = pd.DataFrame(False, index=side_by_side.index, columns=side_by_side.columns)
    for label in side_by_side.index:
        if label not in registry.METRICS:
            continue
        values = pd.to_numeric(side_by_side.loc[label], errors="coerce")
        if values.notna().sum() < 2:
            continue
        mask.loc[label] = values == registry.METRICS[label].best(values)
    return mask


def rows_in_view(table: pd.DataFrame, filters: Filters, pareto_axes: tuple[str, str] | None) -> pd.DataFrame:
    """The rows a view shows: its filters, then only the frontier of `pareto_axes` when given."""
    shown = filter_rows(table, filters)
    if pareto_axes is not None:
        shown = shown[pareto_frontier(shown, list(pareto_axes))]
    return shown


def why_nothing_shows(table: pd.DataFrame, filters: Filters, x: str, y: str) -> str:
    """Why no weight is drawn, in words, and how to widen it: the filter that empties the table
    on its own, else the filters that do together."""
    drawable = table[plottable(table, [x, y])]
    if drawable.empty:
        return f"No weight of this table has both {x} and {y}; choose other axes."
    named = []
    if filters.search.strip():
        named.append((f"the search “{filters.search.strip()}”", Filters(search=filters.search)))
    if filters.families:
        named.append((f"the families {', '.join(filters.families)}", Filters(families=filters.families)))
    for limit in filters.limits:
        named.append((limit.words(), Filters(limits=(limit,))))
    for words, alone in named:
        if filter_rows(drawable, alone).empty:
            return f"{words[0].upper()}{words[1:]} matches no weight here; widen it or clear it."
    if not named:
        return "No weight is drawn."
    together = " and ".join(words for words, _ in named)
    return f"Together, {together} leave no weight; widen or clear one of them."
