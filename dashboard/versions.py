"""The sidebar's *Docs version* select and its URL entry (`version`, left out for main)."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from torchvision_stats.data import refresh
from torchvision_stats.data import versions as docs_versions
from torchvision_stats.data.refresh import BackgroundRefresher
from torchvision_stats.data.snapshot import snapshot_versions
from torchvision_stats.output import formatting

DEFAULT = "main"
KEY = "version"
LIST_TTL = timedelta(hours=1)


@st.cache_resource(show_spinner=False)
def list_refresher() -> BackgroundRefresher:
    return BackgroundRefresher("versions", refresh.version_list_job())


@st.cache_data(ttl=LIST_TTL, show_spinner=False)
def _known(generation: int) -> tuple[list[str], bool]:
    del generation
    return docs_versions.known_versions()


def choices() -> list[str]:
    """The docs versions known (newest first), read once per refresh of the list, not per rerun."""
    return _known(list_refresher().status().generation)[0]


def start_list_refresh_if_due() -> None:
    background = list_refresher()
    background.start_if_due(_known(background.status().generation)[1])


def selected() -> str:
    return st.session_state.get(KEY, DEFAULT)


def url_entry() -> dict[str, str]:
    """The URL's version entry, for pages that rewrite their query parameters."""
    version = selected()
    return {} if version == DEFAULT else {KEY: version}


def select() -> str:
    """Sidebar *Docs version* select, kept in the URL as ``version`` (left out for main)."""
    known = choices()
    if KEY not in st.session_state:
        requested = st.query_params.get(KEY, DEFAULT)
        if requested not in known:
            st.sidebar.info(
                formatting.markdown("“version={}” is not a docs version; showing main.", requested[:40])
            )
            requested = DEFAULT
        st.session_state[KEY] = requested
    elif st.session_state[KEY] not in known:
        st.session_state[KEY] = DEFAULT
    st.sidebar.selectbox(
        "Docs version",
        known,
        key=KEY,
        format_func=lambda v: f"{v} (bundled)" if v in snapshot_versions() else v,
        help="Which release's documentation the numbers come from. Bundled ones work offline.",
    )
    version = st.session_state[KEY]
    if version == DEFAULT:
        st.query_params.pop(KEY, None)
    else:
        st.query_params[KEY] = version
    return version
