"""Explore's glue: the scatter (or, in its place, why nothing can be drawn) and the row of controls
above it. The page says what is on the screen and in which order; the widgets are drawn here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, measurement_sets, widgets
from dashboard.url_state import CategoryPage
from torchvision_stats import registry
from torchvision_stats.output import charts, formatting
from torchvision_stats.questions import analysis
from torchvision_stats.views import controls
from torchvision_stats.views import explore as explore_view
from torchvision_stats.views.explore import EXPLORE, ExploreView

keys = EXPLORE.keys


def scatter(
    page: CategoryPage,
    shown: pd.DataFrame,
    search_error: str,
    filters: analysis.Filters,
    families: list[str],
):
    """The scatter of `shown`, selectable with a box or a lasso (its selection event); when nothing
    can be drawn, why and how to widen the view in its place (None)."""
    view, table = page.view, page.table
    if search_error:
        st.error(formatting.escape_markdown(search_error), icon=":material/error:")
        return None
    if not analysis.plottable(shown, [view.x, view.y]).any():
        reason = analysis.why_nothing_shows(table, filters, view.x, view.y)
        st.info(formatting.escape_markdown(reason), icon=":material/filter_alt_off:")
        return None
    size_range = analysis.metric_range(table, view.size) if view.size != explore_view.NO_SIZE else None
    measured_on = measurement_sets.selected().label if measurement_sets.selected() else ""
    return st.plotly_chart(
        charts.scatter_figure(
            shown,
            view,
            size_range=size_range,
            families=data.family_order(view.category, families),
            measured_on=measured_on,
            hovers=data.hover_texts(view.category),
        ),
        key=keys("chart"),
        on_select="rerun",
        selection_mode=("box", "lasso"),
        config={"displaylogo": False},
    )


def view_controls(
    page: CategoryPage,
    families: list[str],
    range_controls: dict[str, controls.RangeControl],
) -> None:
    """Category, axes, colour, size and log scales; search, families and Pareto frontier; and the
    metric ranges, folded unless one is narrowed."""
    state, view = page.state, page.view
    metrics = registry.metric_columns(page.table)
    axes = st.columns([1.4, 1, 1, 0.9, 0.9, 0.6, 0.6])
    page.category_select(resets=("x", "y", "family", "ranges"), where=axes[0])
    axes[1].selectbox(
        "X axis",
        metrics,
        format_func=registry.axis_title,
        key=keys("x"),
        on_change=state.keep_apart,
        args=("x", "y", view.x),
    )
    y_metrics = [label for label in metrics if label != view.x]  # never a metric against itself
    axes[2].selectbox("Y axis", y_metrics, format_func=registry.axis_title, key=keys("y"))
    axes[3].selectbox("Color by", explore_view.COLOR_CHOICES, format_func=str.capitalize, key=keys("color"))
    sizes = [explore_view.NO_SIZE, *metrics]
    axes[4].selectbox("Size by", sizes, format_func=registry.axis_title, key=keys("size"))
    axes[5].toggle("Log X", key=keys("logx"))
    axes[6].toggle("Log Y", key=keys("logy"))
    filters_row = st.columns([1.2, 2, 1.2])
    filters_row[0].text_input(
        "Search models",
        key=keys("q"),
        max_chars=explore_view.MAX_SEARCH_LENGTH,
        placeholder="resnet, or re:^vit_b",
        help="Case-insensitive part of the weight or builder name; start with re: for a regular expression.",
    )
    filters_row[1].multiselect(
        "Families", families, key=keys("family"), placeholder="All families", select_all=False
    )
    filters_row[2].segmented_control(
        "Pareto frontier",
        explore_view.PARETO_MODES,
        key=keys("pareto"),
        format_func={"off": "Off", "frontier": "Show", "only": "Only"}.get,
        required=True,
        help="Weights no other weight beats on both axes (more accuracy, fewer params/GFLOPS).",
    )
    ranges_box = st.expander(
        "Metric ranges",
        icon=":material/tune:",
        expanded=ranges_open(view),
        key=keys("ranges-open"),
        on_change="rerun",
    )
    if ranges_box.open:  # drawn only when open: eleven sliders are ~30 ms of each repaint
        with ranges_box:
            widgets.range_controls(range_controls, keys.prefix("range"))


def ranges_open(view: ExploreView) -> bool:
    """Whether *Metric ranges* is open: as the visitor left it, else open when the view narrows one."""
    return bool(st.session_state.get(keys("ranges-open"), bool(view.ranges)))


def hold_ranges(page: CategoryPage, range_controls: dict[str, controls.RangeControl]) -> None:
    """Each range control's value for the view, before the controls are drawn; kept for the view
    while they are not drawn (Streamlit drops the state of a widget a run does not draw unless the
    run gives it again)."""
    widgets.hold_range_ends(range_controls, keys.prefix("range"))
    hold = page.state.set if ranges_open(page.view) else page.state.keep
    for label, control in range_controls.items():
        hold(f"range.{label}", control.held(page.view.limit_on(label)))
