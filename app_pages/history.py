"""History: how a category's weights and numbers changed across docs releases."""

import streamlit as st

from dashboard import data, sidebar, versions, widgets
from dashboard.url_state import PageState
from torchvision_stats import registry
from torchvision_stats.data.snapshot import snapshot_versions
from torchvision_stats.output import charts, formatting, view_state
from torchvision_stats.questions import history

# "stable" is another name for the newest release.
releases = [v for v in versions.choices() if v != "stable"]
context = view_state.HistoryContext(releases, [v for v in releases if v in snapshot_versions()])
state = PageState("history", view_state.HISTORY)
view, notices = state.view_for_this_run(context)
category = registry.CATEGORIES[view.category]

st.title("History")
st.caption(
    "Which weights each docs release lists, which numbers changed, and how far the best "
    "weight under a budget moved. Bundled releases load offline; others are fetched."
)
widgets.url_notices(notices)
controls = st.columns([1, 3])
controls[0].selectbox(
    "Category",
    list(registry.CATEGORIES),
    format_func=lambda s: registry.CATEGORIES[s].title,
    key="history.category",
)
controls[1].multiselect(
    "Releases",
    releases,
    key="history.releases",
    max_selections=history.MAX_RELEASES,  # each release not bundled may be a fetch of up to 10 s
    help=formatting.markdown("Up to {} releases at once.", history.MAX_RELEASES),
)

current = data.page_data()
sidebar.kept_notice(current, category.slug)
if current.data.changes:
    st.subheader(formatting.markdown("Last change of the {} docs", current.version))
    st.caption(formatting.escape_markdown(" ".join(current.data.changes)))
    previous = data.previous_copy(current.version)
    if previous is not None and category.slug in previous.tables and category.slug in current.data.tables:
        before, now = previous.tables[category.slug], current.data.tables[category.slug]
        st.dataframe(history.diff_releases(before, now, "previous copy", "current copy"), hide_index=True)

progress = st.progress(0.0, text="Loading releases…")
loaded = history.gather(
    list(view.releases),
    category,
    lambda version: data.data_for(version).data,
    lambda number, total, version: progress.progress(
        number / total, text=formatting.markdown("Loading {} ({} of {})…", version, number, total)
    ),
)
progress.empty()
for failure in loaded.failures:
    st.warning(formatting.escape_markdown(failure), icon=":material/cloud_off:")
tables = loaded.tables
if len(tables) < 2:
    st.info("Pick at least two releases that load to see how they differ.")
    state.remember(view)
    st.stop()

st.subheader("Which release lists which weight")
st.dataframe(
    history.presence_matrix(tables), column_config={v: st.column_config.CheckboxColumn(v) for v in tables}
)

st.subheader("Numbers that changed")
changed = history.changed_values(tables)
if changed.empty:
    st.caption("No listed number changed between these releases.")
else:
    st.dataframe(changed, hide_index=True)

st.subheader("Best under a budget")
# What the URL or the widgets hold may not fit the releases that loaded: set it right before drawing.
budget_metrics = history.budget_metrics(category, tables)
if view.budget_metric not in budget_metrics:
    state.set("budget_metric", budget_metrics[0])
budget_row = st.columns([1, 1, 2])
budget_metric = budget_row[0].selectbox("Budget metric", budget_metrics, key="history.budget_metric")
largest = history.largest_budget(tables, budget_metric) or 0.0
state.set("budget", min(view.budget, largest))
budget = budget_row[1].number_input(
    formatting.markdown("At most ({})", budget_metric), min_value=0.0, max_value=largest, key="history.budget"
)
best = history.best_under_budget(tables, category.main_metric, budget_metric, budget)
figure = charts.budget_history_figure(best, category.main_metric, budget_metric, budget)
st.plotly_chart(figure, key="history.chart", config={"displaylogo": False})
st.dataframe(best, hide_index=True)

st.subheader("Compare two releases")
ordered = history.oldest_first(list(tables))
for name, fallback in (("diff_from", ordered[0]), ("diff_to", ordered[-1])):
    if getattr(view, name) not in ordered:
        state.set(name, fallback)
pair = st.columns(2)
old = pair[0].selectbox("From", ordered, key="history.diff_from")
new = pair[1].selectbox("To", ordered, key="history.diff_to")
diff = history.diff_releases(tables[old], tables[new], old, new)
st.caption(formatting.markdown("{} added, {} removed, {} values changed.", *history.diff_summary(diff)))
st.dataframe(diff, hide_index=True)
widgets.csv_download(
    "Download the diff as CSV", diff, f"{category.slug}-{old}-to-{new}.csv", "history.download"
)
state.remember(state.current(context))
