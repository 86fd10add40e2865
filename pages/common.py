"""Streamlit glue shared by the pages: the cached data, the data-source sidebar, download buttons.

Logic lives in the torchvision_stats package; this module only connects it to Streamlit's
caches and widgets.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from torchvision_stats import export, formatting, registry
from torchvision_stats.load import DataUnavailable, LoadResult, load_weight_tables
from torchvision_stats.refresh import BackgroundRefresher

DEFAULT_VERSION = "main"
DATA_TTL = timedelta(hours=1)


@st.cache_resource(show_spinner=False)
def refresher(version: str) -> BackgroundRefresher:
    """One background refresher per docs version, shared by every session."""
    return BackgroundRefresher(version)


@st.cache_data(ttl=DATA_TTL, show_spinner=False)
def _best_at_hand(version: str, generation: int) -> LoadResult:
    # Never touches the network: cache or bundled snapshot. `generation` changes when a
    # background refresh has put newer data in the cache, which makes this run again.
    del generation
    return load_weight_tables(version, offline=True)


def selected_version() -> str:
    return DEFAULT_VERSION


def page_data() -> LoadResult:
    """The data every page shows; starts a background refresh when it is stale."""
    version = selected_version()
    background = refresher(version)
    generation = background.status().generation
    st.session_state["data-generation"] = generation
    try:
        result = _best_at_hand(version, generation)
    except DataUnavailable as error:
        st.error(formatting.escape_markdown(str(error)))
        st.stop()
    background.start_if_due(result)
    return result


def render_data_status(result: LoadResult) -> None:
    """Sidebar: where the numbers come from, how old they are, and a refresh button."""
    background = refresher(result.version)
    with st.sidebar:
        st.markdown("**Data source**")
        st.caption(formatting.escape_markdown(result.describe()))
        st.caption(
            "Docs page: "
            + formatting.escape_markdown(result.data.provenance.page_version or "unknown version")
        )
        for message in result.messages:
            st.warning(formatting.escape_markdown(message), icon=":material/warning:")
        _refresh_status(background)
        refresh_button("sidebar.refresh")


def refresh_button(key: str) -> None:
    """Fetch the docs page now, in the background; the page redraws when it arrives."""
    if st.button("Refresh from docs", icon=":material/refresh:", key=key):
        refresher(selected_version()).start()
        st.rerun()


def _refresh_status(background: BackgroundRefresher) -> None:
    status = background.status()
    if status.generation != st.session_state.get("data-generation"):
        st.rerun()  # a refresh finished while this run drew the page: draw it again on the new data
    if status.running:
        _poll_until_refreshed(background)
    elif status.messages:
        st.warning(
            formatting.escape_markdown(" ".join(status.messages)) + " Showing the best data at hand.",
            icon=":material/cloud_off:",
        )


@st.fragment(run_every=1.0)
def _poll_until_refreshed(background: BackgroundRefresher) -> None:
    # Polls only while a refresh runs; when it ends, the whole app reruns on the newer data.
    if not background.status().running:
        st.rerun(scope="app")
    st.caption(":material/sync: Checking the docs for newer numbers…")


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


def csv_download(label: str, table: pd.DataFrame, file_name: str, key: str) -> None:
    st.download_button(
        label,
        data=export.csv_bytes(table),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )
