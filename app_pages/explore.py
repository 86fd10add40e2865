"""Explore: one category as a scatter of two metrics, filtered, with the Pareto frontier."""

from __future__ import annotations

import streamlit as st

from dashboard import explore, sidebar, url_state, widgets
from torchvision_stats import registry
from torchvision_stats.output import charts, export, formatting
from torchvision_stats.questions import analysis
from torchvision_stats.views import controls
from torchvision_stats.views.explore import EXPLORE

keys = EXPLORE.keys

widgets.open_range_ends(keys.prefix("range"))
page = url_state.open_category_page(EXPLORE)
state, result, tables, view = page.state, page.result, page.tables, page.view
table, category, notices = page.table, page.category, page.notices
families = sorted(table[registry.FAMILY.label].dropna().unique())
range_controls = controls.range_controls(table)
explore.hold_ranges(page, range_controls)
filters = analysis.Filters(view.q, view.family, view.ranges)

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
    event = explore.scatter(page, shown, search_error, filters, families)
    summary = charts.plotted_summary(
        shown, table, view, listed=st.session_state.get(keys("show-table"), False)
    )
    st.caption(formatting.markdown("{} Drag a box or lasso on the chart to select weights.", summary))

with controls_area:
    explore.view_controls(page, families, range_controls)

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
file_name = export.file_name(
    view.category, [view.q, *view.family, *(limit.words() for limit in view.ranges), *pareto_words]
)
widgets.csv_download("Download CSV", shown, file_name, keys("download"))
# Off at first: the table grid is heavy for the browser to load, and the chart comes first.
if st.toggle("Show them as a table", key=keys("show-table")):
    widgets.show_table(shown)

if len(shown):
    st.subheader("Use a weight")
    widgets.code_for_a_chosen_weight(shown, keys("snippet-weight"))

state.remember(view)
