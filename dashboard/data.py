"""The data every page shows: loaded once per data generation, shared by all sessions."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import measurement_sets, versions
from torchvision_stats import registry
from torchvision_stats.data import facts, load, refresh, snapshot
from torchvision_stats.data.dataset import WeightTables
from torchvision_stats.data.load import DataUnavailable, LoadResult, load_weight_tables
from torchvision_stats.data.measurement_store import with_measurements
from torchvision_stats.data.refresh import BackgroundRefresher
from torchvision_stats.output import charts, export, formatting

DATA_TTL = timedelta(hours=1)
GENERATION_KEY = "data-generation"
WEIGHT = registry.WEIGHT.label


@st.cache_resource(show_spinner=False)
def refresher(version: str) -> BackgroundRefresher:
    """One background refresher per docs version, shared by every session."""
    return BackgroundRefresher(version, refresh.docs_page_job(version))


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


def data_for(version: str) -> LoadResult:
    """The best data for `version`; raises DataUnavailable when there is none."""
    return _best_at_hand(version, refresher(version).status().generation)


def begin_run() -> None:
    """Pin, for this run, which refreshed data the pages show (see sidebar.refresh_status)."""
    st.session_state[GENERATION_KEY] = refresher(versions.selected()).status().generation


def pinned_generation() -> int:
    return st.session_state.get(GENERATION_KEY, 0)


@st.cache_resource(ttl=DATA_TTL, show_spinner=False, max_entries=32)
def _with_extras(version: str, generation: int, set_id: str, set_stamp: tuple[int, int]) -> LoadResult:
    # The docs tables with each weight's facts and the active set's measurements: what every page
    # offers as columns and metrics. Made again when the data, the set or the set's file changes.
    del set_stamp
    base = _best_at_hand(version, generation)
    measured = measurement_sets.loaded(set_id) if set_id else None
    return LoadResult(
        with_measurements(facts.with_facts(base.data), measured), base.source, version, base.messages
    )


def _chosen_set() -> tuple[str, tuple[int, int]]:
    """The visitor's measurement set ("" for none) and its files' stamp: what the cached data is keyed on."""
    chosen = measurement_sets.selected()
    set_id = chosen.id if chosen else ""
    return set_id, measurement_sets.store().stamp_of(set_id)


def page_data() -> LoadResult:
    """The data every page shows, for the selected version and measurement set; a message instead
    when there is none."""
    version = versions.selected()
    set_id, stamp = _chosen_set()
    try:
        # The generation pinned by begin_run: the page and the sidebar of one run show the same
        # data even when a refresh lands in between.
        result = _with_extras(version, pinned_generation(), set_id, stamp)
    except DataUnavailable as error:
        if version != st.session_state.get(versions.SHOWN_KEY, versions.DEFAULT):
            versions.switch_failed(version, str(error))  # back to what was shown, saying why
        st.error(formatting.escape_markdown(str(error)), icon=":material/cloud_off:")
        st.stop()
    # Started before the page is drawn: a quick failure (no network) is then over before the
    # sidebar is, and needs no second run of the page to be reported.
    background = refresher(result.version)
    background.start_if_due(refresh.is_stale(result))
    versions.start_list_refresh_if_due()
    status = background.status()
    versions.loaded(version, offline=bool(status.messages) and not status.running)
    return result


@st.cache_resource(ttl=DATA_TTL, show_spinner=False, max_entries=64)
def _hover_texts(
    version: str, generation: int, set_id: str, set_stamp: tuple[int, int], category: str
) -> dict[str, str]:
    result = _with_extras(version, generation, set_id, set_stamp)
    table = result.data.tables[category]
    chosen = measurement_sets.loaded(set_id).info.label if set_id else ""
    return dict(zip(table[WEIGHT].tolist(), charts.hover_texts(table, chosen), strict=True))


def hover_texts(category: str) -> dict[str, str]:
    """Weight → its label on the charts (every metric formatted), made once per data, set and
    category and shared by every session (read only), not on each rerun (~10 ms)."""
    return _hover_texts(versions.selected(), pinned_generation(), *_chosen_set(), category)


@st.cache_resource(ttl=DATA_TTL, show_spinner=False, max_entries=8)
def _previous_copy(version: str, generation: int) -> WeightTables | None:
    del generation  # a new generation may have moved another copy into the previous place
    return load.previous_copy(version)


def previous_copy(version: str) -> WeightTables | None:
    """The copy of `version` that the last new page replaced, if the cache holds it."""
    return _previous_copy(version, pinned_generation())


@st.cache_data(ttl=DATA_TTL, show_spinner=False, max_entries=8)
def _all_tables_zip(version: str, generation: int) -> bytes:
    result = _best_at_hand(version, generation)
    return export.zip_bytes(export.category_files(result.data, result.source.value))


def all_tables_zip() -> bytes:
    """Every category's CSV and provenance.json, zipped once per data version, not per rerun."""
    return _all_tables_zip(versions.selected(), pinned_generation())


def family_order(category: str, families: list[str]) -> list[str]:
    """The category's families in a fixed order, those of the bundled releases first, so a family
    keeps its colour in every release and under every filter."""
    fixed = list(snapshot.bundled_families(category))
    return fixed + sorted(set(families) - set(fixed))
