"""Compare: up to six weights from any categories, side by side, best values highlighted."""

import streamlit as st

from dashboard import data, widgets
from dashboard.url_state import PageState
from torchvision_stats import registry
from torchvision_stats.output import formatting, view_state
from torchvision_stats.questions import analysis

HIGHLIGHT = "background-color: rgba(46, 160, 67, 0.28); font-weight: 600"

state = PageState("compare", view_state.COMPARE)
result = data.page_data()
tables = result.data.tables
view, notices = state.view_for_this_run(tables)
category_of = {weight: slug for slug, table in tables.items() for weight in table[registry.WEIGHT.label]}

st.title("Compare")
widgets.url_notices(notices)
st.multiselect(
    "Weights to compare",
    list(category_of),
    format_func=lambda weight: f"{weight}  ·  {registry.CATEGORIES[category_of[weight]].title}",
    max_selections=view_state.MAX_COMPARED,
    placeholder="Type to search any weight of any category",
    key="compare.weights",
)
view = state.current(tables)
if not view.weights:
    st.info(
        formatting.markdown(
            "Pick up to {} weights, from any categories, to see them side by side.", view_state.MAX_COMPARED
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
    shown_as_text = side_by_side.map(formatting.display_value)  # one type per column for the grid
    st.dataframe(shown_as_text.style.apply(lambda _: best.replace({True: HIGHLIGHT, False: ""}), axis=None))
    st.caption(
        "Highlighted: the best value of each metric among the picked weights (higher accuracy and mAP, "
        "fewer params and GFLOPS/GIPS). Metrics a category does not report are shown as –."
    )
    st.subheader("Code")
    for _, row in rows:
        widgets.weight_snippet(row)

state.remember(view)
