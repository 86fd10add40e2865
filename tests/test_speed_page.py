"""Measured speed in the dashboard (AppTest): measurement sets as metrics everywhere, the sidebar's set
and its URL key, uploads good and bad, the off switch, and torch missing."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import streamlit as st

from tests.test_app import point_names, run_app, run_page
from torchvision_stats.data.measurement_store import SetStore
from torchvision_stats.measure import environment

REFERENCES = Path(__file__).parent.parent / "torchvision_stats" / "data" / "reference_speed"
BUILD_SET = REFERENCES / "build-machine-batch1-float32.csv"
TWO = ("MobileNet_V3_Small_Weights.IMAGENET1K_V1", "ResNet18_Weights.IMAGENET1K_V1")


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def csv_with(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def two_row_upload(measured_at: str = "2026-12-01T10:00:00Z") -> bytes:
    """Two rows of a CSV the CLI made (the build machine's reference), as if measured later."""
    rows = [dict(row, **{"Measured at": measured_at}) for row in rows_of(BUILD_SET) if row["Weight"] in TWO]
    return csv_with(rows)


def test_the_newest_set_is_active_and_explore_plots_latency():
    app = run_app({"category": "classification", "x": "Latency (ms)"})
    assert app.selectbox(key="speed").value == "reference-build-machine-batch1-float32"
    assert app.selectbox(key="explore.x").value == "Latency (ms)"
    # Every classification weight is in the build machine's set; VGG16 features has no Acc@1.
    assert app.caption[1].value.startswith("114 of 115 weights plotted")


def test_the_speed_url_key_picks_the_set_and_unmeasured_rows_are_counted():
    app = run_app(
        {
            "category": "quantized_classification",
            "x": "Latency (ms)",
            "speed": "reference-h200-batch1-float32",
        }
    )
    assert app.selectbox(key="speed").value == "reference-h200-batch1-float32"
    # Quantized weights run on the CPU only: not in a GPU set. The chart's place says so.
    assert not app.get("plotly_chart")
    assert "No weight of this table has both Latency (ms) and Acc@1" in app.info[0].value.replace("\\", "")
    assert "0 of 14 weights plotted; 14 without a Latency (ms) or Acc@1 value" in app.caption[
        1
    ].value.replace("\\", "")
    assert app.query_params["speed"] == "reference-h200-batch1-float32"


def test_an_uploaded_cli_csv_becomes_the_active_set_everywhere():
    app = run_page("speed")
    app.file_uploader(key="speed.upload").upload("laptop.csv", two_row_upload(), "text/csv").run()
    assert not app.exception
    assert any("Stored as “laptop · AMD EPYC" in i.value for i in app.info)
    stored = SetStore().list()
    laptop = next(info for info in stored if info.label.startswith("laptop · "))
    assert (laptop.source, laptop.rows) == ("upload", 2)
    assert app.selectbox(key="speed").value == laptop.id
    app.switch_page("app_pages/explore.py").run()
    app.selectbox(key="explore.x").set_value("Latency (ms)").run()
    assert sorted(point_names(app)) == sorted(TWO)
    assert (
        app.caption[1]
        .value.replace("\\", "")
        .startswith("2 of 115 weights plotted; 113 without a Latency (ms)")
    )


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("junk.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
        ("other.csv", b"name,value\nx,1\n", "does not have the columns of a measurement CSV"),
        ("text.csv", None, "is not a number"),
    ],
)
def test_a_bad_upload_gets_a_message_and_stores_nothing(name, content, words):
    if content is None:  # the right columns, a word where a latency belongs
        rows = rows_of(BUILD_SET)[:2]
        rows[1]["Latency (ms)"] = "fast"
        content = csv_with(rows)
    app = run_page("speed")
    before = app.selectbox(key="speed").value
    app.file_uploader(key="speed.upload").upload(name, content, "text/csv").run()
    assert not app.exception
    assert any(words in e.value.replace("\\", "") and "Nothing was stored" in e.value for e in app.error)
    assert [info.source for info in SetStore().list()] == ["reference"] * 4
    assert app.selectbox(key="speed").value == before


def test_weights_the_docs_do_not_list_are_reported_not_dropped():
    rows = rows_of(BUILD_SET)[:2]
    rows[1]["Weight"] = "Imaginary_Weights.V9"
    app = run_page("speed")
    app.file_uploader(key="speed.upload").upload("mixed.csv", csv_with(rows), "text/csv").run()
    message = " ".join(i.value for i in app.info).replace("\\", "")
    assert "1 weight not listed by these docs (kept, not shown): Imaginary_Weights.V9" in message
    assert next(info for info in SetStore().list() if info.label.startswith("mixed · ")).rows == 2


