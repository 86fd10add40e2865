"""The Pick page's widget state ⇄ URL query parameters (validated by view_state)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from app_pages import common
from torchvision_stats import analysis, registry, view_state
from torchvision_stats.view_state import PickView

_REMEMBERED = "pick.view"


def bound_key(label: str) -> str:
    return f"pick.bound.{label}"


def input_label(label: str) -> str:
    kind = "Max" if registry.METRICS[label].better is registry.Better.LOWER else "Min"
    return f"{kind} {registry.axis_title(label)}"


def metric_inputs(table: pd.DataFrame) -> list[str]:
    return analysis.metric_columns(table)


def _set_widgets(view: PickView, table: pd.DataFrame) -> None:
    bounds = dict(view.bounds)
    st.session_state["pick.category"] = view.category
    for label in metric_inputs(table):
        st.session_state[bound_key(label)] = bounds.get(label)
    st.session_state["pick.include"] = list(view.include)
    st.session_state["pick.exclude"] = list(view.exclude)


def _widgets_as_query(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    slug = st.session_state["pick.category"]
    bounds = tuple(
        (label, float(st.session_state[bound_key(label)]))
        for label in metric_inputs(tables[slug])
        if st.session_state.get(bound_key(label)) is not None
    )
    view = PickView(
        slug,
        bounds,
        tuple(st.session_state.get("pick.include") or ()),
        tuple(st.session_state.get("pick.exclude") or ()),
    )
    return view_state.pick_view_to_query(view)


def view_for_this_run(tables: Mapping[str, pd.DataFrame]) -> tuple[PickView, list[str]]:
    notices: list[str] = []
    if "pick.category" in st.session_state and st.session_state["pick.category"] in tables:
        view, _ = view_state.pick_view_from_query(_widgets_as_query(tables), tables)
    elif _REMEMBERED in st.session_state:
        view, _ = view_state.pick_view_from_query(
            view_state.pick_view_to_query(st.session_state[_REMEMBERED]), tables
        )
    else:
        view, notices = view_state.pick_view_from_query(st.query_params.to_dict(), tables)
    _set_widgets(view, tables[view.category])
    return view, notices


def view_from_widgets(tables: Mapping[str, pd.DataFrame]) -> PickView:
    view, _ = view_state.pick_view_from_query(_widgets_as_query(tables), tables)
    return view


def on_category_change() -> None:
    """Limits and families belong to one category: a new category starts without them."""
    for key in list(st.session_state):
        if str(key).startswith("pick.bound."):
            st.session_state[key] = None
    st.session_state["pick.include"] = []
    st.session_state["pick.exclude"] = []


def remember(view: PickView) -> None:
    st.session_state[_REMEMBERED] = view
    common.show_in_url(view_state.pick_view_to_query(view))
