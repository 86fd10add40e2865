"""Streamlit glue shared by the pages: the cached data, the data-source sidebar, download buttons.

Logic lives in the torchvision_stats package; this module only connects it to Streamlit's
caches and widgets.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from torchvision_stats import export, formatting, load, refresh, registry, versions
from torchvision_stats.dataset import WeightTables
from torchvision_stats.load import DataUnavailable, LoadResult, load_weight_tables
from torchvision_stats.refresh import BackgroundRefresher
from torchvision_stats.snapshot import snapshot_versions

DEFAULT_VERSION = "main"
DATA_TTL = timedelta(hours=1)
VERSION_KEY = "version"
GENERATION_KEY = "data-generation"
REFRESH_WAIT_SECONDS = 0.5


@st.cache_resource(show_spinner=False)
def refresher(version: str) -> BackgroundRefresher:
    """One background refresher per docs version, shared by every session."""
    return BackgroundRefresher(version, refresh.docs_page_job(version))


@st.cache_resource(show_spinner=False)
def version_list_refresher() -> BackgroundRefresher:
    return BackgroundRefresher("versions", refresh.version_list_job())


@st.cache_resource(ttl=DATA_TTL, show_spinner=False, max_entries=32)
def _best_at_hand(version: str, generation: int) -> LoadResult:
    # Cache or bundled snapshot first, so no page waits on the network; only a version with
    # neither is fetched here. `generation` changes when a background refresh has put newer
    # data in the cache, which makes this run again. Exceptions are not cached: retried next run.
    # A resource, not cache_data: every session shares the same tables without unpickling a copy
    # on each rerun (7 ms). Pages only read them; every filter makes a new frame.
    del generation
    try:
        return load_weight_tables(version, offline=True)
    except DataUnavailable:
        return load_weight_tables(version)


@st.cache_data(ttl=DATA_TTL, show_spinner=False)
def _version_choices(generation: int) -> tuple[list[str], bool]:
    del generation
    return versions.known_versions()


def version_choices() -> list[str]:
    """The docs versions known (newest first), read once per refresh of the list, not per rerun."""
    choices, _ = _version_choices(version_list_refresher().status().generation)
    return choices


def version_select() -> str:
    """Sidebar *Docs version* select, kept in the URL as ``version`` (left out for main)."""
    choices = version_choices()
    if VERSION_KEY not in st.session_state:
        requested = st.query_params.get(VERSION_KEY, DEFAULT_VERSION)
        if requested not in choices:
            st.sidebar.info(
                formatting.escape_markdown(f"“version={requested[:40]}” is not a docs version; showing main.")
            )
            requested = DEFAULT_VERSION
        st.session_state[VERSION_KEY] = requested
    elif st.session_state[VERSION_KEY] not in choices:
        st.session_state[VERSION_KEY] = DEFAULT_VERSION
    st.sidebar.selectbox(
        "Docs version",
        choices,
        key=VERSION_KEY,
        format_func=lambda v: f"{v} (bundled)" if v in snapshot_versions() else v,
        help="Which release's documentation the numbers come from. Bundled ones work offline.",
    )
    version = st.session_state[VERSION_KEY]
    if version == DEFAULT_VERSION:
        st.query_params.pop(VERSION_KEY, None)
    else:
        st.query_params[VERSION_KEY] = version
    return version


def version_param() -> dict[str, str]:
    """The URL's version entry, for pages that rewrite their query parameters."""
    version = selected_version()
    return {} if version == DEFAULT_VERSION else {VERSION_KEY: version}


def show_in_url(params: dict[str, str]) -> None:
    """Make the URL hold `params` and the docs version, so a copied link reproduces the page."""
    wanted = {**params, **version_param()}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def selected_version() -> str:
    return st.session_state.get(VERSION_KEY, DEFAULT_VERSION)


def data_for(version: str) -> LoadResult:
    """The best data for `version`; raises DataUnavailable when there is none."""
    return _best_at_hand(version, refresher(version).status().generation)


@st.cache_resource(ttl=DATA_TTL, show_spinner=False, max_entries=8)
def _previous_copy(version: str, generation: int) -> WeightTables | None:
    del generation  # a new generation may have moved another copy into the previous place
    return load.previous_copy(version)


def previous_copy(version: str) -> WeightTables | None:
    """The copy of `version` that the last new page replaced, if the cache holds it."""
    return _previous_copy(version, st.session_state.get(GENERATION_KEY, 0))