def test_formula_like_text_in_an_upload_is_neutralised():
    rows = rows_of(BUILD_SET)[:1]
    rows[0]["Device name"] = '=HYPERLINK("http://evil.example")'
    info, _ = SetStore().add(csv_with(rows), "formula", "upload")
    assert SetStore().load(info.id).table["Device name"].iloc[0].startswith("'=")


def test_the_off_switch_hides_measuring_and_keeps_upload(monkeypatch):
    monkeypatch.setenv(environment.SWITCH, "off")
    app = run_page("speed")
    assert any("switched off on this server" in i.value for i in app.info)
    assert not [b for b in app.button if b.key == "speed.measure"]
    assert app.file_uploader(key="speed.upload") is not None


def test_without_torch_the_page_says_how_to_install_and_keeps_upload(monkeypatch):
    # The CLI is tested in a real environment without torch (test_measure.py); here the page's branch.
    monkeypatch.setattr(environment, "torch_available", lambda: False)
    app = run_page("speed")
    assert any(
        "pip install 'torchvision-stats\\[measure\\]'" in i.value or "torchvision-stats[measure]" in i.value
        for i in app.info
    )
    assert not [b for b in app.button if b.key == "speed.measure"]
    assert app.file_uploader(key="speed.upload") is not None


def test_the_proxy_chart_and_its_rank_correlation_on_the_build_set():
    app = run_page("speed")
    assert not app.exception
    text = " ".join(m.value for m in app.markdown).replace("\\", "")
    assert "Rank correlation of GFLOPS and measured latency (Spearman): **0." in text
    assert "over 115 weights" in text  # every classification weight of the set
    differences = next(frame.value for frame in app.dataframe if "Rank difference" in frame.value.columns)
    assert len(differences) == 10 and differences["Rank difference"].abs().is_monotonic_decreasing


def test_pick_limits_latency_and_says_so():
    app = run_page("pick", {"category": "classification", "Latency (ms)": "20"})
    assert app.number_input(key="pick.bound.Latency (ms)").value == 20
    ranked = app.dataframe[0].value
    assert len(ranked) and (ranked["Latency (ms)"] <= 20).all()
    reasons = " ".join(m.value for m in app.markdown).replace("\\", "")
    assert "Latency (ms)" in reasons


def test_a_swag_pick_carries_its_licence_mark():
    app = run_page("pick", {"category": "classification", "Acc@1": "88.5"})
    assert any("CC-BY-NC 4.0: not for commercial use" in w.value.replace("\\", "") for w in app.warning)


def test_quantization_shows_the_speed_up_on_a_cpu_set():
    app = run_page("quantization")
    pairs = app.dataframe[0].value
    # 16 quantized weights, 14 with a float twin in the docs, all measured in the set.
    assert pairs["Speed-up (×)"].notna().sum() == 14
    assert any(
        "Speed-up: the float weight's latency over the quantized one's" in c.value.replace("\\", "")
        for c in app.caption
    )


def test_tables_and_compare_show_the_weight_facts():
    app = run_page("tables")
    classification = app.dataframe[0].value
    assert {"File size (MB)", "Crop size (px)", "Resize size (px)", "Categories", "License"} <= set(
        classification.columns
    )
    app = run_page("compare", {"weights": "ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1"})
    table = app.dataframe[0].value
    assert table.loc["License", "ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1"].endswith("SWAG/blob/main/LICENSE")
    assert table.loc["Crop size (px)", "ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1"] == "518"


def test_stored_sets_are_bounded(monkeypatch):
    from torchvision_stats.data import measurement_store

    monkeypatch.setattr(measurement_store, "MAX_STORED", 2)
    store = SetStore()
    upload = two_row_upload()
    store.add(upload, "one", "upload")
    store.start_run("a run")
    with pytest.raises(
        measurement_store.MeasurementFileError, match="2 sets are stored already; delete one first"
    ):
        store.add(upload, "three", "upload")
    with pytest.raises(measurement_store.MeasurementFileError, match="delete one first"):
        store.start_run("another run")
    assert len(list(store.folder.glob("*.json"))) == 2  # nothing stored by the refusals


def test_streamlit_refuses_uploads_over_the_cap_before_reading_them():
    import tomllib

    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml").read_text())
    from torchvision_stats.data.measurement_file import MAX_BYTES

    streamlit_cap = config["server"]["maxUploadSize"] * 2**20  # Streamlit counts MiB
    assert MAX_BYTES <= streamlit_cap < MAX_BYTES * 1.1  # never refuses what we accept, reads little more


