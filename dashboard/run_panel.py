"""The Speed page's measuring panel: the run form, its live progress and Cancel."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import measurement_sets, versions, widgets
from torchvision_stats import registry
from torchvision_stats.data.measurement_file import MeasurementFileError
from torchvision_stats.measure import environment, timing
from torchvision_stats.measure.job import Progress
from torchvision_stats.measure.settings import (
    COMPILE_MODES,
    DTYPES,
    PRECISIONS,
    SEARCH_SAMPLES,
    WEIGHT_SOURCES,
    Settings,
)
from torchvision_stats.output import formatting
from torchvision_stats.questions import measured_speed
from torchvision_stats.views import pages

keys = pages.SPEED

MAX_WEIGHTS_PER_RUN = 40  # a run from the page: minutes, not hours, on a laptop
# torch.compile's first call of a small network on the build machine (ResNet-18: see README,
# performance), for the estimate of a compiled run.
COMPILE_SECONDS = 30.0


@st.cache_resource(show_spinner=False)
def devices() -> list[str]:
    """What torch reports available, asked once per server of a child process (no torch here)."""
    return environment.available_devices_in_child()


def _duration(seconds: float | None) -> str:
    return "…" if seconds is None else str(timedelta(seconds=int(seconds)))


def progress_panel() -> None:
    """The server's run: live progress while it runs (redrawn every second), else how the last
    ended and what it measured."""
    status: Progress = measurement_sets.background_run().status()
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
    if status.done and status.set_id in {info.id for info in measurement_sets.sets()}:
        measured = measurement_sets.loaded(status.set_id)
        st.caption(formatting.markdown("What it measured, on {}:", measured.info.label))
        widgets.show_table(measured_speed.run_rows(measured.table))


@st.fragment(run_every=timedelta(seconds=1))
def _live_progress() -> None:
    # Only while a run is going: an idle page does not poll.
    status: Progress = measurement_sets.background_run().status()
    if status.done != st.session_state.get(keys("seen-done"), status.done) or not status.running:
        st.session_state[keys("seen-done")] = status.done
        st.rerun(scope="app")  # a new row is in the set, or the run ended: redraw the whole page
    st.session_state[keys("seen-done")] = status.done
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
    if st.button("Cancel", icon=":material/stop:", key=keys("cancel")):
        measurement_sets.background_run().cancel()


def _batch_choice(column, switch_column) -> tuple[int, bool, int]:
    """(batch size, search the best batch, largest batch tried): a number, or "max" (the switch,
    in `switch_column`, turns the number into the largest batch the search tries)."""
    defaults = Settings()
    searching = switch_column.toggle(
        "Best batch",
        key=keys("find-batch"),
        help="Batch size max: batches 1, 2, 4 … are tried until throughput stops growing by 5 %, "
        "memory would run short, or the largest below; the row reports the best.",
    )
    if searching:
        largest = column.number_input(
            "Largest batch", min_value=1, max_value=1024, value=defaults.max_batch, key=keys("max-batch")
        )
        return defaults.batch_size, True, int(largest)
    batch = column.number_input("Batch size", min_value=1, max_value=1024, value=1, key=keys("batch"))
    return int(batch), False, defaults.max_batch


def _settings_form() -> Settings:
    """Every setting the CLI has but the output file: the run's child gets each of them."""
    defaults = Settings()
    row = st.columns(4, vertical_alignment="bottom")
    device = row[0].selectbox("Device", devices(), key=keys("device"))
    threads = row[1].number_input(
        "Threads",
        min_value=1,
        max_value=max(environment.logical_cpus(), defaults.threads),
        value=defaults.threads,
        key=keys("threads"),
        help="CPU threads torch uses; the default is this machine's physical cores, as torch's own.",
    )
    batch, find_batch, max_batch = _batch_choice(row[2], row[3])
    channels_last = row[3].checkbox(
        "Channels last", key=keys("channels-last"), help="channels_last (channels_last_3d for video)."
    )
    row = st.columns(4, vertical_alignment="bottom")
    dtypes = [dtype for dtype in DTYPES if device != "cpu" or dtype != "float16"]  # no float16 on CPUs
    dtype = row[0].selectbox("Dtype", dtypes, key=keys("dtype", device))
    precision = row[1].radio(
        "Precision",
        PRECISIONS,
        format_func=formatting.escape_markdown,  # radio labels are Markdown
        horizontal=True,
        disabled=dtype == "float32",
        key=keys("precision"),
        help="For bfloat16 and float16. autocast: float32 weights, each operation in the dtype where "
        "autocast deems it safe. cast: weights and input converted to the dtype, as deployments do.",
    )
    compile_mode = row[2].selectbox(
        "Compile",
        ["no", *COMPILE_MODES],
        key=keys("compile"),
        help=formatting.markdown(
            "torch.compile before warm-up; its first call is the Compile time column. On the build "
            "machine (2-core CPU, gcc) compiling ResNet-18 takes about {:.0f} s.",
            COMPILE_SECONDS,
        ),
    )
    weights_from = row[3].selectbox(
        "Weights from",
        WEIGHT_SOURCES,
        key=keys("weights-from"),
        help="random: the builder's initial values, nothing downloaded; exact for speed in nearly "
        "every network. pretrained: the real weights through the torch hub cache (downloaded when "
        "there is a network): use it for detection, whose post-processing depends on trained scores.",
    )
    with st.expander("Timing"):
        timing_row = st.columns(3)
        warmup = timing_row[0].number_input(
            "Warm-up calls", min_value=0, max_value=100, value=defaults.warmup, key=keys("warmup")
        )
        min_run_time = timing_row[1].number_input(
            "Seconds timed per weight",
            min_value=0.0,
            max_value=60.0,
            value=defaults.min_run_time,
            step=0.5,
            key=keys("min-run-time"),
            help="At least 20 single calls are timed whatever this says.",
        )
        timeout = timing_row[2].number_input(
            "Timeout per weight (s)",
            min_value=10.0,
            max_value=7200.0,
            value=defaults.timeout_s,
            step=60.0,
            key=keys("timeout"),
        )
    return Settings(
        device=device,
        batch_size=batch,
        threads=int(threads),
        dtype=dtype,
        channels_last=channels_last,
        min_run_time=float(min_run_time),
        warmup=int(warmup),
        timeout_s=float(timeout),
        precision=precision,
        compile=None if compile_mode == "no" else compile_mode,
        find_batch=find_batch,
        max_batch=max_batch,
        weights_from=weights_from,
    )


