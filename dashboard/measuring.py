"""The Speed page's measuring panel: the run form, its live progress and Cancel."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import speed, versions, widgets
from torchvision_stats import registry
from torchvision_stats.data.measurement_sets import InvalidMeasurements
from torchvision_stats.measure import environment, timing
from torchvision_stats.measure.job import Progress
from torchvision_stats.measure.settings import DTYPES, Settings
from torchvision_stats.output import formatting
from torchvision_stats.questions import speed as speed_questions

MAX_WEIGHTS_PER_RUN = 40  # a run from the page: minutes, not hours, on a laptop


@st.cache_resource(show_spinner=False)
def devices() -> list[str]:
    """What torch reports available, asked once per server of a child process (no torch here)."""
    return environment.available_devices_in_child()


def _duration(seconds: float | None) -> str:
    return "…" if seconds is None else str(timedelta(seconds=int(seconds)))


def progress_panel() -> None:
    """The server's run: live progress while it runs (redrawn every second), else how the last
    ended and what it measured."""
    status: Progress = speed.background_run().status()
    if status.running:
        _live_progress()
        return
    if not status.outcome:
        return
    st.caption(
        formatting.markdown(
            "Last run: {} ({} of {} weights, {} failed).",
            status.outcome,
            status.done,
            status.total,
            status.failed,
        )
    )
    if status.done and status.set_id in {info.id for info in speed.sets()}:
        measured = speed.loaded(status.set_id)
        st.caption(formatting.markdown("What it measured, on {}:", measured.info.label))
        widgets.show_table(speed_questions.run_rows(measured.table))


@st.fragment(run_every=timedelta(seconds=1))
def _live_progress() -> None:
    # Only while a run is going: an idle page does not poll.
    status: Progress = speed.background_run().status()
    if status.done != st.session_state.get("speed.seen-done", status.done) or not status.running:
        st.session_state["speed.seen-done"] = status.done
        st.rerun(scope="app")  # a new row is in the set, or the run ended: redraw the whole page
    st.session_state["speed.seen-done"] = status.done
    st.progress(
        status.done / max(status.total, 1),
        text=formatting.markdown(
            "Waiting for another measuring run on this machine ({}) to end", status.waiting_for
        )
        if status.waiting_for
        else formatting.markdown(
            "{} of {} measured · now {} · {} elapsed · {} left",
            status.done,
            status.total,
            status.current or "starting",
            _duration(status.elapsed_s),
            _duration(status.eta_s),
        ),
    )
    if st.button("Cancel", icon=":material/stop:", key="speed.cancel"):
        speed.background_run().cancel()


def _settings_form() -> Settings:
    """Every setting the CLI has but the output file: the run's child gets each of them."""
    row = st.columns(5, vertical_alignment="bottom")
    device = row[0].selectbox("Device", devices(), key="speed.device")
    batch = row[1].number_input("Batch size", min_value=1, max_value=256, value=1, key="speed.batch")
    default_threads = Settings().threads  # the physical cores, as torch's own default
    threads = row[2].number_input(
        "Threads",
        min_value=1,
        max_value=max(environment.logical_cpus(), default_threads),
        value=default_threads,
        key="speed.threads",
        help="CPU threads torch uses; the default is this machine's physical cores, as torch's own.",
    )
    dtypes = [dtype for dtype in DTYPES if device != "cpu" or dtype != "float16"]  # no float16 on CPUs
    dtype = row[3].selectbox(
        "Dtype", dtypes, key=f"speed.dtype.{device}", help="bfloat16 and float16 run under autocast."
    )
    channels_last = row[4].checkbox(
        "Channels last", key="speed.channels-last", help="channels_last (channels_last_3d for video)."
    )
    defaults = Settings()
    with st.expander("Timing"):
        timing = st.columns(3)
        warmup = timing[0].number_input(
            "Warm-up calls", min_value=0, max_value=100, value=defaults.warmup, key="speed.warmup"
        )
        min_run_time = timing[1].number_input(
            "Seconds timed per weight",
            min_value=0.0,
            max_value=60.0,
            value=defaults.min_run_time,
            step=0.5,
            key="speed.min-run-time",
            help="At least 20 single calls are timed whatever this says.",
        )
        timeout = timing[2].number_input(
            "Timeout per weight (s)",
            min_value=10.0,
            max_value=7200.0,
            value=defaults.timeout_s,
            step=60.0,
            key="speed.timeout",
        )
    return Settings(
        device=device,
        batch_size=int(batch),
        threads=int(threads),
        dtype=dtype,
        channels_last=channels_last,
        min_run_time=float(min_run_time),
        warmup=int(warmup),
        timeout_s=float(timeout),
    )


def _reference() -> pd.DataFrame:
    """The build machine's reference set: what the page's estimates and first choice come from."""
    return speed.loaded(speed.BUILD_MACHINE).table


def run_form(tables: dict[str, pd.DataFrame]) -> None:
    """Choose weights and every setting; the estimated time; *Measure* starts the server's one run."""
    status = speed.background_run().status()
    if status.running:
        st.info(
            "A measuring run is in progress on this server; its progress is below.", icon=":material/timer:"
        )
        return
    row = st.columns([1.2, 3])
    slug = row[0].selectbox(
        "Category", list(tables), format_func=lambda s: registry.CATEGORIES[s].title, key="speed.category"
    )
    table = tables[slug]
    frontier = speed_questions.frontier_weights(table, registry.CATEGORIES[slug])
    weights = row[1].multiselect(
        "Weights to measure",
        table[registry.WEIGHT.label].tolist(),
        default=speed_questions.quick_choice(frontier, _reference()),
        max_selections=MAX_WEIGHTS_PER_RUN,
        key=f"speed.weights.{slug}",
        select_all=False,  # Enter picks the highlighted weight, never a batch
        help="To start with: the quickest weights of the category's Pareto frontier (cost against "
        "quality), about a minute in all; type to search.",
    )
    settings = _settings_form()
    estimate = speed_questions.estimated_seconds(
        _reference(),
        weights,
        batch_size=settings.batch_size,
        warmup=settings.warmup,
        min_run_time=settings.min_run_time,
        min_samples=timing.MIN_SAMPLES,
    )
    if weights:
        st.caption(
            formatting.markdown(
                "Estimated time: {} on the build machine (2-core AMD EPYC, CPU); yours may be faster "
                "or slower. Each weight: a process start, its build, {} warm-up calls and at least {} "
                "timed calls.",
                "unknown" if estimate is None else _duration(estimate),
                settings.warmup,
                timing.MIN_SAMPLES,
            )
        )
    if st.button(
        "Measure", icon=":material/play_arrow:", type="primary", disabled=not weights, key="speed.measure"
    ):
        name = f"run {pd.Timestamp.now(tz='UTC'):%Y-%m-%d %H:%M}"
        try:
            set_id, out = speed.store().start_run(name)
        except InvalidMeasurements as refusal:
            st.error(formatting.escape_markdown(str(refusal)), icon=":material/block:")
            return
        store = speed.store()
        started = speed.background_run().start(
            weights,
            settings,
            out,
            set_id,
            versions.selected(),
            on_end=lambda ended: store.end_run(
                ended.set_id, ended.done, ended.total, cancelled=ended.outcome == "cancelled"
            ),
        )
        if started:
            speed.make_active(set_id)
            speed.remember_own(set_id)
        else:
            store.delete(set_id)  # another visitor's run started first: nothing of this one is kept
        st.rerun()
