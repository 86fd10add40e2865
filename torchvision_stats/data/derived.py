"""Metrics computed from a table's own columns, as the registry declares them."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data.dataset import WeightTables


def _operand(label: str, category: registry.Category) -> str:
    return category.main_metric if label == registry.MAIN_METRIC else label


def with_derived_metrics(table: pd.DataFrame, category: registry.Category) -> pd.DataFrame:
    """A copy with every derived metric whose inputs the table has (NaN where a ratio is undefined)."""
    extended = table.copy()
    for metric in registry.DERIVED_METRICS:
        numerator, denominator = (_operand(label, category) for label in metric.ratio_of)
        if numerator in table.columns and denominator in table.columns:
            bottom = table[denominator].where(table[denominator] > 0)
            extended[metric.label] = (table[numerator] / bottom).astype("float64")
    present = [label for label in registry.METRICS if label in extended.columns]
    ordered = registry.table_columns(present)
    others = [label for label in extended.columns if label not in ordered]  # facts, set context
    trailing = [c.label for c in registry.TRAILING_TEXT_COLUMNS]
    return extended[[c for c in ordered if c not in trailing] + others + trailing]


def add_derived_metrics(data: WeightTables) -> WeightTables:
    """The same data with the derived metrics; data that has them already is returned as it is."""
    if all(_has_derived(table, registry.CATEGORIES[slug]) for slug, table in data.tables.items()):
        return data
    tables = {
        slug: with_derived_metrics(table, registry.CATEGORIES[slug]) for slug, table in data.tables.items()
    }
    return replace(data, tables=tables)


def _has_derived(table: pd.DataFrame, category: registry.Category) -> bool:
    return all(
        metric.label in table.columns
        for metric in registry.DERIVED_METRICS
        if all(_operand(label, category) in table.columns for label in metric.ratio_of)
    )
