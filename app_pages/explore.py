"""Explore: one category as a scatter of two metrics, filtered, with the Pareto frontier."""

from __future__ import annotations

import streamlit as st

from app_pages import common, explore_state
from torchvision_stats import analysis, charts, formatting, registry, snippets, view_state

result = common.page_data()
tables = result.data.tables
view, notices = explore_state.view_for_this_run(tables)
table = tables[view.category]
metrics = analysis.metric_columns(table)
families = sorted(table["Family"].dropna().unique())
category = registry.CATEGORIES[view.category]

st.title("Explore")
st.caption(
    formatting.markdown(
        "{} weights, evaluated on {}. Hover a point to see the weight.", category.title, category.dataset
    )
)
for notice in notices:
    st.info(formatting.escape_markdown(notice), icon=":material/link_off:")
common.kept_notice(result, view.category)
controls = st.container()
chart_area = st.container()

# The chart is drawn before the controls above it (they already hold this view): the browser
# gets the figure first, which is what people wait for.
with chart_area:
    try:
        shown = analysis.rows_in_view(table, view, explore_state.current_ranges(table, view.category))
    except analysis.InvalidSearch as error:
        st.error(formatting.escape_markdown(str(error)), icon=":material/error:")
        shown = table.iloc[0:0]
    figure = charts.scatter_figure(
        shown,
        view,
        size_range=analysis.metric_range(table, view.size) if view.size != view_state.NO_SIZE else None,
        families=families,
    )
    event = st.plotly_chart(
        figure,
        key="explore.chart",
        on_select="rerun",
        selection_mode=("box", "lasso"),
        config={"displaylogo": False},
    )
    st.caption(
        formatting.markdown(
            "{} Drag a box or lasso on the chart to select weights.",
            charts.plotted_summary(shown, table, view),
        )
    )

with controls:
    axes = st.columns([1.4, 1, 1, 0.9, 0.9, 0.6, 0.6])
    axes[0].selectbox(
        "Category",
        list(tables),
        format_func=lambda slug: registry.CATEGORIES[slug].title,
        key="explore.category",
        on_change=explore_state.on_category_change,
        args=(tables,),
    )
    axes[1].selectbox("X axis", metrics, format_func=registry.axis_title, key="explore.x")
    axes[2].selectbox("Y axis", metrics, format_func=registry.axis_title, key="explore.y")
    axes[3].selectbox("Color by", view_state.COLOR_CHOICES, format_func=str.capitalize, key="explore.color")
    axes[4].selectbox(
        "Size by", [view_state.NO_SIZE, *metrics], format_func=registry.axis_title, key="explore.size"
    )
    axes[5].toggle("Log X", key="explore.logx")
    axes[6].toggle("Log Y", key="explore.logy")

    filters_row = st.columns([1.2, 2, 1.2])
    filters_row[0].text_input(
        "Search models",
        key="explore.q",
        max_chars=view_state.MAX_SEARCH_LENGTH,
        placeholder="resnet, or re:^vit_b",
        help="Case-insensitive part of the weight or builder name; start with re: for a regular expression.",
    )
    filters_row[1].multiselect("Families", families, key="explore.family", placeholder="All families")
    filters_row[2].segmented_control(
        "Pareto frontier",
        view_state.PARETO_MODES,
        key="explore.pareto",
        format_func={"off": "Off", "frontier": "Show", "only": "Only"}.get,
        required=True,
        help="Weights no other weight beats on both axes (more accuracy, fewer params/GFLOPS).",
    )
    with st.expander("Metric ranges", icon=":material/tune:"):
        explore_state.range_sliders(table, view.category)

selected_weights = [point.get("customdata") for point in event.selection.points] if event else []
if selected_weights:
    selected = shown[shown["Weight"].isin(selected_weights)]
    st.subheader(formatting.markdown("Selected ({})", len(selected)))
    st.dataframe(selected, hide_index=True, column_config=common.column_config(selected))
    common.csv_download(
        "Download selection as CSV", selected, f"{view.category}-selection.csv", "explore.download-selection"
    )

st.subheader(formatting.markdown("Filtered weights ({})", len(shown)))
common.csv_download("Download CSV", shown, f"{view.category}.csv", "explore.download")
# Off at first: the table grid is heavy for the browser to load, and the chart comes first.
if st.toggle("Show them as a table", key="explore.show-table"):
    st.dataframe(shown, hide_index=True, column_config=common.column_config(shown))

if len(shown):
    st.subheader("Use a weight")
    # The code appears once a weight is chosen: the code element is heavy for the browser to load,
    # and the first paint of the chart should not wait for it.
    weight = st.selectbox(
        "Weight",
        shown["Weight"].tolist(),
        index=None,
        key="explore.snippet-weight",
        placeholder="Choose a weight to get the code that loads it",
    )
    if weight is not None:
        row = shown[shown["Weight"] == weight].iloc[0]
        snippet = snippets.code_snippet(row["Weight"], row["Model"], row["Module"])
        if snippet:
            st.code(snippet, language="python")
        else:
            st.warning("This name is not a valid Python identifier, so no code snippet is offered.")

explore_state.remember(view)