def noisy_upload() -> bytes:
    """Two rows of the build machine's set, ResNet-18's timing noisy (a spread of 14.2 %)."""
    rows = [
        dict(row, **{"Measured at": "2026-12-02T10:00:00Z"})
        for row in rows_of(BUILD_SET)
        if row["Weight"] in TWO
    ]
    for row in rows:
        row["Spread (%)"] = "14.2" if row["Weight"] == TWO[1] else "2.0"
    return csv_with(rows)


def test_a_noisy_latency_is_marked_on_compare_the_speed_tables_and_the_hover():
    from torchvision_stats.output import charts

    info, _ = SetStore().add(noisy_upload(), "noisy laptop", "upload")
    app = run_page("compare", {"weights": ",".join(TWO), "speed": info.id})
    table = app.dataframe[0].value
    assert table.loc["Timing", TWO[1]] == "⚠ noisy (spread 14.2 %)"
    assert table.loc["Timing", TWO[0]] == "steady"
    assert table.loc["Spread (%)", TWO[1]] == "14.2"
    app = run_page("speed", {"speed": info.id})
    app.multiselect(key="speed.compare-sets").set_value([info.id]).run()
    app.multiselect(key="speed.compare-weights").set_value(list(TWO)).run()
    across = next(frame.value for frame in app.dataframe if {"Set", "Timing"} <= set(frame.value.columns))
    marks = dict(zip(across["Weight"], across["Timing"], strict=True))
    assert marks == {TWO[0]: "steady", TWO[1]: "⚠ noisy (spread 14.2 %)"}
    from torchvision_stats.data.measurement_store import with_measurements
    from torchvision_stats.data.snapshot import load_snapshot

    shown = with_measurements(load_snapshot("main"), SetStore().load(info.id)).tables["classification"]
    hovers = dict(zip(shown["Weight"], charts.hover_texts(shown, "noisy laptop"), strict=True))
    assert "⚠ noisy (spread 14.2 %): read this latency with care" in hovers[TWO[1]]
    assert "⚠ noisy" not in hovers[TWO[0]]


def test_the_measure_form_offers_every_setting_the_cli_has():
    app = run_page("speed")
    keys = {w.key for w in [*app.selectbox, *app.number_input, *app.checkbox]}
    assert {
        "speed.device",
        "speed.batch",
        "speed.threads",
        "speed.dtype.cpu",
        "speed.channels-last",
        "speed.warmup",
        "speed.min-run-time",
        "speed.timeout",
    } <= keys
    assert app.selectbox(key="speed.dtype.cpu").options == ["float32", "bfloat16"]  # no float16 on a CPU
    assert app.number_input(key="speed.threads").value == environment.physical_cores()


def _estimate_seconds(app) -> int:
    [caption] = [c.value for c in app.caption if c.value.startswith("Estimated time: ")]
    # The duration is Markdown-escaped ("0\\:01\\:05"): its colons are text, never an emoji code.
    hours, minutes, seconds = re.match(r"Estimated time: (\d+)\\?:(\d+)\\?:(\d+)", caption).groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds)


def test_the_measure_form_offers_every_deployment_mode_and_its_estimate_counts_them():
    app = run_page("speed")
    precision = app.radio(key="speed.precision")
    assert precision.options == ["autocast", "cast"] and precision.disabled  # float32: nothing to cast
    assert app.selectbox(key="speed.compile").options == ["no", "default", "reduce-overhead", "max-autotune"]
    assert app.selectbox(key="speed.weights-from").options == ["random", "pretrained"]
    chosen = len(app.multiselect(key="speed.weights.classification").value)
    assert chosen >= 1
    eager = _estimate_seconds(app)
    app.selectbox(key="speed.dtype.cpu").select("bfloat16").run()
    assert not app.radio(key="speed.precision").disabled
    app.selectbox(key="speed.compile").select("default").run()
    caption = next(c.value for c in app.caption if c.value.startswith("Estimated time: "))
    assert "its build, a compile, 3 warm-up calls" in caption
    # About 30 s a compile on the build machine (ResNet-18: 27-33 s), once per weight; the seconds shown
    # are whole, so each of the two estimates may have lost up to one.
    assert abs(_estimate_seconds(app) - eager - 30 * chosen) <= 1
    app.toggle(key="speed.find-batch").set_value(True).run()
    assert app.number_input(key="speed.max-batch").value == 256
    assert not [w for w in app.number_input if w.key == "speed.batch"]  # a number, or "max"
    assert "a compile, the batch search" in next(
        c.value for c in app.caption if c.value.startswith("Estimated")
    )
