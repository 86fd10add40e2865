"""History: how a category's weights and numbers changed across docs releases."""

import streamlit as st

from dashboard import changes, data, sidebar, versions, widgets
from dashboard.url_state import PageState
from torchvision_stats import registry
from torchvision_stats.data.snapshot import snapshot_versions
from torchvision_stats.output import charts, formatting
from torchvision_stats.questions import history
from torchvision_stats.questions.limits import Limit
from torchvision_stats.views.history import HISTORY, HistoryContext

keys = HISTORY.keys

# "stable" is another name for the newest release.
releases = [v for v in versions.choices() if v != "stable"]
current = data.page_data()
bundled = [v for v in releases if v in snapshot_versions()]
# A default budget some weight fits, per category and metric (5 GFLOPS fits no video model).
context = HistoryContext(releases, bundled, history.typical_budgets(current.data.tables))
state = PageState(HISTORY)
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

loaded = changes.load_releases(list(view.releases), category)
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
limit = Limit(budget_metric, high=budget)
best = history.best_under_budget(tables, category.main_metric, limit)
if best[category.main_metric].notna().any():
    figure = charts.budget_history_figure(best, category.main_metric, limit)
    st.plotly_chart(figure, key=keys("chart"), config={"displaylogo": False})
else:  # in the chart's place: why it would be empty, and what fits
    reason = history.why_nothing_fits(tables, category, limit)
    st.info(formatting.escape_markdown(reason), icon=":material/filter_alt_off:")
widgets.show_plain_table(best)

st.subheader("Compare two releases")
changes.compare_two_releases(loaded.everything, view, state)
state.remember(state.current(context))
