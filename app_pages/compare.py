"""Compare: up to six weights from any categories, side by side, best values highlighted."""

import pandas as pd
import streamlit as st

from dashboard import data, finder, widgets
from dashboard.url_state import PageState
from torchvision_stats import registry
from torchvision_stats.output import export, formatting
from torchvision_stats.questions import analysis, find
from torchvision_stats.views.compare import COMPARE, MAX_COMPARED

keys = COMPARE.keys

HIGHLIGHT = "background-color: rgba(46, 160, 67, 0.28); font-weight: 600"
ROW_PIXELS = 35  # the grid's row height

state = PageState(COMPARE)
result = data.page_data()
tables = result.data.tables
view, notices = state.view_for_this_run(tables)
category_of = {weight: slug for slug, table in tables.items() for weight in table[registry.WEIGHT.label]}

st.title("Compare")
widgets.url_notices(notices)
finder.weight_finder(keys("find"), keys("weights"), find.candidates(tables), MAX_COMPARED)
st.multiselect(
    "Weights to compare",
    list(category_of),
    format_func=lambda weight: f"{weight}  ·  {registry.CATEGORIES[category_of[weight]].title}",
    max_selections=MAX_COMPARED,
    placeholder="Or browse: type part of a weight's name",
    key=keys("weights"),
    select_all=False,  # its "Select N matches" made Enter add a batch of weights nobody asked for
)
view = state.current(tables)
if not view.weights:
    st.info(
        formatting.markdown(
            "Pick up to {} weights, from any categories, to see them side by side.", MAX_COMPARED
        )
    )

rows = [
    (
        category_of[weight],
        tables[category_of[weight]].set_index(registry.WEIGHT.label, drop=False).loc[weight],
    )
    for weight in view.weights
]
if rows:
    side_by_side = analysis.comparison(rows)
    best = analysis.best_in_rows(side_by_side)
    shown_as_text = formatting.rows_as_text(side_by_side)  # one type per column for the grid
    st.dataframe(
        shown_as_text.style.apply(lambda _: best.replace({True: HIGHLIGHT, False: ""}), axis=None),
        height=(len(shown_as_text) + 1) * ROW_PIXELS + 3,  # every row in view, no inner scrolling
        column_config={"_index": st.column_config.TextColumn(pinned=True, width=200)},  # labels whole
    )
    st.caption(
        "Highlighted: the best value of each metric among the picked weights, by the metric's direction "
        "(higher accuracy, mAP and throughput; lower params, GFLOPS, size and latency). Metrics a "
        "category does not report are shown as –."
    )
    compared = pd.DataFrame([row for _, row in rows])
    widgets.measured_caption([compared])
    widgets.csv_download(
        "Download as CSV", compared, export.file_name("compare", list(view.weights)), keys("download")
    )
    st.subheader("Code")
    for _, row in rows:
        widgets.weight_snippet(row)

state.remember(view)
