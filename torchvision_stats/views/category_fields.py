"""What the category pages' fields offer, read from the tables of the docs version shown."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.views.codec import SoFar

DEFAULT_CATEGORY = "classification"
Tables = Mapping[str, pd.DataFrame]


def categories(so_far: SoFar, tables: Tables) -> list[str]:
    return [slug for slug in registry.CATEGORIES if slug in tables]


def default_category(so_far: SoFar, tables: Tables) -> str:
    available = categories(so_far, tables)
    return DEFAULT_CATEGORY if DEFAULT_CATEGORY in available else available[0]


def metrics(so_far: SoFar, tables: Tables) -> list[str]:
    """The metrics of the chosen category's table (a field that reads them needs "category")."""
    return registry.metric_columns(tables[so_far.category])


def families(so_far: SoFar, tables: Tables) -> list[str]:
    return sorted(tables[so_far.category][registry.FAMILY.label].dropna().unique())
