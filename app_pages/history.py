"""History: how a category's weights and numbers changed across docs releases."""

import streamlit as st

from dashboard import changes, data, sidebar, versions, widgets
from dashboard.url_state import PageState
from torchvision_stats import registry
from torchvision_stats.data.snapshot import snapshot_versions
from torchvision_stats.output import charts, formatting, view_state, widget_keys
from torchvision_stats.questions import history

keys = widget_keys.HISTORY

# "stable" is another name for the newest release.
releases = [v for v in versions.choices() if v != "stable"]
current = data.page_data()
bundled = [v for v in releases if v in snapshot_versions()]
# A default budget some weight fits, per category and metric (5 GFLOPS fits no video model).
context = view_state.HistoryContext(releases, bundled, history.typical_budgets(current.data.tables))
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
    key=keys("category"),
    on_change=state.reset,  # another category: its own budget metric and a budget that fits it
    args=(("budget_metric", "budget"), context),
)
controls[1].multiselect(
    "Releases",
    releases,
    key=keys("releases"),
    format_func=versions.labeller(releases, st.session_state.get(keys("releases")) or []),  # loads now?
    max_selections=history.MAX_RELEASES,  # each release not bundled may be a fetch of up to 10 s
    select_all=False,  # "Select N matches" would ask for more releases than the limit
    help=formatting.markdown("Up to {} releases at once.", history.MAX_RELEASES),
)

sidebar.kept_notice(current, category.slug)
changes.last_docs_change(current, category.slug)

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
    widgets.show_plain_table(changed)

st.subheader("Best under a budget")
# What the URL or the widgets hold may not fit the releases that loaded: set it right before drawing.
budget_metrics = history.budget_metrics(category, tables)
if view.budget_metric not in budget_metrics:
    state.set("budget_metric", budget_metrics[0])
budget_row = st.columns([1, 1, 2])
budget_metric = budget_row[0].selectbox("Budget metric", budget_metrics, key=keys("budget_metric"))
largest = history.largest_budget(tables, budget_metric) or 0.0
state.set("budget", min(view.budget, largest))
budget = budget_row[1].number_input(
    formatting.markdown("At most ({})", budget_metric), min_value=0.0, max_value=largest, key=keys("budget")
)
best = history.best_under_budget(tables, category.main_metric, budget_metric, budget)
if best[category.main_metric].notna().any():
    figure = charts.budget_history_figure(best, category.main_metric, budget_metric, budget)
    st.plotly_chart(figure, key=keys("chart"), config={"displaylogo": False})
else:  # in the chart's place: why it would be empty, and what fits
    cheapest = history.smallest_budget(tables, budget_metric)
    st.info(
        formatting.markdown(
            "No {} weight fits {:g} {} in these releases; the cheapest needs {:g}. Raise the budget.",
            category.title.lower(),
            budget,
            budget_metric,
            cheapest,
        ),
        icon=":material/filter_alt_off:",
    )
widgets.show_plain_table(best)

st.subheader("Compare two releases")
st.caption("Every category at once; choose one to see only its changes.")
ordered = history.oldest_first(list(loaded.everything))
for name, fallback in (("diff_from", ordered[0]), ("diff_to", ordered[-1])):
    if getattr(view, name) not in ordered:
        state.set(name, fallback)
pair = st.columns(3)
old = pair[0].selectbox("From", ordered, key=keys("diff_from"))
new = pair[1].selectbox("To", ordered, key=keys("diff_to"))
shown_category = pair[2].selectbox(
    "Categories",
    [view_state.ALL_CATEGORIES, *registry.CATEGORIES],
    format_func=lambda s: (
        "All categories" if s == view_state.ALL_CATEGORIES else registry.CATEGORIES[s].title
    ),
    key=keys("diff_category"),
)
diff = history.diff_all_categories(loaded.everything[old], loaded.everything[new], old, new)
if shown_category != view_state.ALL_CATEGORIES:
    diff = diff[diff["Category"] == registry.CATEGORIES[shown_category].title]
st.caption(formatting.escape_markdown(history.diff_in_words(diff)))
widgets.show_plain_table(diff)
scope = "all-categories" if shown_category == view_state.ALL_CATEGORIES else shown_category
widgets.csv_download("Download the diff as CSV", diff, f"{scope}-{old}-to-{new}.csv", keys("download"))
state.remember(state.current(context))
