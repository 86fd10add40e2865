"""Pick a model: constraints on any metric → the weights that fit, best first, and why."""

import streamlit as st

from dashboard import measurement_sets, sidebar, url_state, widgets
from torchvision_stats import registry
from torchvision_stats.output import export, formatting
from torchvision_stats.questions import pick
from torchvision_stats.registry import number_text
from torchvision_stats.views.pick import PICK

keys = PICK.keys

page = url_state.open_category_page(PICK)
state, result, tables, view = page.state, page.result, page.tables, page.view
table, category, notices = page.table, page.category, page.notices

st.title("Pick a model")
st.caption(
    formatting.markdown(
        "Set limits on any metric; the weights that fit are ranked by {}.", category.main_metric
    )
)
widgets.url_notices(notices)
sidebar.kept_notice(result, view.category)

page.category_select(resets=("bounds", "include", "exclude"))
metrics = registry.metric_columns(table)
PER_ROW = 4  # wide enough that "90.000" is not clipped under the clear button, labels on one line
cells = [cell for start in range(0, len(metrics), PER_ROW) for cell in st.columns(PER_ROW)]
for column, label in zip(cells, metrics, strict=False):
    metric = registry.METRICS[label]
    column.number_input(
        formatting.markdown("{} {}", metric.bound_word, metric.with_unit()),
        value=None,
        placeholder="no limit",
        key=keys("bound", label),
        format=metric.precision.printf,
    )
families = sorted(table[registry.FAMILY.label].dropna().unique())
family_row = st.columns(2)
family_row[0].multiselect(
    "Only these families", families, key=keys("include"), placeholder="Any family", select_all=False
)
family_row[1].multiselect(
    "Never these families", families, key=keys("exclude"), placeholder="None excluded", select_all=False
)

view = state.current(tables)
active = measurement_sets.selected()
picked = pick.pick_weights(
    table, category, view.bounds, view.include, view.exclude, active.label if active else ""
)

if picked.unmeasured:
    measurement_sets.no_measurement_notice(picked.unmeasured, table, category.title)
elif picked.ranked.empty:
    st.warning(
        formatting.markdown("No weight fits. The binding constraint: {}.", picked.binding or ""),
        icon=":material/block:",
    )
    if not picked.closest.empty:
        st.subheader("Closest weights")
        widgets.show_table(picked.closest)
else:
    st.subheader(formatting.markdown("Top picks of {} that fit", len(picked.ranked)))
    for (_, row), reason in zip(picked.ranked.iterrows(), picked.reasons, strict=False):
        with st.container(border=True):
            quality = row[category.main_metric]
            st.markdown(
                formatting.markdown(
                    "**{}** · {} {}",
                    row[registry.WEIGHT.label],
                    category.main_metric,
                    number_text(quality, category.main_metric),
                )
            )
            st.markdown(formatting.escape_markdown(reason))
            mark = registry.licence_mark(str(row.get("License") or ""))
            if mark:
                st.warning(formatting.escape_markdown(mark), icon=":material/gavel:")
            widgets.weight_snippet(row)
    st.subheader("Every weight that fits")
    widgets.show_table(picked.ranked)
    widgets.measured_caption([picked.ranked])
    limits = [limit.words() for limit in view.bounds]
    file_name = export.file_name(
        view.category, ["picks", *limits, *view.include, *(f"no {f}" for f in view.exclude)]
    )
    widgets.csv_download("Download as CSV", picked.ranked, file_name, keys("download"))

state.remember(view)
