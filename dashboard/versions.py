"""The sidebar's *Docs version* select (its URL entry is a field of views.sidebar), the versions it
offers and what they say of themselves, and a switch to a version that could not load."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

import streamlit as st

from torchvision_stats.data import refresh
from torchvision_stats.data import versions as docs_versions
from torchvision_stats.data.refresh import BackgroundRefresher
from torchvision_stats.output import formatting
from torchvision_stats.views.sidebar import DEFAULT_VERSION, SIDEBAR

keys = SIDEBAR.keys
DEFAULT = DEFAULT_VERSION
KEY = keys("version")
SHOWN_KEY, OFFLINE_KEY = keys("version", "shown"), keys("version", "offline")
FAILED_KEY, FAILED_NOTICE_KEY = keys("version", "failed"), keys("version", "failed-notice")
LABELS_KEY = keys("version", "labels")
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


def revert_failed_switch() -> None:
    """A version that could not load (page_data) goes back to the one shown before it."""
    failed = st.session_state.pop(FAILED_KEY, None)
    if failed is not None:
        st.session_state[KEY] = failed.shown_before
        st.session_state[FAILED_NOTICE_KEY] = failed


def select(known: list[str]) -> None:
    """Sidebar *Docs version* select, already set to the sidebar's view. Each version says whether
    it loads offline (bundled, cached) or needs the network."""
    st.sidebar.selectbox(
        "Docs version",
        known,
        key=KEY,
        format_func=labeller(known, [st.session_state[KEY]]),
        help="Which release's documentation the numbers come from. Bundled versions always load; "
        "cached ones load from this server's cache; the others are fetched from the docs site.",
    )


def labeller(versions: Iterable[str], held: Iterable[str]) -> Callable[[str], str]:
    """A select's labels: each version and whether it loads now ("0.20 · bundled", "0.18 · needs
    network (offline now)"), made once per run. Streamlit carries a choice by its label, so a
    version `held` (chosen in that select) keeps the label it was chosen with for the session: a
    label that changed under it (needs network → cached) would drop the choice."""
    labels = st.session_state.setdefault(LABELS_KEY, {})
    held = set(held)
    for version in versions:
        if version not in labels or version not in held:
            labels[version] = _availability_label(version)
    made = dict(labels)  # the function is also called outside the run (tests): no state read then
    return lambda version: made.get(version, version)


def _availability_label(version: str) -> str:
    offline = st.session_state.get(OFFLINE_KEY, False)
    where = docs_versions.availability(version)
    if where == docs_versions.NEEDS_NETWORK and offline:
        return f"{version} · needs network (offline now)"
    return f"{version} · {where}"


@dataclass(frozen=True)
class FailedSwitch:
    version: str
    reason: str
    shown_before: str


def switch_failed(version: str, reason: str) -> None:
    """`version` could not load: show the version shown before, and say why, on the next run."""
    st.session_state[FAILED_KEY] = FailedSwitch(version, reason, st.session_state.get(SHOWN_KEY, DEFAULT))
    st.rerun()


def loaded(version: str, offline: bool) -> None:
    """`version` is on screen; `offline`: the docs site could not be reached on the last try."""
    st.session_state[SHOWN_KEY] = version
    st.session_state[OFFLINE_KEY] = offline


def failed_switch_notice() -> None:
    """At the top of the page: the version asked for that could not load, and what is shown."""
    failed = st.session_state.pop(FAILED_NOTICE_KEY, None)
    if failed is not None:
        st.warning(
            formatting.markdown(
                "Docs {} could not be loaded, so {} is still shown. {}",
                failed.version,
                failed.shown_before,
                failed.reason,
            ),
            icon=":material/cloud_off:",
        )
