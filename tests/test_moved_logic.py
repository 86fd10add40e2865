"""Logic that left the pages for the package, and the view codecs of every page, on the real pages."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import parsed_tables
from tests.test_app import APP, run_app, run_page
from tests.test_history_pick_quantization import DATA
from torchvision_stats import registry
from torchvision_stats.data.load import DataUnavailable
from torchvision_stats.questions import history, pick, quantization
from torchvision_stats.questions.limits import Limit
from torchvision_stats.views import controls
from torchvision_stats.views.compare import COMPARE, CompareView
from torchvision_stats.views.explore import EXPLORE
from torchvision_stats.views.history import HISTORY, HistoryContext, HistoryView

VIDEO = registry.CATEGORIES["video_classification"]


def test_gather_loads_each_release_oldest_first_and_says_why_others_are_missing():
    def load(version):
        if version == "0.99":
            raise DataUnavailable("No data for torchvision docs 0.99. Not cached.")
        if version == "0.20":
            return type(DATA["0.20"])({}, DATA["0.20"].provenance)  # a page without the table
        return DATA[version]

    seen = []
    releases = history.gather(["main", "0.99", "0.13", "0.20"], VIDEO, load, lambda *step: seen.append(step))
    assert list(releases.tables) == ["0.13", "main"]
    assert releases.failures == [
        "0.20: the page has no video classification table",
        "0.99: No data for torchvision docs 0.99. Not cached.",
    ]
    assert seen == [(1, 4, "0.13"), (2, 4, "0.20"), (3, 4, "0.99"), (4, 4, "main")]


def test_largest_budget_is_the_biggest_value_and_none_for_an_empty_column():
    tables = {v: DATA[v].tables["video_classification"] for v in ("0.13", "main")}
    assert history.largest_budget(tables, "GFLOPS") == 140.67  # Swin3D-B in main; 0.13 has no GFLOPS
    empty = {"x": pd.DataFrame({"GFLOPS": [math.nan, math.nan]})}
    assert history.largest_budget(empty, "GFLOPS") is None
    assert history.largest_budget(empty, "Params (M)") is None


def test_diff_summary_counts_each_kind_of_change():
    tables = {v: DATA[v].tables["video_classification"] for v in ("0.13", "main")}
    diff = history.diff_releases(tables["0.13"], tables["main"], "0.13", "main")
    assert history.diff_summary(diff) == (7, 0, 6)


def test_quantization_summary_of_the_real_pairs():
    pairs, _ = quantization.pair_with_float(
        DATA["main"].tables[registry.QUANTIZED], DATA["main"].tables[registry.FLOAT_OF_QUANTIZED]
    )
    count, median_change, largest_drop = quantization.summary(pairs)
    # Read off the page: the 7th and 8th of the 14 changes are ResNeXt101-64x4d (83.246 → 82.898) and
    # ResNeXt101-32x8d V1 (79.312 → 78.986); the largest drop is ShuffleNetV2-x0.5's, 60.552 → 57.972.
    assert count == 14
    assert median_change == pytest.approx((-0.348 - 0.326) / 2)
    assert largest_drop == pytest.approx(-2.580)


def test_range_controls_run_from_the_datas_own_ends_log_scaled_when_spanning_decades():
    found = controls.range_controls(parsed_tables("main")["object_detection"])
    # GFLOPS 0.58 … 280.37: 483× — a log control whose stops include 1, 5, 100 and the ends.
    gflops = found["GFLOPS"]
    assert gflops.is_log and (gflops.low, gflops.high) == (0.58, 280.37)
    assert gflops.stops[0] == 0.58 and gflops.stops[-1] == 280.37
    assert {0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0, 100.0, 200.0} <= set(gflops.stops)
    assert all(0.58 <= stop <= 280.37 for stop in gflops.stops) and list(gflops.stops) == sorted(gflops.stops)
    # Box MAP 21.3 … 46.7: linear, in steps of its precision (0.1), ends exactly the data's.
    box_map = found["Box MAP"]
    assert not box_map.is_log and (box_map.low, box_map.high, box_map.step) == (21.3, 46.7, 0.1)
    assert gflops.held(Limit("GFLOPS", None, 5.0)) == (0.58, 5.0)
    assert gflops.held(Limit("GFLOPS", -5.0, 500.0)) == (0.58, 280.37)
    assert gflops.held(Limit("GFLOPS", 300.0, None)) == (280.37, 280.37)
    assert gflops.stops_with((0.58, 4.3)).count(4.3) == 1  # a linked 4.3 is offered as a stop


def test_a_range_url_reads_open_sides_and_refuses_what_holds_nothing():
    tables = parsed_tables("main")
    view, notices = EXPLORE.from_query(
        {"category": "object_detection", "GFLOPS": ",5", "Box MAP": "30,99", "Params (M)": "1,2,3"}, tables
    )
    assert view.ranges == (Limit("Box MAP", 30.0, None), Limit("GFLOPS", None, 5.0))
    assert notices == ["“Params (M)=1,2,3” is not a range like 1,5 (or ,5 or 1,); left out."]
    view, notices = EXPLORE.from_query({"category": "object_detection", "GFLOPS": "500,"}, tables)
    assert view.ranges == () and notices == [
        "“GFLOPS=500,” holds no weight here (GFLOPS runs from 0.58 to 280.37); left out."
    ]
    assert (
        EXPLORE.to_query(
            EXPLORE.from_query({"category": "object_detection", "GFLOPS": "0.1,4.3"}, tables)[0]
        )["GFLOPS"]
        == ",4.3"
    )


def test_pick_reads_limits_as_a_page_holds_them():
    table = DATA["main"].tables["classification"]
    category = registry.CATEGORIES["classification"]
    limits = (Limit.bound("GFLOPS", 5.0), Limit("Params (M)"), Limit.bound("Acc@1", 83.0))  # one open
    picked = pick.pick_weights(table, category, limits)
    assert picked.ranked["Weight"].iloc[0] == "EfficientNet_B4_Weights.IMAGENET1K_V1"
    assert (picked.ranked["GFLOPS"] <= 5).all() and (picked.ranked["Acc@1"] >= 83).all()


TABLES = DATA["main"].tables


def test_compare_view_round_trips_and_drops_unknown_weights():
    view = CompareView(("ResNet50_Weights.IMAGENET1K_V2", "SSD300_VGG16_Weights.COCO_V1"))
    assert COMPARE.to_query(view) == {
        "weights": "ResNet50_Weights.IMAGENET1K_V2,SSD300_VGG16_Weights.COCO_V1"
    }
    assert COMPARE.from_query(COMPARE.to_query(view), TABLES) == (view, [])
    parsed, notices = COMPARE.from_query({"weights": "Nope.X,ResNet50_Weights.IMAGENET1K_V2"}, TABLES)
    assert parsed.weights == ("ResNet50_Weights.IMAGENET1K_V2",)
    assert notices == ["Unknown weights ignored in weights: Nope.X"]
    seven = ",".join(list(TABLES["classification"]["Weight"])[:7])
    parsed, notices = COMPARE.from_query({"weights": seven}, TABLES)
    assert len(parsed.weights) == 6 and notices == ["Only the first 6 of weights are used."]


CONTEXT = HistoryContext(["main", "0.20", "0.15", "0.13"], ["main", "0.20", "0.15", "0.13"])


def test_history_view_defaults_round_trips_and_falls_back():
    default, notices = HISTORY.from_query({}, CONTEXT)
    assert notices == []
    assert default == HistoryView(
        "classification", ("main", "0.20", "0.15", "0.13"), "GFLOPS", 5.0, "0.13", "main"
    )
    query = {
        "category": "video_classification",
        "releases": "0.13,main",
        "budget_metric": "Params (M)",
        "budget": "30",
        "diff_from": "main",
        "diff_to": "0.13",
        "diff_category": "all",
    }
    view, notices = HISTORY.from_query(query, CONTEXT)
    assert notices == [] and HISTORY.to_query(view) == query
    bad, notices = HISTORY.from_query({"releases": "0.13,9.9", "budget": "-1", "diff_to": "0.20"}, CONTEXT)
    assert bad.releases == ("0.13",) and bad.budget == 5.0 and bad.diff_to == "0.13"
    assert len(notices) == 3


def test_compare_link_opens_the_weights_side_by_side():
    app = run_page("compare", {"weights": "ResNet50_Weights.IMAGENET1K_V2,SSD300_VGG16_Weights.COCO_V1"})
    assert list(app.dataframe[0].value.columns) == [
        "ResNet50_Weights.IMAGENET1K_V2",
        "SSD300_VGG16_Weights.COCO_V1",
    ]
    app.multiselect[0].set_value(["ResNet18_Weights.IMAGENET1K_V1"]).run()
    assert app.query_params["weights"] == "ResNet18_Weights.IMAGENET1K_V1"


def test_history_link_opens_its_category_releases_budget_and_diff():
    app = run_page(
        "history",
        {
            "category": "video_classification",
            "releases": "0.13,0.15,main",
            "budget_metric": "Params (M)",
            "budget": "40",
            "diff_from": "0.13",
            "diff_to": "0.15",
        },
    )
    assert not app.exception
    matrix, _, best, diff = (frame.value for frame in app.dataframe)
    assert list(matrix.columns)[1:] == ["0.13", "0.15", "main"]
    assert (
        best.columns[3] == "Params (M)"
        and (pd.to_numeric(best["Params (M)"], errors="coerce").dropna() <= 40).all()
    )
    assert list(diff.columns) == ["Category", "Change", "Weight", "Metric", "0.13", "0.15"]
    app.selectbox(key="history.diff_to").set_value("main").run()
    assert (app.query_params["diff_to"], app.query_params["category"]) == ("main", "video_classification")


def test_every_page_links_back_to_its_view():
    app = run_app({"category": "object_detection", "q": "rcnn"})
    assert (app.query_params["q"], app.query_params["category"]) == ("rcnn", "object_detection")


def test_keys_a_page_does_not_use_get_one_notice():
    # A shared link straight to /compare (no Explore run first, whose keys AppTest would keep).
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.switch_page("app_pages/compare.py")
    app.query_params.update({"weights": "ResNet50_Weights.IMAGENET1K_V2", "x": "GFLOPS", "zoom": "9"})
    app.run()
    assert [i.value.replace("\\", "") for i in app.info] == ["Not used on this page, so ignored: x, zoom"]
