"""Latency that says whose it is (AppTest and the package): each visitor's own set with a fixed
server default, links that carry it, like compared with like across machines, the machine named in
charts, tables and every CSV, Pick's honest notice, runs and uploads that leave a true record, and
the shared server's rules."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
import streamlit as st

from tests.test_app import downloads, plotted, point_names, run_app, run_page  # noqa: F401  (fixture)
from tests.test_speed_page import BUILD_SET, REFERENCES, TWO, csv_with, rows_of, two_row_upload
from torchvision_stats import registry
from torchvision_stats.data.measurement_file import parse
from torchvision_stats.data.measurement_store import SetStore, listing, with_measurements
from torchvision_stats.data.snapshot import load_snapshot
from torchvision_stats.measure.job import Progress
from torchvision_stats.output import charts
from torchvision_stats.questions import measured_speed

BUILD = "reference-build-machine-batch1-float32"
H200 = "reference-h200-batch1-float32"
H200_64 = "reference-h200-batch64-bfloat16"


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def newest_upload() -> str:
    """A set stored by some other visitor, measured later than every reference set."""
    info, _ = SetStore().add(two_row_upload("2027-01-01T00:00:00Z"), "someone else", "upload")
    return info.id


def test_the_default_set_is_the_build_machines_never_the_newest_and_links_carry_it():
    newest_upload()
    app = run_app({"category": "classification", "x": "Latency (ms)"})
    assert app.selectbox(key="speed").value == BUILD
    assert app.query_params["speed"] == BUILD  # the link shows the same set tomorrow
    assert len(point_names(app)) == 114  # 115 measured, VGG16 features without Acc@1


def test_the_server_default_can_be_set(monkeypatch):
    monkeypatch.setenv("TVSTATS_DEFAULT_SET", H200)
    app = run_app()
    assert app.selectbox(key="speed").value == H200 and app.query_params["speed"] == H200
    monkeypatch.setenv("TVSTATS_DEFAULT_SET", "no-such-set")
    assert run_app().selectbox(key="speed").value == BUILD


def test_an_upload_is_active_for_its_visitor_only():
    visitor = run_page("speed")
    visitor.file_uploader(key="speed.upload").upload("laptop.csv", two_row_upload(), "text/csv").run()
    mine = visitor.selectbox(key="speed").value
    assert mine != BUILD and SetStore().load(mine).info.label.startswith("laptop · AMD EPYC · cpu, 2 threads")
    other = run_app({"category": "classification", "x": "Latency (ms)"})
    assert other.selectbox(key="speed").value == BUILD


def test_explore_keeps_its_view_across_pages_and_shows_it_in_the_url():
    app = run_app({"category": "object_detection"})
    app.selectbox(key="explore.x").set_value("Latency (ms)").run()
    app.toggle(key="explore.logy").set_value(True).run()
    app.switch_page("app_pages/speed.py").run()
    app.switch_page("app_pages/explore.py").run()
    assert app.selectbox(key="explore.category").value == "object_detection"
    assert app.selectbox(key="explore.x").value == "Latency (ms)" and app.toggle(key="explore.logy").value
    assert app.query_params["x"] == "Latency (ms)" and app.query_params["speed"] == BUILD


def test_across_machines_per_input_and_unlike_runs_said():
    tables = {
        "batch 1": SetStore().load(H200).table,
        "batch 64": SetStore().load(H200_64).table,
    }
    per_batch = measured_speed.across_sets(tables, ["ResNet50_Weights.IMAGENET1K_V2"])
    per_input = measured_speed.across_sets(tables, ["ResNet50_Weights.IMAGENET1K_V2"], per_input=True)
    [resnet] = [
        row
        for row in rows_of(REFERENCES / "h200-batch64-bfloat16.csv")
        if row["Weight"] == "ResNet50_Weights.IMAGENET1K_V2"
    ]
    big_batch = float(resnet["Latency (ms)"])
    assert per_batch.set_index("Set").at["batch 64", "Latency (ms)"] == big_batch
    assert per_input.set_index("Set").at["batch 64", "Latency per input (ms)"] == pytest.approx(
        big_batch / 64
    )
    assert set(per_batch.columns) >= {"Batch size", "Dtype", "Threads", "Torch", "Device name", "Timing"}
    unlike = measured_speed.unlike_settings(per_batch)
    assert unlike == [
        "Batch size: 1 (batch 1); 64 (batch 64)",
        "Dtype: float32 (batch 1); bfloat16 (batch 64)",
    ]
    layout = charts.across_sets_figure(per_batch).to_dict()["layout"]["yaxis"]
    assert layout["rangemode"] == "tozero" and layout["type"] == "linear"


def test_the_speed_page_warns_of_unlike_sets_and_shows_their_settings():
    app = run_page("speed")
    app.multiselect(key="speed.compare-sets").set_value([BUILD, H200, H200_64]).run()
    warning = " ".join(w.value for w in app.warning).replace("\\", "")
    assert "These sets were measured differently" in warning
    assert "Batch size: 1 (2-core AMD EPYC" in warning and "Threads: 2 (" in warning
    table = next(
        f.value for f in app.dataframe if "Latency (ms)" in f.value.columns and "Set" in f.value.columns
    )
    assert {"Batch size", "Dtype", "Threads", "Torch"} <= set(table.columns)
    app.segmented_control(key="speed.per-input").set_value("per input").run()
    table = next(f.value for f in app.dataframe if "Latency per input (ms)" in f.value.columns)
    assert len(table) == 6


def test_labels_name_machine_device_batch_and_dtype():
    newest_upload()
    for info in SetStore().list():
        machine = [word.replace("(R)", "") for word in info.device_name.split()]
        assert any(word in info.label for word in machine), (info.device_name, info.label)
        for words in (info.device, f"batch {info.batch_size}", info.dtype):
            assert words in info.label, (words, info.label)
    assert (
        SetStore()
        .load(BUILD)
        .info.label.startswith("2-core AMD EPYC build machine · cpu, 2 threads · batch 1")
    )


def test_every_csv_with_a_measured_metric_names_its_machine(downloads):  # noqa: F811
    context = ["Measured on", "Device name", "Batch size", "Dtype"]
    app = run_app({"category": "classification", "x": "Latency (ms)"})
    explore = pd.read_csv(io.BytesIO(downloads["classification.csv"]))
    label = SetStore().load(BUILD).info.label
    resnet = explore.set_index("Weight").loc["ResNet50_Weights.IMAGENET1K_V2"]
    assert list(resnet[context]) == [label, "AMD EPYC", 1, "float32"]
    cells = [
        row["Categories"] for row in csv.DictReader(io.StringIO(downloads["classification.csv"].decode()))
    ]
    assert set(cells) <= {"1000", ""} and "1000" in cells  # whole numbers written whole: not 1000.0
    title = plotted_layout(app)["title"]["text"]
    assert title == f"Latency (ms) measured on {label}"
    run_page("tables")
    tables = pd.read_csv(io.BytesIO(downloads["classification.csv"]))
    assert set(context) <= set(tables.columns) and {
        "Latency p90 (ms)",
        "Input shape",
        "Peak memory (MB)",
    } <= set(tables.columns)
    pick = run_page("pick", {"category": "classification", "Latency (ms)": "30"})
    picks = pd.read_csv(
        io.BytesIO(next(v for k, v in downloads.items() if k.startswith("classification-picks")))
    )
    assert (picks["Measured on"] == label).all() and (picks["Latency (ms)"] <= 30).all()
    assert any(f"measured on {label}" in c.value.replace("\\", "") for c in pick.caption)
    compare = run_page("compare", {"weights": ",".join(TWO)})
    compared = pd.read_csv(io.BytesIO(next(v for k, v in downloads.items() if k.startswith("compare-"))))
    assert list(compared["Measured on"]) == [label, label]
    assert any(f"measured on {label}" in c.value.replace("\\", "") for c in compare.caption)


def plotted_layout(app) -> dict:
    return json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]


def test_pick_says_the_set_has_no_latency_for_the_category_and_blames_no_limit():
    app = run_page("pick", {"category": "object_detection", "Latency (ms)": "1000", "speed": H200_64})
    text = " ".join(w.value for w in app.warning).replace("\\", "")
    assert "has no Latency (ms) for any object detection weight, so the limit cannot be checked" in text
    assert "binding constraint" not in text
    assert SetStore().load(BUILD).info.label in text and SetStore().load(H200).info.label in text
    assert not app.dataframe


def test_pick_reasons_with_a_latency_limit_name_the_machine_and_the_latency():
    app = run_page("pick", {"category": "classification", "Latency (ms)": "30"})
    reasons = " ".join(m.value for m in app.markdown).replace("\\", "")
    label = SetStore().load(BUILD).info.label
    assert f" ms a batch on {label}." in reasons and "% lower latency" in reasons


def test_a_cancelled_run_says_so_and_one_cancelled_before_its_first_row_leaves_nothing():
    store = SetStore()
    set_id, out = store.start_run("run one")
    store.end_run(set_id, 0, 3, cancelled=True)
    assert not any(store.folder.glob(f"{set_id}.*"))  # nothing counts against the limit
    set_id, out = store.start_run("run two")
    out.write_bytes(two_row_upload())
    store.end_run(set_id, 2, 3, cancelled=True)
    info = store.load(set_id).info
    assert info.label.endswith("· cancelled after 2 of 3") and info.rows == 2
    assert info.label in listing(SetStore().list())["Set"].tolist()


def test_the_running_set_and_reference_sets_cannot_be_changed():
    from dashboard import measurement_sets

    store = SetStore()
    info, _ = store.add(two_row_upload(), "mine", "upload")
    running = Progress(running=True, set_id=info.id)
    assert measurement_sets.may_change(info, running) == (False, "A run is still writing this set.")
    assert measurement_sets.may_change(info, Progress()) == (True, "")
    assert not measurement_sets.may_change(store.load(BUILD).info, Progress())[0]


def test_the_first_choice_is_quick_and_its_time_is_shown():
    reference = SetStore().load(BUILD).table
    frontier = measured_speed.frontier_weights(
        load_snapshot("main").tables["classification"], registry.CATEGORIES["classification"]
    )
    chosen = measured_speed.quick_choice(frontier, reference)
    assert 1 <= len(chosen) <= 5 and "ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1" not in chosen
    seconds = measured_speed.estimated_seconds(reference, chosen)
    latencies = reference.set_index("Weight").loc[chosen]
    by_hand = 3.5 + sum(  # the run's start, then each weight's fork, build, warm-up and calls
        0.5 + build + 3 * latency / 1000 + max(0.5, 20 * latency / 1000)
        for latency, build in zip(latencies["Latency (ms)"], latencies["Build time (s)"], strict=True)
    )
    assert seconds == pytest.approx(by_hand) and seconds <= 60
    app = run_page("speed")
    assert app.multiselect(key="speed.weights.classification").value == chosen
    assert any(c.value.replace("\\", "").startswith("Estimated time: 0:00:") for c in app.caption)


def test_what_is_stored_and_downloaded_is_the_checked_table():
    rows = rows_of(BUILD_SET)[:3]
    rows[0]["Device name"] = '=HYPERLINK("http://evil.example")'
    rows[1]["Latency p90 (ms)"] = "0.001"  # below its median
    rows[2]["Throughput (inputs/s)"] = "1000"  # not batch ÷ latency
    table, problems = parse(csv_with(rows))
    assert len(table) == 1 and problems == [
        "2 rows failed the consistency checks and are not used: "
        f"{rows[1]['Weight']} (p90 0.001 is below the median {float(rows[1]['Latency (ms)']):g}), "
        f"{rows[2]['Weight']} (throughput 1000 is not batch size ÷ latency "
        f"({1000 / float(rows[2]['Latency (ms)']):.4g}))."
    ]
    info, _ = SetStore().add(csv_with(rows), "formula", "upload")
    downloaded = list(csv.DictReader(io.StringIO(SetStore().csv_bytes(info.id).decode())))
    assert [row["Device name"] for row in downloaded] == ['\'=HYPERLINK("http://evil.example")']


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("inf", "is not a positive finite number"),
        ("-3", "is not a positive finite number"),
        ("nan", "is not a positive finite number"),
    ],
)
def test_numbers_that_cannot_be_measurements_drop_their_row(cell, why):
    rows = rows_of(BUILD_SET)[:2]
    rows[0]["Latency (ms)"] = cell
    table, problems = parse(csv_with(rows))
    assert table["Weight"].tolist() == [rows[1]["Weight"]] and why in problems[0]


def test_a_shared_server_measures_nothing_and_guards_each_visitors_sets(monkeypatch):
    monkeypatch.setenv("TVSTATS_SHARED", "on")
    someone = newest_upload()
    app = run_page("speed")
    assert any("shared server" in i.value for i in app.info) and not [
        b for b in app.button if b.key == "speed.measure"
    ]
    app.selectbox(key="speed.manage").set_value(someone).run()
    assert app.button(key="speed.delete").disabled
    assert any("only the sets you stored" in c.value for c in app.caption)
    app.file_uploader(key="speed.upload").upload("mine.csv", two_row_upload(), "text/csv").run()
    mine = app.selectbox(key="speed").value
    app.selectbox(key="speed.manage").set_value(mine).run()
    assert not app.button(key="speed.delete").disabled
    app.button(key="speed.delete").click().run()
    assert any("Delete “mine" in w.value for w in app.warning)  # asked first
    assert mine in {info.id for info in SetStore().list()}
    app.button(key="speed.confirm-yes").click().run()
    assert any(s.value.startswith("Deleted “mine") for s in app.success)
    assert mine not in {info.id for info in SetStore().list()}


def test_a_shared_server_bounds_uploads_per_visitor(monkeypatch):
    from dashboard import set_manager

    monkeypatch.setenv("TVSTATS_SHARED", "on")
    monkeypatch.setattr(set_manager, "UPLOADS_PER_SESSION", 2)
    app = run_page("speed")
    for number in range(3):
        app.file_uploader(key="speed.upload").upload(f"up{number}.csv", two_row_upload(), "text/csv").run()
    assert any("takes 2 uploads a visit" in e.value for e in app.error)
    assert sum(info.source == "upload" for info in SetStore().list()) == 2


def test_rename_asks_first_and_says_what_it_did():
    app = run_page("speed")
    app.file_uploader(key="speed.upload").upload("old.csv", two_row_upload(), "text/csv").run()
    mine = app.selectbox(key="speed").value
    app.selectbox(key="speed.manage").set_value(mine).run()
    app.text_input(key="speed.new-name").input("new").run()
    app.button(key="speed.rename").click().run()
    assert any("Rename “old" in w.value and "to “new”?" in w.value for w in app.warning)
    app.button(key="speed.confirm-yes").click().run()
    assert any("Renamed “old" in s.value for s in app.success)
    assert SetStore().load(mine).info.label.startswith("new · AMD EPYC")


def test_the_walkthrough_mends():
    app = run_page("speed", {"speed": H200_64})
    app.selectbox(key="speed.proxy-category").set_value("semantic_segmentation").run()
    text = " ".join(i.value for i in app.info).replace("\\", "")
    assert "has 0 semantic segmentation weights with both" in text
    ticks, _ = charts.log_ticks([57.3, 58.1])
    assert len(ticks) >= 3
    about = run_page("about")
    assert any(s.value == "How latency is measured" for s in about.subheader)
    shown = with_measurements(load_snapshot("main"), SetStore().load(BUILD)).tables["classification"]
    # Every classification weight of the docs is in the set.
    assert shown["Input shape"].notna().sum() == 115 and shown["Latency p90 (ms)"].notna().sum() == 115
