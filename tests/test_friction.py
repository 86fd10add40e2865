"""The logic behind issue 13's fixes, on the real pages: finding weights as people spell them, no
axis against itself from any link, readable ticks and budgets, CSV precision and names."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.conftest import parsed_tables
from tests.test_app import point_names, run_app, run_page
from torchvision_stats import registry
from torchvision_stats.data import snapshot
from torchvision_stats.output import charts, export
from torchvision_stats.questions import analysis, find, history
from torchvision_stats.registry import number_text
from torchvision_stats.views.explore import EXPLORE

TABLES = parsed_tables("main")
CANDIDATES = [
    find.Candidate(row["Weight"], row["Model"], slug)
    for slug, table in TABLES.items()
    for row in table[["Weight", "Model"]].to_dict("records")
]


@pytest.mark.parametrize(
    ("typed", "best"),
    [
        ("resnet50", "ResNet50_Weights.IMAGENET1K_V2"),
        ("ResNet-50", "ResNet50_Weights.IMAGENET1K_V2"),
        ("RESNET 50", "ResNet50_Weights.IMAGENET1K_V2"),
        ("ConvNeXt-Tiny", "ConvNeXt_Tiny_Weights.IMAGENET1K_V1"),
        ("convnext tiny", "ConvNeXt_Tiny_Weights.IMAGENET1K_V1"),
        ("convnext_tiny", "ConvNeXt_Tiny_Weights.IMAGENET1K_V1"),
        ("ViT-B/16", "ViT_B_16_Weights.IMAGENET1K_V1"),
        ("vit_b_16", "ViT_B_16_Weights.IMAGENET1K_V1"),
        ("Swin-T", "Swin_T_Weights.IMAGENET1K_V1"),
        ("EfficientNet-B0", "EfficientNet_B0_Weights.IMAGENET1K_V1"),
        ("mobilenet v3 large", "MobileNet_V3_Large_Weights.IMAGENET1K_V2"),
        ("fasterrcnn_resnet50_fpn", "FasterRCNN_ResNet50_FPN_Weights.COCO_V1"),
        ("Faster R-CNN", "FasterRCNN_ResNet50_FPN_Weights.COCO_V1"),
        ("r3d_18", "R3D_18_Weights.KINETICS400_V1"),
    ],
)
def test_a_weight_is_found_however_its_name_is_written(typed, best):
    assert find.find_weights(typed, CANDIDATES)[0] == best


def test_find_ranks_the_named_builder_first_and_matches_nothing_for_nothing():
    found = find.find_weights("resnet50", CANDIDATES)
    # The builder named exactly (classification, then quantized), before names that contain it.
    assert found[:4] == [
        "ResNet50_Weights.IMAGENET1K_V2",
        "ResNet50_Weights.IMAGENET1K_V1",
        "ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2",
        "ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V1",
    ]
    assert "Wide_ResNet50_2_Weights.IMAGENET1K_V2" in found and "FCOS_ResNet50_FPN_Weights.COCO_V1" in found
    assert find.find_weights("--/ ", CANDIDATES) == [] and find.find_weights("raft", CANDIDATES) == []


def test_the_explore_search_takes_the_same_spellings():
    names = TABLES["classification"]["Weight"]
    assert sorted(names[analysis.matches_search(names, "ViT-B/16")]) == [
        "ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1",
        "ViT_B_16_Weights.IMAGENET1K_SWAG_LINEAR_V1",
        "ViT_B_16_Weights.IMAGENET1K_V1",
    ]
    assert analysis.matches_search(names, "_").all()  # only separators: matched as typed


@pytest.mark.parametrize("slug", list(TABLES))
def test_no_link_plots_a_metric_against_itself(slug):
    metrics = registry.metric_columns(TABLES[slug])
    for metric in metrics:
        for query in ({"x": metric, "y": metric}, {"x": "Acc@999", "y": metric}, {"x": metric, "y": "nope"}):
            view, notices = EXPLORE.from_query({"category": slug, **query}, TABLES)
            assert view.x != view.y and notices, (slug, query)  # and the fallback is said
            assert view.x in metrics and view.y in metrics


def test_the_issues_link_draws_box_map_against_gflops():
    app = run_app({"category": "object_detection", "x": "Acc@1", "y": "GFLOPS"})
    notice = app.info[0].value.replace("\\", "")
    assert "X axis: Acc@1 is not available here; showing GFLOPS." in notice
    assert "Y axis: GFLOPS is already the X axis; showing Box MAP." in notice
    assert (app.selectbox(key="explore.x").value, app.selectbox(key="explore.y").value) == (
        "GFLOPS",
        "Box MAP",
    )


def test_log_ticks_are_readable_numbers_written_in_full():
    assert charts.log_ticks([0.58, 280.37]) == (
        [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0],
        ["0.5", "1", "2", "5", "10", "20", "50", "100", "200", "500"],
    )
    # Five decades and more: powers of ten only; thousands with a separator.
    assert charts.log_ticks([0.04, 1016.72])[1] == ["0.1", "1", "10", "100", "1,000"]
    assert charts.log_ticks([math.nan, -1.0]) == ([], [])


def test_family_colours_follow_a_fixed_order_that_every_release_shares():
    fixed = snapshot.bundled_families("classification")
    older = sorted(parsed_tables("0.13")["classification"]["Family"].dropna().unique())
    assert set(older) <= set(fixed) and list(fixed) == sorted(fixed)
    colours = charts.family_colors(list(fixed))
    assert len(set(colours.values())) == len(fixed)  # no two families of a category alike


def test_typical_budgets_fit_some_weight_of_every_category():
    for slug, table in TABLES.items():
        cost = registry.CATEGORIES[slug].cost_in(table.columns)
        budget = history.typical_budget(table, cost)
        assert (table[cost] <= budget).any(), slug
        assert f"{budget:g}"[0] in "125", budget  # a readable number
    assert history.typical_budget(TABLES["video_classification"], "GFLOPS") == 100.0  # median 67.8


def test_csv_numbers_at_registry_precision_and_names_for_contents():
    frame = pd.DataFrame(
        {
            "Weight": ["a", "b"],
            "Acc@1": [80.8581, math.nan],
            "Quality per GFLOP": [31.666666666666668, 0.12530727],
            "Acc@1 float": [71.87849, 70.0],
            "Categories": [1000, 1000],
        }
    )
    text = export.csv_bytes(frame).decode()
    assert text.splitlines()[1:] == ["a,80.858,31.67,71.878,1000", "b,,0.1253,70.0,1000"]
    assert number_text(19.7697, "Quality per GFLOP") == "19.77"
    assert number_text(80.8, "Acc@1") == "80.800"
    assert export.file_name("object_detection", ["faster rcnn"]) == "object_detection-faster-rcnn.csv"
    assert export.file_name("classification", []) == "classification.csv"
    assert (
        export.file_name("classification", ["re:^(vit|swin)", "ViT", "GFLOPS up to 5", "pareto"])
        == "classification-re-vit-swin-vit-gflops-up-to-5-pareto.csv"
    )
    assert len(export.file_name("classification", ["x" * 500])) <= 124


def test_many_bad_keys_give_one_notice_listing_them():
    app = run_app({"category": "nonsense", "logx": "maybe", "family": "NotAFamily", "zoom": "3"})
    assert len(app.info) == 1
    notice = app.info[0].value.replace("\\", "")
    assert notice.startswith("4 parts of the view could not be used:")
    assert notice.count("\n- ") == 4 and "zoom" in notice


def test_choosing_the_y_axis_metric_for_x_swaps_the_axes():
    app = run_app({"category": "object_detection"})
    assert (app.selectbox(key="explore.x").value, app.selectbox(key="explore.y").value) == (
        "GFLOPS",
        "Box MAP",
    )
    app.selectbox(key="explore.x").set_value("Box MAP").run()
    assert (app.selectbox(key="explore.x").value, app.selectbox(key="explore.y").value) == (
        "Box MAP",
        "GFLOPS",
    )
    assert not app.info  # a swap, not a fallback to explain
    assert (app.query_params["x"], app.query_params["y"]) == ("Box MAP", "GFLOPS")


def test_a_version_switch_keeps_narrowed_ranges_and_lets_full_ones_follow_the_data():
    app = run_app({"category": "video_classification", "Params (M)": ",32"})
    app.selectbox(key="version").set_value("0.13").run()
    notices = [info.value.replace("\\", "") for info in app.info]
    assert notices == ["X axis: GFLOPS is not available here; showing Params (M)."]
    # 0.13's video weights within 32 M params: MC3-18 (11.7 M) and R(2+1)D-18 (31.5 M), not R3D-18.
    assert app.query_params["Params (M)"] == ",32" and app.query_params["version"] == "0.13"
    assert sorted(point_names(app)) == ["MC3_18_Weights.KINETICS400_V1", "R2Plus1D_18_Weights.KINETICS400_V1"]
    assert "Acc@1" not in app.query_params  # main's full Acc@1 range did not pin 0.13's


def test_a_link_to_a_version_that_cannot_load_keeps_the_page_on_main():
    app = run_app({"version": "0.18", "category": "object_detection"})  # nothing listens: offline
    warning = app.warning[0].value.replace("\\", "")
    assert warning.startswith(
        "Docs 0.18 could not be loaded, so main is still shown. No data for torchvision"
    )
    assert app.selectbox(key="version").value == "main" and "version" not in app.query_params
    assert len(point_names(app)) == 9  # the page works: object detection of main
    labels = app.selectbox(key="version").options
    assert "0.20 · bundled" in labels and any(label.startswith("0.18 · needs network") for label in labels)


def test_history_marks_each_release_before_it_is_chosen():
    app = run_page("history")
    releases = next(m for m in app.multiselect if m.key == "history.releases")
    assert releases.value == ["main", "0.20", "0.15", "0.13"]  # the bundled ones by default
    # The tests run offline (the docs site is a closed port): the app knows it by now.
    assert "0.13 · bundled" in releases.options and "0.18 · needs network (offline now)" in releases.options
