"""The Explore page's widget state ⇄ URL query parameters (validated by view_state)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict

import pandas as pd
import streamlit as st

from app_pages import common
from torchvision_stats import analysis, formatting, registry, view_state
from torchvision_stats.view_state import ExploreView

_REMEMBERED = "explore.view"


def _widget_key(field: str) -> str:
    return f"explore.{field}"


def _widgets_as_query() -> dict[str, str]:
    state = st.session_state
    view = ExploreView(
        category=state[_widget_key("category")],
        x=state[_widget_key("x")],
        y=state[_widget_key("y")],
        logx=bool(state[_widget_key("logx")]),
        logy=bool(state[_widget_key("logy")]),
        color=state[_widget_key("color")],
        size=state[_widget_key("size")],
        q=state[_widget_key("q")] or "",
        family=tuple(state[_widget_key("family")] or ()),
        pareto=state[_widget_key("pareto")] or "off",
    )
    return view_state.view_to_query(view)


def _set_widgets(view: ExploreView) -> None:
    for field, value in asdict(view).items():
        st.session_state[_widget_key(field)] = list(value) if field == "family" else value


def view_for_this_run(tables: Mapping[str, pd.DataFrame]) -> tuple[ExploreView, list[str]]:
    """The validated view, from the widgets when they exist, else from this session's last view,
    else from the URL. The widgets are set to it before they are drawn."""
    notices: list[str] = []
    if _widget_key("category") in st.session_state:
        view, _ = view_state.view_from_query(_widgets_as_query(), tables)
    elif _REMEMBERED in st.session_state:  # back from another page: widget state was cleared
        view, _ = view_state.view_from_query(view_state.view_to_query(st.session_state[_REMEMBERED]), tables)
    else:
        view, notices = view_state.view_from_query(st.query_params.to_dict(), tables)
    _set_widgets(view)
    return view, notices


def on_category_change(tables: Mapping[str, pd.DataFrame]) -> None:
    """A new category gets its own default axes; size and families it lacks are reset."""
    kept = {k: v for k, v in _widgets_as_query().items() if k not in ("x", "y", "family")}
    view, _ = view_state.view_from_query(kept, tables)
    _set_widgets(view_state.with_category(view, view.category, tables))


def remember(view: ExploreView) -> None:
    """Keep the view for this session and put it in the URL, so a copied link reproduces it."""
    st.session_state[_REMEMBERED] = view
    common.show_in_url(view_state.view_to_query(view))


def _step_and_digits(low: float, high: float) -> tuple[float, int]:
    """About a hundredth of the span, as a power of ten, and the decimals it needs."""
    exponent = math.floor(math.log10(high - low)) - 2
    return 10.0**exponent, max(0, -exponent)


def _slider_bounds(table: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    """Metric → (low, high, step) of its slider, rounded outwards to the step."""
    bounds = {}
    for label in analysis.metric_columns(table):
        full = analysis.metric_range(table, label)
        if full is None or full[0] == full[1]:
            continue
        step, digits = _step_and_digits(*full)
        low = round(math.floor(full[0] / step) * step, digits)
        high = round(math.ceil(full[1] / step) * step, digits)
        bounds[label] = (low, high, step)
    return bounds


def _slider_key(category_slug: str, label: str) -> str:
    # Per docs version too: another release's table has other ranges.
    return f"explore.range.{common.selected_version()}.{category_slug}.{label}"


def _held_range(key: str, low: float, high: float) -> tuple[float, float]:
    """The slider's range, clamped into the table's bounds (full range when not yet drawn)."""
    held_low, held_high = st.session_state.get(key, (low, high))
    held_low, held_high = min(max(held_low, low), high), max(min(held_high, high), low)
    return (held_low, held_high) if held_low <= held_high else (low, high)


def current_ranges(table: pd.DataFrame, category_slug: str) -> dict[str, tuple[float, float]]:
    """The ranges the sliders hold (full ranges before they are first drawn)."""
    return {
        label: _held_range(_slider_key(category_slug, label), low, high)
        for label, (low, high, _) in _slider_bounds(table).items()
    }


def range_sliders(table: pd.DataFrame, category_slug: str) -> None:
    """A range slider per metric of the table."""
    bounds = _slider_bounds(table)
    for column, (label, (low, high, step)) in zip(
        st.columns(max(len(bounds), 1)), bounds.items(), strict=False
    ):
        key = _slider_key(category_slug, label)
        column.slider(
            formatting.escape_markdown(registry.axis_title(label)),
            min_value=low,
            max_value=high,
            value=_held_range(key, low, high),
            step=step,
            key=key,
            format=registry.METRICS[label].number_format,
        )
