"""Pick a model: constraints on any metric → the weights that fit, best first, and why."""

import streamlit as st

from app_pages import common, pick_state
from torchvision_stats import formatting, pick, registry, snippets

result = common.page_data()
tables = result.data.tables
view, notices = pick_state.view_for_this_run(tables)
table = tables[view.category]
category = registry.CATEGORIES[view.category]

st.title("Pick a model")
st.caption(
    formatting.markdown(
        "Set limits on any metric; the weights that fit are ranked by {}.", category.main_metric
    )
)
for notice in notices:
    st.info(formatting.escape_markdown(notice), icon=":material/link_off:")
common.kept_notice(result, view.category)

st.selectbox(
    "Category",
    list(tables),
    format_func=lambda s: registry.CATEGORIES[s].title,
    key="pick.category",
    on_change=pick_state.on_category_change,
)
metrics = pick_state.metric_inputs(table)
limits = st.columns(len(metrics))
for column, label in zip(limits, metrics, strict=True):
    column.number_input(
        formatting.escape_markdown(pick_state.input_label(label)),
        value=None,
        placeholder="no limit",
        key=pick_state.bound_key(label),
        format=registry.METRICS[label].number_format,
    )
families = sorted(table["Family"].dropna().unique())
family_row = st.columns(2)
family_row[0].multiselect("Only these families", families, key="pick.include", placeholder="Any family")
family_row[1].multiselect("Never these families", families, key="pick.exclude", placeholder="None excluded")

view = pick_state.view_from_widgets(tables)
picked = pick.pick_weights(
    table, category, pick.constraints_from(dict(view.bounds)), view.include, view.exclude
)

if picked.ranked.empty:
    st.warning(
        formatting.markdown("No weight fits. The binding constraint: {}.", picked.binding or ""),
        icon=":material/block:",
    )
    if not picked.closest.empty:
        st.subheader("Closest weights")
        st.dataframe(picked.closest, hide_index=True, column_config=common.column_config(picked.closest))
else:
    st.subheader(formatting.markdown("Top picks of {} that fit", len(picked.ranked)))
    for (_, row), reason in zip(picked.ranked.iterrows(), picked.reasons, strict=False):
        with st.container(border=True):
            st.markdown(
                formatting.markdown(
                    "**{}** · {} {:g}", row["Weight"], category.main_metric, row[category.main_metric]
                )
            )
            st.markdown(formatting.escape_markdown(reason))
            snippet = snippets.code_snippet(row["Weight"], row["Model"], row["Module"])
            if snippet:
                st.code(snippet, language="python")
    st.subheader("Every weight that fits")
    st.dataframe(
        picked.ranked,
        hide_index=True,
        column_config={
            **common.column_config(picked.ranked),
            "Pareto-optimal": st.column_config.CheckboxColumn(
                "Pareto-optimal", help="No weight that fits is both better in the main metric and cheaper."
            ),
        },
    )
    common.csv_download("Download as CSV", picked.ranked, f"{view.category}-picks.csv", "pick.download")

pick_state.remember(view)
