"""The Speed page's measuring panel: the run form, its live progress and Cancel."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import speed, versions
from torchvision_stats import registry
from torchvision_stats.data.measurement_sets import InvalidMeasurements
from torchvision_stats.measure import environment, runner
from torchvision_stats.measure.job import Progress
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
    """The server's run: live progress while it runs (redrawn every second), else how the last ended."""
    status: Progress = speed.background_run().status()
    if status.running:
        _live_progress()
    elif status.outcome:
        st.caption(
            formatting.markdown(
                "Last run: {} ({} of {} weights, {} failed).",
                status.outcome,
                status.done,
                status.total,
                status.failed,
            )
        )


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


def run_form(tables: dict[str, pd.DataFrame]) -> None:
    """Choose weights, device, batch size and threads; *Measure* starts the server's one run."""
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
    weights = row[1].multiselect(
        "Weights to measure",
        table[registry.WEIGHT.label].tolist(),
        default=speed_questions.frontier_weights(table, registry.CATEGORIES[slug])[:MAX_WEIGHTS_PER_RUN],
        max_selections=MAX_WEIGHTS_PER_RUN,
        key=f"speed.weights.{slug}",
        select_all=False,  # Enter picks the highlighted weight, never a batch
        help="The category's Pareto frontier (cost against quality) to start with; type to search.",
    )
    settings_row = st.columns(3)
    device = settings_row[0].selectbox("Device", devices(), key="speed.device")
    batch = settings_row[1].number_input("Batch size", min_value=1, max_value=256, value=1, key="speed.batch")
    cores = runner.usable_cores()
    threads = settings_row[2].number_input(
        "Threads", min_value=1, max_value=cores, value=cores, key="speed.threads"
    )
    if st.button(
        "Measure", icon=":material/play_arrow:", type="primary", disabled=not weights, key="speed.measure"
    ):
        settings = runner.Settings(device=device, batch_size=int(batch), threads=int(threads))
        label = f"{device} · {len(weights)} weights · {pd.Timestamp.now(tz='UTC'):%Y-%m-%d %H:%M}"
        try:
            set_id, out = speed.store().start_run(label)
        except InvalidMeasurements as refusal:
            st.error(formatting.escape_markdown(str(refusal)), icon=":material/block:")
            return
        if speed.background_run().start(weights, settings, out, set_id, versions.selected()):
            speed.make_active(set_id)
        st.rerun()