def _start_due_refreshes(result: LoadResult) -> None:
    # Started before the page is drawn: a quick failure (no network) is then over before the
    # sidebar is, and needs no second run of the page to be reported.
    refresher(result.version).start_if_due(refresh.is_stale(result))
    version_list = version_list_refresher()
    version_list.start_if_due(_version_choices(version_list.status().generation)[1])


def begin_run() -> None:
    """Pin, for this run, which refreshed data the pages show (see _refresh_status)."""
    st.session_state[GENERATION_KEY] = refresher(selected_version()).status().generation


def page_data() -> LoadResult:
    """The data every page shows, for the selected version; a message instead when there is none."""
    version = selected_version()
    try:
        # The generation pinned by begin_run: the page and the sidebar of one run show the same
        # data even when a refresh lands in between.
        result = _best_at_hand(version, st.session_state.get(GENERATION_KEY, 0))
    except DataUnavailable as error:
        st.error(formatting.escape_markdown(str(error)), icon=":material/cloud_off:")
        st.stop()
    _start_due_refreshes(result)
    return result


def render_data_status(result: LoadResult) -> None:
    """Sidebar: where the numbers come from, how old they are, and a refresh button."""
    background = refresher(result.version)
    with st.sidebar:
        st.markdown("**Data source**")
        st.caption(formatting.escape_markdown(result.describe()))
        st.caption(
            formatting.markdown("Docs page: {}", result.data.provenance.page_version or "unknown version")
        )
        for message in result.messages:
            st.warning(formatting.escape_markdown(message), icon=":material/warning:")
        for slug, kept in result.data.kept.items():
            st.info(
                formatting.escape_markdown(kept.describe(registry.CATEGORIES[slug].title)),
                icon=":material/history:",
            )
        if result.data.changes:
            st.info(
                formatting.escape_markdown("What the docs changed: " + " ".join(result.data.changes)),
                icon=":material/difference:",
            )
        _refresh_status(background)
        refresh_button("sidebar.refresh")


def refresh_button(key: str) -> None:
    """Fetch the docs page now, in the background; the page redraws when it arrives."""
    if st.button("Refresh from docs", icon=":material/refresh:", key=key):
        refresher(selected_version()).start()
        st.rerun()


def _refresh_status(background: BackgroundRefresher) -> None:
    # The page is already in the browser: a short wait here delays nothing the user sees, and
    # a quick refresh (the usual case) shows up at once. A slow one shows on the next click:
    # simpler than a timer-driven fragment polling every session.
    background.wait(timeout=REFRESH_WAIT_SECONDS)
    status = background.status()
    if status.generation != st.session_state.get(GENERATION_KEY):
        st.rerun()  # a refresh finished while this run drew the page: draw it again on the new data
    if status.running:
        st.caption(":material/sync: Checking the docs for newer numbers; they appear on your next click.")
    elif status.messages:
        st.warning(
            formatting.markdown("{} Showing the best data at hand.", " ".join(status.messages)),
            icon=":material/cloud_off:",
        )


def kept_notice(result: LoadResult, slug: str) -> None:
    """On a page showing `slug`: say when its table is an earlier copy, not the live one."""
    kept = result.data.kept.get(slug)
    if kept is not None:
        st.info(
            formatting.escape_markdown(kept.describe(registry.CATEGORIES[slug].title)),
            icon=":material/history:",
        )


def column_config(table: pd.DataFrame) -> dict:
    """Links as links, numbers in each metric's format, labels with units — from the registry."""
    config: dict = {}
    for label in table.columns:
        if label in registry.METRICS:
            metric = registry.METRICS[label]
            config[label] = st.column_config.NumberColumn(
                registry.axis_title(label), format=metric.number_format, help=metric.description
            )
        elif label in registry.TEXT_COLUMNS:
            column = registry.TEXT_COLUMNS[label]
            if column.is_link:
                config[label] = st.column_config.LinkColumn(
                    label, help=column.description, display_text="open"
                )
            else:
                config[label] = st.column_config.TextColumn(label, help=column.description)
    return config


@st.cache_data(ttl=DATA_TTL, show_spinner=False, max_entries=8)
def _all_tables_zip(version: str, generation: int) -> bytes:
    result = _best_at_hand(version, generation)
    return export.zip_bytes(export.category_files(result.data, result.source.value))


def all_tables_zip() -> bytes:
    """Every category's CSV and provenance.json, zipped once per data version, not per rerun."""
    return _all_tables_zip(selected_version(), st.session_state.get(GENERATION_KEY, 0))


def csv_download(label: str, table: pd.DataFrame, file_name: str, key: str) -> None:
    st.download_button(
        formatting.escape_markdown(label),
        data=export.csv_bytes(table),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )
