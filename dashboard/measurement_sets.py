"""Measurement sets in the dashboard: the sidebar's *Speed measured on* select (its URL entry is a
field of views.sidebar, in every link), the stored sets, and the one background measuring run per
server.

The set a page uses is each visitor's own choice: the server's fixed default (the build machine's
reference set, or TVSTATS_DEFAULT_SET) until the visitor picks another, uploads one or starts a run.
Nothing one visitor does changes the set another sees.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from torchvision_stats import registry
from torchvision_stats.data.measurement_store import MeasurementSet, SetInfo, SetStore
from torchvision_stats.measure.job import BackgroundRun, Progress
from torchvision_stats.output import formatting
from torchvision_stats.questions import measured_speed
from torchvision_stats.views import pages
from torchvision_stats.views.sidebar import SIDEBAR

keys = pages.SPEED

KEY = SIDEBAR.keys("speed")
PENDING = keys("pending")  # a set to make active on the next run (a page cannot set a drawn widget)
OWN = keys("own")  # the ids of the sets this session stored (uploads, runs)
DEFAULT_ENV = "TVSTATS_DEFAULT_SET"
BUILD_MACHINE = "reference-build-machine-batch1-float32"
SHARED_ENV = "TVSTATS_SHARED"  # "on" for a server many people share (see README, deployment)


def shared_server() -> bool:
    """TVSTATS_SHARED=on: no runs, each visitor may change only the sets they stored, uploads bounded."""
    return os.environ.get(SHARED_ENV, "").strip().lower() == "on"


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
def _loaded(set_id: str, file_stamp: tuple[int, int]) -> MeasurementSet:
    del file_stamp
    return store().load(set_id)


def loaded(set_id: str) -> MeasurementSet:
    return _loaded(set_id, store().stamp_of(set_id))


def default_id(ids: list[str]) -> str:
    """The server's fixed default: TVSTATS_DEFAULT_SET when it names a set, else the build
    machine's reference set — never "the newest", which any visitor's upload would change."""
    for candidate in (os.environ.get(DEFAULT_ENV, "").strip(), BUILD_MACHINE):
        if candidate in ids:
            return candidate
    return ids[0]


def selected() -> SetInfo | None:
    known = {info.id: info for info in sets()}
    if not known:
        return None
    return known.get(st.session_state.get(KEY, "")) or known[default_id(list(known))]


def take_pending(ids: list[str]) -> None:
    """Before the sidebar's view is read: a set this session's run (with its first row) or upload
    made becomes the visitor's choice."""
    if st.session_state.get(PENDING) in ids:
        st.session_state[KEY] = st.session_state.pop(PENDING)


def select(available: list[SetInfo]) -> None:
    """Sidebar *Speed measured on* select, already set to the sidebar's view; its whole label and
    what it was measured on below it (a select cuts long labels)."""
    ids = [info.id for info in available]
    labels = {info.id: info.label for info in available}
    st.sidebar.selectbox(
        "Speed measured on",
        ids,
        key=KEY,
        format_func=labels.get,
        help="The measurement set whose latency, throughput and memory the pages offer as metrics. "
        "Your choice: other visitors keep theirs.",
    )
    chosen = selected()
    st.sidebar.caption(formatting.markdown("{} ({})", chosen.label, chosen.describe()))


def make_active(set_id: str) -> None:
    """Show `set_id` to this visitor from the next run on (as soon as it holds a row)."""
    st.session_state[PENDING] = set_id


def remember_own(set_id: str) -> None:
    """A set this session stored: on a shared server, the only kind it may rename or delete."""
    st.session_state[OWN] = [*st.session_state.get(OWN, []), set_id]


def own_sets() -> list[str]:
    return list(st.session_state.get(OWN, []))


def may_change(info: SetInfo, running: Progress) -> tuple[bool, str]:
    """Whether this visitor may rename or delete the set, and why not."""
    if info.source == "reference":
        return False, "Reference sets ship with the app and cannot be changed."
    if running.running and running.set_id == info.id:
        return False, "A run is still writing this set."
    if shared_server() and info.id not in own_sets():
        return False, "On this shared server you can change only the sets you stored."
    return True, ""


def no_measurement_notice(metrics: list[str], table: pd.DataFrame, category: str) -> None:
    """Why a limit on a measured metric cannot be checked here, and which sets could check it."""
    chosen = selected()
    weights = set(table[registry.WEIGHT.label])
    having = [
        info.label for info in sets() if measured_speed.measures(loaded(info.id).table, weights, metrics)
    ]
    template = "{} has no {} for any {} weight, so the limit cannot be checked. " + (
        "Sets that have: {}. Choose one under **Speed measured on** in the sidebar."
        if having
        else "No set here has{}; measure some on the Speed page."
    )
    st.warning(
        formatting.markdown(
            template,
            chosen.label if chosen else "No measurement set",
            " or ".join(metrics),
            category.lower(),
            "; ".join(having),
        ),
        icon=":material/speed:",
    )
