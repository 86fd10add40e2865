"""The Explore view as URL query parameters, validated both ways.

A shared link reproduces the view. An unknown or malformed value falls back to the default
with a notice in words; nothing a URL holds can raise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from torchvision_stats import analysis, registry

DEFAULT_CATEGORY = "classification"
PARETO_MODES = ("off", "frontier", "only")
COLOR_CHOICES = ("Family", "none")
NO_SIZE = "none"
MAX_SEARCH_LENGTH = 200
MAX_NUMBER_LENGTH = 40  # a limit longer than this is no number a person typed
KEYS = ("category", "x", "y", "logx", "logy", "color", "size", "q", "family", "pareto")


@dataclass(frozen=True)
class ExploreView:
    category: str
    x: str
    y: str
    logx: bool = True  # costs span three orders of magnitude (0.04 to 1016 GFLOPS)
    logy: bool = False
    color: str = "Family"
    size: str = NO_SIZE
    q: str = ""
    family: tuple[str, ...] = ()
    pareto: str = "off"


def default_axes(category: registry.Category, table: pd.DataFrame) -> tuple[str, str]:
    """Cost on x and the main quality metric on y, as far as this release's table has them."""
    metrics = analysis.metric_columns(table)
    x = category.cost_metric if category.cost_metric in metrics else "Params (M)"
    y = category.main_metric if category.main_metric in metrics else metrics[0]
    return x, y


def default_view(category_slug: str, tables: Mapping[str, pd.DataFrame]) -> ExploreView:
    x, y = default_axes(registry.CATEGORIES[category_slug], tables[category_slug])
    return ExploreView(category_slug, x, y)


def _single(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return None if value is None else str(value)


def _boolean(text: str | None, default: bool, key: str, notices: list[str]) -> bool:
    if text is None:
        return default
    if text in ("1", "0"):
        return text == "1"
    notices.append(f"“{key}={text[:40]}” is not 1 or 0; using {int(default)}.")
    return default


def _choice(
    text: str | None, allowed: list[str] | tuple[str, ...], default: str, key: str, notices: list[str]
) -> str:
    if text is None:
        return default
    if text in allowed:
        return text
    notices.append(f"“{key}={text[:40]}” is not available here; using {default}.")
    return default


def _category_param(
    params: Mapping[str, object], tables: Mapping[str, pd.DataFrame], notices: list[str]
) -> str:
    """The requested category if this release has it, else classification (or the first there is)."""
    available = [slug for slug in registry.CATEGORIES if slug in tables]
    fallback = DEFAULT_CATEGORY if DEFAULT_CATEGORY in available else available[0]
    return _choice(_single(params, "category"), available, fallback, "category", notices)


def _families_param(
    params: Mapping[str, object], key: str, present: set[str], notices: list[str]
) -> tuple[str, ...]:
    requested = [f for f in (_single(params, key) or "").split(",") if f.strip()]
    kept = tuple(f for f in requested if f in present)
    if len(kept) < len(requested):
        notices.append(
            f"Unknown families ignored in {key}: " + ", ".join(f[:40] for f in requested if f not in present)
        )
    return kept


def view_from_query(
    params: Mapping[str, object], tables: Mapping[str, pd.DataFrame]
) -> tuple[ExploreView, list[str]]:
    """The view a URL asks for, and a notice for each value that had to fall back."""
    notices: list[str] = []
    category = _category_param(params, tables, notices)
    default = default_view(category, tables)
    metrics = analysis.metric_columns(tables[category])
    q = _single(params, "q") or ""
    if len(q) > MAX_SEARCH_LENGTH:
        notices.append(f"The search text was cut to {MAX_SEARCH_LENGTH} characters.")
        q = q[:MAX_SEARCH_LENGTH]
    families = _families_param(params, "family", set(tables[category]["Family"].dropna()), notices)
    view = ExploreView(
        category=category,
        x=_choice(_single(params, "x"), metrics, default.x, "x", notices),
        y=_choice(_single(params, "y"), metrics, default.y, "y", notices),
        logx=_boolean(_single(params, "logx"), default.logx, "logx", notices),
        logy=_boolean(_single(params, "logy"), default.logy, "logy", notices),
        color=_choice(_single(params, "color"), COLOR_CHOICES, default.color, "color", notices),
        size=_choice(_single(params, "size"), [NO_SIZE, *metrics], default.size, "size", notices),
        q=q,
        family=families,
        pareto=_choice(_single(params, "pareto"), PARETO_MODES, default.pareto, "pareto", notices),
    )
    return view, notices


def view_to_query(view: ExploreView) -> dict[str, str]:
    """Query parameters for a view; empty search and family filters are left out."""
    params = {
        "category": view.category,
        "x": view.x,
        "y": view.y,
        "logx": "1" if view.logx else "0",
        "logy": "1" if view.logy else "0",
        "color": view.color,
        "size": view.size,
        "pareto": view.pareto,
    }
    if view.q:
        params["q"] = view.q
    if view.family:
        params["family"] = ",".join(view.family)
    return params


def with_category(view: ExploreView, category_slug: str, tables: Mapping[str, pd.DataFrame]) -> ExploreView:
    """Switch category: axes, size and families that the new table lacks go back to its defaults."""
    default = default_view(category_slug, tables)
    metrics = analysis.metric_columns(tables[category_slug])
    return replace(
        view,
        category=category_slug,
        x=default.x,
        y=default.y,
        size=view.size if view.size in metrics else NO_SIZE,
        family=(),
    )


@dataclass(frozen=True)
class PickView:
    """The Pick a model page: a category, bounds per metric (max or min by the metric's
    direction), families to include or exclude. URL: ``?category=…&GFLOPS=5&Acc@1=80&exclude=VGG``."""

    category: str
    bounds: tuple[tuple[str, float], ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


def pick_view_from_query(
    params: Mapping[str, object], tables: Mapping[str, pd.DataFrame]
) -> tuple[PickView, list[str]]:
    notices: list[str] = []
    category = _category_param(params, tables, notices)
    table = tables[category]
    bounds = []
    for label in analysis.metric_columns(table):
        text = _single(params, label)
        if text is None:
            continue
        try:
            value = float(text) if len(text) <= MAX_NUMBER_LENGTH else math.nan
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            bounds.append((label, value))
        else:
            notices.append(f"“{label}={text[:40]}” is not a number; that constraint was left out.")
    present = set(table["Family"].dropna())
    include = _families_param(params, "include", present, notices)
    exclude = _families_param(params, "exclude", present, notices)
    return PickView(category, tuple(bounds), include, exclude), notices


def pick_view_to_query(view: PickView) -> dict[str, str]:
    params = {"category": view.category}
    params.update({label: f"{bound:g}" for label, bound in view.bounds})
    if view.include:
        params["include"] = ",".join(view.include)
    if view.exclude:
        params["exclude"] = ",".join(view.exclude)
    return params
