"""History's glue: the releases loaded with a progress bar, *Last change of the docs* (what the newest
page changed, against the copy it replaced) and *Compare two releases*."""

from __future__ import annotations

import streamlit as st

from dashboard import data, widgets
from dashboard.url_state import PageState
from torchvision_stats import registry
from torchvision_stats.data.dataset import WeightTables
from torchvision_stats.data.load import LoadResult
from torchvision_stats.output import formatting
from torchvision_stats.questions import history
from torchvision_stats.views.history import ALL_CATEGORIES, HISTORY, HistoryView

keys = HISTORY.keys


def load_releases(releases: list[str], category: registry.Category) -> history.Releases:
    """Each release's table of the category, with a progress bar while they load (a release not
    bundled may be a fetch)."""
    progress = st.progress(0.0, text="Loading releases…")
    loaded = history.gather(
        releases,
        category,
        lambda version: data.data_for(version).data,
        lambda number, total, version: progress.progress(
            number / total, text=formatting.markdown("Loading {} ({} of {})…", version, number, total)
        ),
    )
    progress.empty()
    return loaded


def last_docs_change(current: LoadResult, slug: str) -> None:
    """The sentence of what the docs changed, and the category's diff against the previous copy."""
    if not current.data.changes:
        return
    st.subheader(formatting.markdown("Last change of the {} docs", current.version))
    st.caption(formatting.escape_markdown(" ".join(current.data.changes)))
    previous = data.previous_copy(current.version)
    if previous is not None and slug in previous.tables and slug in current.data.tables:
        before, now = previous.tables[slug], current.data.tables[slug]
        widgets.show_plain_table(history.diff_releases(before, now, "previous copy", "current copy"))


def compare_two_releases(everything: dict[str, WeightTables], view: HistoryView, state: PageState) -> None:
    """Two releases' differences in every category (or one), in words, as a table and as a CSV."""
    st.caption("Every category at once; choose one to see only its changes.")
    ordered = history.oldest_first(list(everything))
    for name, fallback in (("diff_from", ordered[0]), ("diff_to", ordered[-1])):
        if getattr(view, name) not in ordered:
            state.set(name, fallback)
    pair = st.columns(3)
    old = pair[0].selectbox("From", ordered, key=keys("diff_from"))
    new = pair[1].selectbox("To", ordered, key=keys("diff_to"))
    shown_category = pair[2].selectbox(
        "Categories",
        [ALL_CATEGORIES, *registry.CATEGORIES],
        format_func=lambda s: "All categories" if s == ALL_CATEGORIES else registry.CATEGORIES[s].title,
        key=keys("diff_category"),
    )
    diff = history.diff_all_categories(everything[old], everything[new], old, new)
    if shown_category != ALL_CATEGORIES:
        diff = diff[diff["Category"] == registry.CATEGORIES[shown_category].title]
    st.caption(formatting.escape_markdown(history.diff_in_words(diff)))
    widgets.show_plain_table(diff)
    scope = "all-categories" if shown_category == ALL_CATEGORIES else shown_category
    widgets.csv_download("Download the diff as CSV", diff, f"{scope}-{old}-to-{new}.csv", keys("download"))
