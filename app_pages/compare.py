"""Compare: up to six weights from any categories, side by side, best values highlighted."""

import streamlit as st

from app_pages import common
from torchvision_stats import analysis, formatting, registry, snippets

MAX_WEIGHTS = 6
HIGHLIGHT = "background-color: rgba(46, 160, 67, 0.28); font-weight: 600"

result = common.page_data()
tables = result.data.tables
options = [(slug, weight) for slug, table in tables.items() for weight in table["Weight"]]

st.title("Compare")
picked = st.multiselect(
    "Weights to compare",
    options,
    format_func=lambda option: f"{option[1]}  ·  {registry.CATEGORIES[option[0]].title}",
    max_selections=MAX_WEIGHTS,
    placeholder="Type to search any weight of any category",
    key="compare.weights",
)
if not picked:
    st.info(
        formatting.markdown(
            "Pick up to {} weights, from any categories, to see them side by side.", MAX_WEIGHTS
        )
    )

rows = [(slug, tables[slug].loc[tables[slug]["Weight"] == weight].iloc[0]) for slug, weight in picked]
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
        snippet = snippets.code_snippet(row["Weight"], row["Model"], row["Module"])
        if snippet:
            st.code(snippet, language="python")
