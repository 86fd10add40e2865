"""The Speed pages' numbers checked against independent computations on the shipped sets: Spearman's
rho against pandas' own, the quantization speed-up against the two latencies read from the CSV,
and the rank figures the README states."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st

from tests.conftest import parsed_tables
from tests.test_app import run_page
from torchvision_stats.data.measurement_store import SetStore, with_measurements
from torchvision_stats.data.snapshot import load_snapshot
from torchvision_stats.questions import measured_speed

ROOT = Path(__file__).parent.parent
REFERENCES = ROOT / "torchvision_stats" / "data" / "reference_speed"
SETS = {
    "build": "build-machine-batch1-float32.csv",
    "h200-b1": "h200-batch1-float32.csv",
    "h200-b64": "h200-batch64-bfloat16.csv",
    "xeon": "xeon16-batch1-float32.csv",
}


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def latencies(name: str) -> dict[str, float]:
    """Weight → latency, read with the csv module straight from the shipped file."""
    with (REFERENCES / SETS[name]).open(newline="", encoding="utf-8") as handle:
        return {
            row["Weight"]: float(row["Latency (ms)"]) for row in csv.DictReader(handle) if not row["Error"]
        }


def independent_rho(name: str, slug: str = "classification", proxy: str = "GFLOPS") -> tuple[float, int]:
    table = parsed_tables("main")[slug]
    measured = latencies(name)
    both = pd.DataFrame({proxy: table[proxy], "latency": table["Weight"].map(measured)}).dropna()
    return float(both[proxy].corr(both["latency"], method="spearman")), len(both)


@pytest.mark.parametrize("name", list(SETS))
@pytest.mark.parametrize("slug", ["classification", "object_detection", "video_classification"])
def test_the_rank_correlation_is_pandas_spearman(name, slug):
    table = with_measurements(load_snapshot("main"), SetStore().load(f"reference-{Path(SETS[name]).stem}"))
    rho, count = measured_speed.rank_correlation(table.tables[slug], "GFLOPS")
    expected, expected_count = independent_rho(name, slug)
    assert count == expected_count
    if count >= 3:
        assert rho == pytest.approx(expected, abs=1e-12)


def test_the_quantization_speed_up_is_float_over_quantized_latency():
    app = run_page("quantization")
    pairs = app.dataframe[0].value.set_index("Quantized weight")
    build = latencies("build")
    for quantized, float_weight in (
        ("ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2", "ResNet50_Weights.IMAGENET1K_V2"),
        ("MobileNet_V2_QuantizedWeights.IMAGENET1K_QNNPACK_V1", "MobileNet_V2_Weights.IMAGENET1K_V1"),
        (
            "ShuffleNet_V2_X1_0_QuantizedWeights.IMAGENET1K_FBGEMM_V1",
            "ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1",
        ),
    ):
        assert pairs.at[quantized, "Speed-up (×)"] == pytest.approx(build[float_weight] / build[quantized])


def test_the_readme_states_the_rank_figures_of_the_shipped_sets():
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    found = re.search(
        r"the rank correlation between GFLOPS and measured latency is (\d\.\d\d) on this project's "
        r"2-core build machine, (\d\.\d\d) on a 16-core Xeon, (\d\.\d\d) on an H200 at batch 64 "
        r"bfloat16 and only (\d\.\d\d) on the H200 at batch 1",
        text,
    )
    assert found, "the README's sentence with the rank figures"
    stated = [float(value) for value in found.groups()]
    computed = [round(independent_rho(name)[0], 2) for name in ("build", "xeon", "h200-b64", "h200-b1")]
    assert stated == computed
