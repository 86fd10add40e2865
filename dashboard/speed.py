"""Measurement sets in the dashboard: the sidebar's *Speed measured on* select (URL key `speed`,
the newest set by default), the stored sets, and the one background measuring run per server."""

from __future__ import annotations

import streamlit as st

from torchvision_stats.data.measurement_sets import MeasurementSet, SetInfo, SetStore
from torchvision_stats.measure.job import BackgroundRun
from torchvision_stats.output import formatting

KEY = "speed"
PENDING = "speed.pending"  # a set to make active on the next run (a page cannot set a drawn widget)


@st.cache_resource(show_spinner=False)
def background_run() -> BackgroundRun:
    """The one measuring run this server may have, shared by every session."""
    return BackgroundRun()


def store() -> SetStore:
    return SetStore()


def _signature() -> tuple:
    """Changes whenever a stored set is added, renamed, deleted or grows (cheap: one listing)."""
    folder = store().folder
    if not folder.exists():
        return ()
    return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()))


@st.cache_data(show_spinner=False, max_entries=8)
def _sets(signature: tuple) -> list[SetInfo]:
    del signature
    return store().list()


def sets() -> list[SetInfo]:
    """Every set, the newest measurement first; read again only when the stored sets change."""
    return _sets(_signature())


@st.cache_resource(show_spinner=False, max_entries=16)
def _loaded(set_id: str, file_version: tuple[int, int]) -> MeasurementSet:
    del file_version
    return store().load(set_id)


def loaded(set_id: str) -> MeasurementSet:
    return _loaded(set_id, store().version_of(set_id))


def selected() -> SetInfo | None:
    known = {info.id: info for info in sets()}
    return known.get(st.session_state.get(KEY, "")) or next(iter(known.values()), None)


def select() -> SetInfo | None:
    """Sidebar *Speed measured on* select, kept in the URL as ``speed`` (left out for the newest)."""
    available = sets()
    if not available:
        return None
    ids = [info.id for info in available]
    labels = {info.id: info.label for info in available}
    if st.session_state.get(PENDING) in ids:  # a run's set has its first row, or an upload is stored
        st.session_state[KEY] = st.session_state.pop(PENDING)
    if KEY not in st.session_state:
        requested = st.query_params.get(KEY, ids[0])
        if requested not in ids:
            st.sidebar.info(
                formatting.markdown(
                    "“speed={}” is not a measurement set; showing the newest.", requested[:40]
                )
            )
            requested = ids[0]
        st.session_state[KEY] = requested
    elif st.session_state[KEY] not in ids:
        st.session_state[KEY] = ids[0]
    st.sidebar.selectbox(
        "Speed measured on",
        ids,
        key=KEY,
        format_func=labels.get,
        help="The measurement set whose latency, throughput and memory the pages offer as metrics.",
    )
    if st.session_state[KEY] == ids[0]:
        st.query_params.pop(KEY, None)
    else:
        st.query_params[KEY] = st.session_state[KEY]
    return selected()


def make_active(set_id: str) -> None:
    """Show `set_id` from the next run on (as soon as it holds a row)."""
    st.session_state[PENDING] = set_id


def url_entry() -> dict[str, str]:
    """The URL's speed entry, for pages that rewrite their query parameters."""
    available = sets()
    chosen = st.session_state.get(KEY)
    return {KEY: chosen} if available and chosen and chosen != available[0].id else {}
