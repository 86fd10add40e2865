"""The sidebar's data status: where the numbers come from, what changed, and *Refresh from docs*."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import data, measurement_sets, url_state, versions
from torchvision_stats import registry
from torchvision_stats.data.load import LoadResult
from torchvision_stats.data.refresh import BackgroundRefresher
from torchvision_stats.output import formatting
from torchvision_stats.views import pages
from torchvision_stats.views.sidebar import SidebarContext

keys = pages.DATA_STATUS

REFRESH_WAIT_SECONDS = 0.5


def choose_version_and_set() -> None:
    """The sidebar's *Docs version* and *Speed measured on*, bound to every link by the sidebar's
    view (views.sidebar), with a notice for what a link asked that is not here."""
    available = measurement_sets.sets()
    ids = [info.id for info in available]
    known = versions.choices()
    context = SidebarContext(known, ids, measurement_sets.default_id(ids) if ids else None)
    measurement_sets.take_pending(ids)
    versions.revert_failed_switch()
    _, notices = url_state.sidebar_view(context)
    for notice in notices:
        st.sidebar.info(formatting.escape_markdown(notice))
    versions.select(known)
    if available:
        measurement_sets.select(available)


def render_data_status(result: LoadResult) -> None:
    """Sidebar: where the numbers come from, how old they are, and a refresh button."""
    background = data.refresher(result.version)
    with st.sidebar:
        st.markdown("**Data source**")
        st.caption(formatting.escape_markdown(result.describe()))
        # The page's own version string, tidied ("main (0.13.1a0+5a9ee49 )" as the 0.13 page has it).
        page_says = " ".join((result.data.provenance.page_version or "").split()).replace(" )", ")")
        st.caption(
            formatting.markdown(
                "Docs version {} · the page itself says {}", result.version, page_says or "nothing"
            )
        )
        for message in result.messages:
            st.warning(formatting.escape_markdown(message), icon=":material/warning:")
        for slug in result.data.kept:
            kept_notice(result, slug)
        if result.data.changes:
            st.info(
                formatting.markdown("What the docs changed: {}", " ".join(result.data.changes)),
                icon=":material/difference:",
            )
        _refresh_status(background)
        refresh_button(keys("refresh"))


def kept_notice(result: LoadResult, slug: str) -> None:
    """Say when the table of `slug` is an earlier copy, not the live one."""
    kept = result.data.kept.get(slug)
    if kept is not None:
        st.info(
            formatting.escape_markdown(kept.describe(registry.CATEGORIES[slug].title)),
            icon=":material/history:",
        )


def refresh_button(key: str) -> None:
    """Fetch the docs page now, in the background; the page redraws when it arrives."""
    if st.button("Refresh from docs", icon=":material/refresh:", key=key):
        data.refresher(versions.selected()).start()
        st.rerun()


def _refresh_status(background: BackgroundRefresher) -> None:
    # The page is already in the browser: a short wait here delays nothing the user sees, and
    # a quick refresh (the usual case) shows up at once. A slower one is followed by a fragment
    # that polls only while the refresh runs, so an idle page never polls.
    background.wait(timeout=REFRESH_WAIT_SECONDS)
    status = background.status()
    if status.generation != data.pinned_generation():
        st.rerun()  # a refresh finished while this run drew the page: draw it again on the new data
    if status.running:
        _follow_refresh(background)
    elif status.messages:
        # Offline is a normal way to run this app: a status line, not an alarm on every page.
        st.caption(
            formatting.markdown(":material/cloud_off: {} Showing the copy above.", " ".join(status.messages))
        )


@st.fragment(run_every=timedelta(seconds=1))
def _follow_refresh(background: BackgroundRefresher) -> None:
    status = background.status()
    if not status.running or status.generation != data.pinned_generation():
        st.rerun(scope="app")  # it landed (or failed): draw the page again with what it brought
    st.caption(":material/sync: Checking the docs for newer numbers; they appear when they arrive.")
