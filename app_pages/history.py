"""History: how a category's weights and numbers changed across docs releases."""

import streamlit as st

from app_pages import common
from torchvision_stats import charts, formatting, history, registry
from torchvision_stats.load import DataUnavailable
from torchvision_stats.snapshot import snapshot_versions

st.title("History")
st.caption(
    "Which weights each docs release lists, which numbers changed, and how far the best "
    "weight under a budget moved. Bundled releases load offline; others are fetched."
)

# "stable" is another name for the newest release.
releases = [v for v in common.version_choices() if v != "stable"]
controls = st.columns([1, 3])
slug = controls[0].selectbox(
    "Category",
    list(registry.CATEGORIES),
    format_func=lambda s: registry.CATEGORIES[s].title,
    key="history.category",
)
picked = controls[1].multiselect(
    "Releases",
    releases,
    default=[v for v in releases if v in snapshot_versions()],
    key="history.releases",
    max_selections=history.MAX_RELEASES,  # each release not bundled may be a fetch of up to 10 s
    help=formatting.markdown("Up to {} releases at once.", history.MAX_RELEASES),
)
category = registry.CATEGORIES[slug]

current = common.page_data()
common.kept_notice(current, slug)
if current.data.changes:
    st.subheader(formatting.markdown("Last change of the {} docs", current.version))
    st.caption(formatting.escape_markdown(" ".join(current.data.changes)))
    previous = common.previous_copy(current.version)
    if previous is not None and slug in previous.tables and slug in current.data.tables:
        last_change = history.diff_releases(
            previous.tables[slug], current.data.tables[slug], "previous copy", "current copy"
        )
        st.dataframe(last_change, hide_index=True)

tables, failed = {}, []
progress = st.progress(0.0, text="Loading releases…")
for number, version in enumerate(history.oldest_first(picked), start=1):
    progress.progress(
        number / len(picked), text=formatting.markdown("Loading {} ({} of {})…", version, number, len(picked))
    )
    try:
        data = common.data_for(version).data
    except DataUnavailable as error:
        failed.append(f"{version}: {error}")
        continue
    if slug in data.tables:
        tables[version] = data.tables[slug]
    else:
        failed.append(f"{version}: the page has no {category.title.lower()} table")
progress.empty()
for failure in failed:
    st.warning(formatting.escape_markdown(failure), icon=":material/cloud_off:")
if len(tables) < 2:
    st.info("Pick at least two releases that load to see how they differ.")
    st.stop()

st.subheader("Which release lists which weight")
matrix = history.presence_matrix(tables)
st.dataframe(matrix, column_config={v: st.column_config.CheckboxColumn(v) for v in tables})

st.subheader("Numbers that changed")
changed = history.changed_values(tables)
if changed.empty:
    st.caption("No listed number changed between these releases.")
else:
    st.dataframe(changed, hide_index=True)

st.subheader("Best under a budget")
budget_row = st.columns([1, 1, 2])
budget_metric = budget_row[0].selectbox(
    "Budget metric", history.budget_metrics(category, tables), key="history.budget-metric"
)
largest = max(float(t[budget_metric].max()) for t in tables.values() if budget_metric in t.columns)
budget = budget_row[1].number_input(
    formatting.markdown("At most ({})", budget_metric),
    min_value=0.0,
    max_value=largest,
    value=min(5.0, largest),
    key=f"history.budget.{budget_metric}",
)
best = history.best_under_budget(tables, category.main_metric, budget_metric, budget)
st.plotly_chart(
    charts.budget_history_figure(best, category.main_metric, budget_metric, budget),
    key="history.chart",
    config={"displaylogo": False},
)
st.dataframe(best, hide_index=True)

st.subheader("Compare two releases")
ordered = history.oldest_first(list(tables))
pair = st.columns(2)
old = pair[0].selectbox("From", ordered, index=0, key="history.from")
new = pair[1].selectbox("To", ordered, index=len(ordered) - 1, key="history.to")
diff = history.diff_releases(tables[old], tables[new], old, new)
counts = diff["Change"].value_counts()
st.caption(
    formatting.markdown(
        "{} added, {} removed, {} values changed.",
        counts.get("added", 0),
        counts.get("removed", 0),
        counts.get("changed", 0),
    )
)
st.dataframe(diff, hide_index=True)
common.csv_download("Download the diff as CSV", diff, f"{slug}-{old}-to-{new}.csv", "history.download")
