"""Compile or precision against the same run without it: the speed-up per weight (question, chart,
Speed page), and set labels that name a run's modes."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from tests.test_app import run_page
from tests.test_speed_page import BUILD_SET, csv_with, rows_of
from torchvision_stats.data.measurement_file import parse, run_settings
from torchvision_stats.data.measurement_store import SetStore
from torchvision_stats.output import charts
from torchvision_stats.questions import measured_speed

RESNET18, MOBILENET = "ResNet18_Weights.IMAGENET1K_V1", "MobileNet_V3_Small_Weights.IMAGENET1K_V1"


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def run_rows(**changes: str) -> list[dict[str, str]]:
    """Two weights measured as the build machine's set measured them, but eager float32 of the new
    engine's columns, with `changes` to each row."""
    eager = {
        "Batch": "1",
        "Precision": "none",
        "Compile": "no",
        "Weights from": "random",
        "Spread (%)": "2.0",
    }
    return [
        {**row, **eager, **changes} for row in rows_of(BUILD_SET) if row["Weight"] in (RESNET18, MOBILENET)
    ]


def compiled_twice_as_fast() -> list[dict[str, str]]:
    rows = run_rows(Compile="default")
    for row in rows:
        row["Latency (ms)"] = f"{float(row['Latency (ms)']) / 2:.3f}"
        row["Latency p90 (ms)"] = f"{float(row['Latency p90 (ms)']) / 2:.3f}"
        row["Throughput (inputs/s)"] = f"{float(row['Throughput (inputs/s)']) * 2:.2f}"
    return rows


def table_of(rows: list[dict[str, str]]) -> pd.DataFrame:
    return parse(csv_with(rows))[0]


def test_two_runs_that_differ_only_in_compile_give_each_weights_speed_up():
    eager, compiled = table_of(run_rows()), table_of(compiled_twice_as_fast())
    difference = measured_speed.mode_difference(run_settings(eager), run_settings(compiled))
    assert difference == ["Compile: no → default"]
    ups = measured_speed.speed_ups(eager, compiled).set_index("Weight")
    by_hand = {row["Weight"]: float(row["Latency (ms)"]) for row in run_rows()}
    for weight in (RESNET18, MOBILENET):
        assert ups.at[weight, "Latency before (ms)"] == by_hand[weight]
        assert ups.at[weight, "Speed-up (×)"] == pytest.approx(2.0, rel=1e-3)
    figure = charts.speed_up_figure(ups.reset_index(), difference[0]).to_dict()
    assert figure["data"][0]["base"] == 1 and figure["layout"]["title"]["text"] == "Compile: no → default"
    assert [round(1 + x, 2) for x in figure["data"][0]["x"]] == [2.0, 2.0]


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"Threads": "1"}, "another thread count"),
        ({"Batch": "max ≤ 256"}, "a searched batch"),
        ({"Device name": "Intel Xeon"}, "another machine"),
        ({}, "no difference at all"),
    ],
)
def test_runs_that_differ_otherwise_are_no_speed_up(changes, why):
    first, second = table_of(run_rows()), table_of(run_rows(**changes))
    assert measured_speed.mode_difference(run_settings(first), run_settings(second)) == [], why


def test_precision_counts_as_a_mode_and_the_quantized_rows_do_not_decide():
    eager = run_rows()
    cast = run_rows(Dtype="bfloat16", Precision="cast")
    quantized = dict(eager[0], Weight="ResNet18_QuantizedWeights.IMAGENET1K_FBGEMM_V1", Dtype="int8")
    difference = measured_speed.mode_difference(
        run_settings(table_of([*eager, quantized])),
        run_settings(table_of([*cast, dict(quantized)])),
    )
    assert difference == ["Dtype: float32 → bfloat16", "Precision: none → cast"]


def test_the_speed_page_shows_the_speed_up_and_labels_name_the_modes():
    store = SetStore()
    store.add(csv_with(run_rows()), "eager", "upload")
    store.add(csv_with(compiled_twice_as_fast()), "compiled", "upload")
    labels = {info.label for info in store.list()}
    assert any(label.startswith("compiled · AMD EPYC") and "compiled (default)" in label for label in labels)
    assert any(label.startswith("eager · AMD EPYC") and "compiled" not in label for label in labels)
    app = run_page("speed")
    before = app.selectbox(key="speed.speed-up-before")
    assert set(before.options) >= {  # what the widget shows: the sets' labels
        label for label in labels if label.startswith(("eager", "compiled"))
    }
    table = next(f.value for f in app.dataframe if "Speed-up (×)" in f.value.columns)
    assert sorted(table["Speed-up (×)"].round(3)) == [2.0, 2.0]  # the eager run is "before"
    assert any("Compile: no → default" in c.value.replace("\\", "") for c in app.caption)


def test_across_machines_warns_of_another_precision():
    sets = {"plain": table_of(run_rows()), "autocast": table_of(run_rows(Precision="autocast"))}
    latencies = measured_speed.across_sets(sets, [RESNET18])
    assert "Precision" in latencies.columns
    assert measured_speed.unlike_settings(latencies) == ["Precision: none (plain); autocast (autocast)"]
