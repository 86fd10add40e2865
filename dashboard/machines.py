"""The Speed page's comparisons of sets: *Across machines* (one weight's latency on several sets,
like with like) and the speed-up of compile or precision between two sets measured alike otherwise."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import measurement_sets, widgets
from torchvision_stats import registry
from torchvision_stats.data.measurement_store import SetInfo
from torchvision_stats.output import charts, formatting
from torchvision_stats.questions import measured_speed
from torchvision_stats.views import pages

keys = pages.SPEED

FIRST_WEIGHTS = ("ResNet50_Weights.IMAGENET1K_V2", "ConvNeXt_Tiny_Weights.IMAGENET1K_V1")


def across_machines(tables: dict[str, pd.DataFrame], active: SetInfo) -> None:
    """Sets and weights to compare, per batch or per input; a warning when the sets were measured
    differently; the bars (from 0) and the table with each run's settings."""
    available = {info.id: info for info in measurement_sets.sets()}
    others = [set_id for set_id in available if set_id != active.id]
    chosen_sets = st.multiselect(
        "Sets",
        list(available),
        default=[active.id, *others[:2]],
        format_func=lambda set_id: available[set_id].label,
        key=keys("compare-sets"),
        select_all=False,
    )
    every_weight = [w for t in tables.values() for w in t[registry.WEIGHT.label]]
    picked = st.multiselect(
        "Weights",
        every_weight,
        default=[w for w in FIRST_WEIGHTS if w in every_weight],
        max_selections=12,
        key=keys("compare-weights"),
        select_all=False,
    )
    per = st.segmented_control(
        "Latency",
        ["per batch", "per input"],
        default="per batch",
        required=True,
        key=keys("per-input"),
        help="Per input: the latency divided by the batch size, so a batch-64 run compares with batch 1.",
    )
    latencies = measured_speed.across_sets(
        {available[i].label: measurement_sets.loaded(i).table for i in chosen_sets},
        picked,
        per_input=per == "per input",
    )
    if latencies.empty:
        st.info("None of these weights is measured in the chosen sets.")
        return
    unlike = measured_speed.unlike_settings(latencies)
    if unlike:
        st.warning(
            formatting.markdown_list("These sets were measured differently; compare with care:", unlike),
            icon=":material/warning:",
        )
    st.plotly_chart(charts.across_sets_figure(latencies), key=keys("across"))
    widgets.show_table(latencies)


def speed_up() -> None:
    """Two sets measured alike but for compile or precision: the speed-up of each weight they share,
    as a chart and a table; otherwise how to get one."""
    available = {info.id: info for info in measurement_sets.sets()}
    settings = {set_id: info.run_settings for set_id, info in available.items()}  # read once per listing
    partners = measured_speed.speed_up_partners(settings)
    befores = list(partners)
    if not befores:
        st.caption(
            "Measure the same weights again with Compile or a lower-precision Dtype (same device, batch "
            "and threads): the speed-up of each weight shows here."
        )
        return
    row = st.columns(2)
    before = row[0].selectbox(
        "Before", befores, format_func=lambda set_id: available[set_id].label, key=keys("speed-up-before")
    )
    after = row[1].selectbox(
        "After",
        partners[before],
        format_func=lambda set_id: available[set_id].label,
        key=keys("speed-up-after", before),
    )
    change = "; ".join(measured_speed.mode_difference(settings[before], settings[after]))
    ups = measured_speed.speed_ups(
        measurement_sets.loaded(before).table, measurement_sets.loaded(after).table
    )
    if ups.empty:
        st.info("These two sets measured no weight in common.")
        return
    st.caption(
        formatting.markdown(
            "{}: before ÷ after latency; above 1× the change is faster. Before: {}. After: {}.",
            change,
            available[before].label,
            available[after].label,
        )
    )
    st.plotly_chart(charts.speed_up_figure(ups, change), key=keys("speed-up"))
    widgets.show_table(ups)
