"""Explore: one category as a scatter of two metrics, filtered, with the Pareto frontier."""

from __future__ import annotations

import streamlit as st

from dashboard import data, sidebar, speed, url_state, widgets
from torchvision_stats import registry
from torchvision_stats.output import charts, controls, export, formatting, view_state, widget_keys
from torchvision_stats.questions import analysis

keys = widget_keys.EXPLORE

widgets.open_range_ends(keys.prefix("range"))
page = url_state.open_category_page("explore", view_state.EXPLORE)
state, result, tables, view = page.state, page.result, page.tables, page.view
table, category, notices = page.table, page.category, page.notices
metrics = registry.metric_columns(table)
families = sorted(table[registry.FAMILY.label].dropna().unique())
range_controls = controls.range_controls(table)
ranges = controls.held_ranges(range_controls, view.ranges)
for label, value in ranges.values.items():
    state.set(f"range.{label}", value)
filters = analysis.Filters(view.q, view.family, ranges.narrowed)

st.title("Explore")
st.caption(
    formatting.markdown(
        "{} weights, evaluated on {}. Hover a point to see the weight.", category.title, category.dataset
    )
)
widgets.url_notices(notices)
sidebar.kept_notice(result, view.category)
controls_area, chart_area = st.container(), st.container()

# The chart is drawn before the controls above it (they already hold this view): the browser
# gets the figure first, which is what people wait for.
with chart_area:
    search_error = ""
    try:
        shown = analysis.rows_in_view(table, filters, view.pareto_axes)
    except analysis.InvalidSearch as error:
        shown, search_error = table.iloc[0:0], str(error)
    event = None
    # When nothing can be drawn, the chart's place says why and how to widen the view.
    if search_error:
        st.error(formatting.escape_markdown(search_error), icon=":material/error:")
    elif not analysis.plottable(shown, [view.x, view.y]).any():
        reason = analysis.why_nothing_shows(table, filters, ranges.worded, view.x, view.y)
        st.info(formatting.escape_markdown(reason), icon=":material/filter_alt_off:")
    else:
        size_range = analysis.metric_range(table, view.size) if view.size != view_state.NO_SIZE else None
        measured_on = speed.selected().label if speed.selected() else ""
        event = st.plotly_chart(
            charts.scatter_figure(
                shown,
                view,
                size_range=size_range,
                families=data.family_order(view.category, families),
                measured_on=measured_on,
            ),
            key=keys("chart"),
            on_select="rerun",
            selection_mode=("box", "lasso"),
            config={"displaylogo": False},
        )
    summary = charts.plotted_summary(
        shown, table, view, listed=st.session_state.get(keys("show-table"), False)
    )
    st.caption(formatting.markdown("{} Drag a box or lasso on the chart to select weights.", summary))

with controls_area:
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
    axes[3].selectbox("Color by", view_state.COLOR_CHOICES, format_func=str.capitalize, key=keys("color"))
    sizes = [view_state.NO_SIZE, *metrics]
    axes[4].selectbox("Size by", sizes, format_func=registry.axis_title, key=keys("size"))
    axes[5].toggle("Log X", key=keys("logx"))
    axes[6].toggle("Log Y", key=keys("logy"))
    filters_row = st.columns([1.2, 2, 1.2])
    filters_row[0].text_input(
        "Search models",
        key=keys("q"),
        max_chars=view_state.MAX_SEARCH_LENGTH,
        placeholder="resnet, or re:^vit_b",
        help="Case-insensitive part of the weight or builder name; start with re: for a regular expression.",
    )
    filters_row[1].multiselect(
        "Families", families, key=keys("family"), placeholder="All families", select_all=False
    )
    filters_row[2].segmented_control(
        "Pareto frontier",
        view_state.PARETO_MODES,
        key=keys("pareto"),
        format_func={"off": "Off", "frontier": "Show", "only": "Only"}.get,
        required=True,
        help="Weights no other weight beats on both axes (more accuracy, fewer params/GFLOPS).",
    )
    with st.expander("Metric ranges", icon=":material/tune:", expanded=bool(ranges.narrowed)):
        widgets.range_controls(range_controls, keys.prefix("range"))

selected_weights = [point.get("customdata") for point in event.selection.points] if event else []
if selected_weights:
    selected = shown[shown[registry.WEIGHT.label].isin(selected_weights)]
    st.subheader(formatting.markdown("Selected ({})", len(selected)))
    widgets.show_table(selected)
    widgets.csv_download(
        "Download selection as CSV", selected, f"{view.category}-selection.csv", keys("download-selection")
    )

st.subheader(formatting.markdown("Filtered weights ({})", len(shown)))
pareto_words = ["pareto"] if view.pareto == "only" else []
file_name = export.file_name(view.category, [view.q, *view.family, *ranges.worded.values(), *pareto_words])
widgets.csv_download("Download CSV", shown, file_name, keys("download"))
# Off at first: the table grid is heavy for the browser to load, and the chart comes first.
if st.toggle("Show them as a table", key=keys("show-table")):
    widgets.show_table(shown)

if len(shown):
    st.subheader("Use a weight")
    widgets.code_for_a_chosen_weight(shown, keys("snippet-weight"))

state.remember(view)