def _reference() -> pd.DataFrame:
    """The build machine's reference set: what the page's estimates and first choice come from."""
    return measurement_sets.loaded(measurement_sets.BUILD_MACHINE).table


def run_form(tables: dict[str, pd.DataFrame]) -> None:
    """Choose weights and every setting; the estimated time; *Measure* starts the server's one run."""
    status = measurement_sets.background_run().status()
    if status.running:
        st.info(
            "A measuring run is in progress on this server; its progress is below.", icon=":material/timer:"
        )
        return
    row = st.columns([1.2, 3])
    slug = row[0].selectbox(
        "Category", list(tables), format_func=lambda s: registry.CATEGORIES[s].title, key=keys("category")
    )
    table = tables[slug]
    frontier = measured_speed.frontier_weights(table, registry.CATEGORIES[slug])
    weights = row[1].multiselect(
        "Weights to measure",
        table[registry.WEIGHT.label].tolist(),
        default=measured_speed.quick_choice(frontier, _reference()),
        max_selections=MAX_WEIGHTS_PER_RUN,
        key=keys("weights", slug),
        select_all=False,  # Enter picks the highlighted weight, never a batch
        help="To start with: the quickest weights of the category's Pareto frontier (cost against "
        "quality), about a minute in all; type to search.",
    )
    settings = _settings_form()
    searched = [
        2**power for power in range(settings.max_batch.bit_length()) if 2**power <= settings.max_batch
    ]
    estimate = measured_speed.estimated_seconds(
        _reference(),
        weights,
        batch_size=settings.max_batch if settings.find_batch else settings.batch_size,
        warmup=settings.warmup,
        min_run_time=settings.min_run_time,
        min_samples=timing.MIN_SAMPLES,
        compile_seconds=COMPILE_SECONDS if settings.compile else 0.0,
        searched_batches=searched if settings.find_batch else (),
        calls_per_searched_batch=SEARCH_SAMPLES + 1,
    )
    if weights:
        st.caption(
            formatting.markdown(
                "Estimated time: {} on the build machine (2-core AMD EPYC, CPU); yours may be faster "
                "or slower. Each weight: a process start, its build{}, {} warm-up calls and at least {} "
                "timed calls.",
                "unknown" if estimate is None else _duration(estimate),
                "".join(
                    step
                    for step, asked in (
                        (", a compile", bool(settings.compile)),
                        (", the batch search", settings.find_batch),
                    )
                    if asked
                ),
                settings.warmup,
                timing.MIN_SAMPLES,
            )
        )
    if st.button(
        "Measure", icon=":material/play_arrow:", type="primary", disabled=not weights, key=keys("measure")
    ):
        name = f"run {pd.Timestamp.now(tz='UTC'):%Y-%m-%d %H:%M}"
        try:
            set_id, out = measurement_sets.store().start_run(name)
        except MeasurementFileError as refusal:
            st.error(formatting.escape_markdown(str(refusal)), icon=":material/block:")
            return
        store = measurement_sets.store()
        started = measurement_sets.background_run().start(
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
            measurement_sets.make_active(set_id)
            measurement_sets.remember_own(set_id)
        else:
            store.delete(set_id)  # another visitor's run started first: nothing of this one is kept
        st.rerun()
