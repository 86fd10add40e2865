"""History across the four real pages, quantization pairs, picking under a budget, derived metrics,
versions — all on the real pages."""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime

import pytest

from tests.conftest import VERSIONS, real_page
from tests.docs_server import Route
from torchvision_stats import registry
from torchvision_stats.data import derived, versions
from torchvision_stats.data.dataset import weight_tables_from_html
from torchvision_stats.data.snapshot import load_snapshot, snapshot_versions
from torchvision_stats.questions import history, pick, quantization
from torchvision_stats.questions.limits import Limit
from torchvision_stats.views.pick import PICK, PickView

DATA = {
    version: derived.add_derived_metrics(
        weight_tables_from_html(
            real_page(version),
            url=f"https://docs.pytorch.org/vision/{version}/models.html",
            fetched_at=datetime.now(UTC),
            sha256="",
        )
    )
    for version in VERSIONS
}
# The fixture pages' README: 0.13 → 0.15 adds 11 weights (MaxViT, Swin V2, MViT, S3D, Swin3D).
ADDED_IN_015 = {
    "MaxVit_T_Weights.IMAGENET1K_V1",
    "Swin_V2_T_Weights.IMAGENET1K_V1",
    "Swin_V2_S_Weights.IMAGENET1K_V1",
    "Swin_V2_B_Weights.IMAGENET1K_V1",
    "MViT_V1_B_Weights.KINETICS400_V1",
    "MViT_V2_S_Weights.KINETICS400_V1",
    "S3D_Weights.KINETICS400_V1",
    "Swin3D_T_Weights.KINETICS400_V1",
    "Swin3D_S_Weights.KINETICS400_V1",
    "Swin3D_B_Weights.KINETICS400_V1",
    "Swin3D_B_Weights.KINETICS400_IMAGENET22K_V1",
}


def tables_of(slug: str) -> dict:
    return {version: DATA[version].tables[slug] for version in VERSIONS}


# sha256 of the pages as published on the gh-pages branch of pytorch/vision, when they were copied.
PUBLISHED_SHA256 = {
    "main": "b100ba23e81a0a889835c60b993ba119c1ed770a90f788e8411bebd761458972",
    "0.20": "dc9f95816243935493483344e26662c24f55845985e0f77aae32130afacb01b7",
    "0.15": "b10ef2c273d66c2e9d00d95d1bf490002252f8d79e1ff55d10568d452f8e61b4",
    "0.13": "aab472973de2317fbfdaada953509160c84c1c903d43b82a9fd03ff67e3067f1",
}


def test_bundled_snapshots_are_the_real_pages():
    assert set(snapshot_versions()) == set(VERSIONS)
    for version in VERSIONS:
        bundled = load_snapshot(version)
        assert bundled.provenance.sha256 == PUBLISHED_SHA256[version]
        assert hashlib.sha256(real_page(version)).hexdigest() == PUBLISHED_SHA256[version]
        assert bundled.row_count == DATA[version].row_count


def test_diff_013_to_015_adds_the_eleven_weights_and_removes_none():
    added, removed = set(), set()
    for slug in registry.CATEGORIES:
        diff = history.diff_releases(DATA["0.13"].tables[slug], DATA["0.15"].tables[slug], "0.13", "0.15")
        added |= set(diff.loc[diff["Change"] == "added", "Weight"])
        removed |= set(diff.loc[diff["Change"] == "removed", "Weight"])
    assert added == ADDED_IN_015 and removed == set()


def test_later_releases_change_nothing_in_the_tables():
    for slug in registry.CATEGORIES:
        for old, new in (("0.15", "0.20"), ("0.20", "main")):
            assert history.diff_releases(DATA[old].tables[slug], DATA[new].tables[slug], old, new).empty


def test_changed_video_numbers_read_off_the_pages():
    changed = history.changed_values(tables_of("video_classification"))
    r2plus1d = changed[
        (changed["Weight"] == "R2Plus1D_18_Weights.KINETICS400_V1") & (changed["Metric"] == "Acc@1")
    ]
    assert r2plus1d[["From", "To", "Old", "New"]].values.tolist() == [["0.13", "0.15", 57.5, 67.463]]
    assert set(changed["Weight"]) == {
        "MC3_18_Weights.KINETICS400_V1",
        "R2Plus1D_18_Weights.KINETICS400_V1",
        "R3D_18_Weights.KINETICS400_V1",
    }


def test_presence_matrix_orders_by_first_release():
    matrix = history.presence_matrix(tables_of("video_classification"))
    assert list(matrix.columns) == ["First listed in", "0.13", "0.15", "0.20", "main"]
    assert matrix.loc["S3D_Weights.KINETICS400_V1"].tolist() == ["0.15", False, True, True, True]
    assert list(matrix["First listed in"]).index("0.15") == 3  # the three 0.13 weights come first


def test_best_under_budget_moves_when_a_better_weight_appears():
    best = history.best_under_budget(tables_of("video_classification"), "Acc@1", Limit("Params (M)", high=40))
    assert (
        best["Best weight"].tolist()
        == ["R2Plus1D_18_Weights.KINETICS400_V1"] + ["MViT_V2_S_Weights.KINETICS400_V1"] * 3
    )
    assert best["Acc@1"].tolist() == [57.5, 80.757, 80.757, 80.757]
    gflops = history.best_under_budget(tables_of("video_classification"), "Acc@1", Limit("GFLOPS", high=100))
    assert math.isnan(gflops.loc[0, "Acc@1"]) and gflops.loc[0, "Note"] == "0.13 has no GFLOPS column"


def test_budget_metrics_are_the_costs_a_release_reports_with_the_category_cost_first():
    quantized = registry.CATEGORIES["quantized_classification"]
    assert history.budget_metrics(quantized, tables_of("quantized_classification")) == ["GIPS", "Params (M)"]
    video = registry.CATEGORIES["video_classification"]
    assert history.budget_metrics(video, tables_of("video_classification")) == ["GFLOPS", "Params (M)"]
    only_013 = {"0.13": DATA["0.13"].tables["video_classification"]}  # 0.13 lists no GFLOPS
    assert history.budget_metrics(video, only_013) == ["Params (M)"]


def test_every_quantized_weight_pairs_with_its_float_model():
    tables = DATA["main"].tables
    pairs, unpaired = quantization.pair_with_float(
        tables["quantized_classification"], tables["classification"]
    )
    assert len(pairs) == 14 and unpaired.empty
    resnet = pairs[pairs["Quantized weight"] == "ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2"].iloc[0]
    assert resnet["Float weight"] == "ResNet50_Weights.IMAGENET1K_V2"
    assert (resnet["Acc@1 float"], resnet["Acc@1 quantized"], resnet["Δ Acc@1"]) == (80.858, 80.282, -0.576)
    assert resnet["GFLOPS float"] == 4.09 and resnet["GIPS quantized"] == 4.09
    assert quantization.same_operation_counts(pairs)
    changed = pairs.assign(**{"GIPS quantized": pairs["GIPS quantized"] + 0.01})
    assert not quantization.same_operation_counts(changed)
    assert not quantization.same_operation_counts(pairs.drop(columns="GFLOPS float"))


def test_a_quantized_weight_without_float_model_is_listed_not_dropped():
    tables = DATA["main"].tables
    floats = tables["classification"][tables["classification"]["Family"] != "GoogLeNet"]
    pairs, unpaired = quantization.pair_with_float(tables["quantized_classification"], floats)
    assert len(pairs) == 13
    assert unpaired["Weight"].tolist() == ["GoogLeNet_QuantizedWeights.IMAGENET1K_FBGEMM_V1"]


@pytest.mark.parametrize(
    ("quantized", "float_weight"),
    [
        (
            "MobileNet_V3_Large_QuantizedWeights.IMAGENET1K_QNNPACK_V1",
            "MobileNet_V3_Large_Weights.IMAGENET1K_V1",
        ),
        ("ResNeXt101_32X8D_QuantizedWeights.IMAGENET1K_FBGEMM_V2", "ResNeXt101_32X8D_Weights.IMAGENET1K_V2"),
        ("ResNet50_Weights.IMAGENET1K_V2", None),
    ],
)
def test_pairing_rule(quantized, float_weight):
    assert quantization.float_counterpart(quantized) == float_weight


def test_derived_metrics_are_ratios_of_real_values():
    table = DATA["main"].tables["object_detection"]
    fcos = table[table["Weight"] == "FCOS_ResNet50_FPN_Weights.COCO_V1"].iloc[0]
    assert fcos["Quality per GFLOP"] == pytest.approx(39.2 / 128.21)
    assert fcos["Quality per M params"] == pytest.approx(39.2 / 32.3)
    assert "Quality per GFLOP" not in DATA["0.13"].tables["object_detection"].columns  # no GFLOPS in 0.13
    assert "Quality per GFLOP" not in DATA["main"].tables["quantized_classification"].columns


CLASSIFICATION = registry.CATEGORIES["classification"]


def test_pick_ranks_what_fits_by_the_main_metric():
    table = DATA["main"].tables["classification"]
    result = pick.pick_weights(
        table, CLASSIFICATION, [Limit.bound("GFLOPS", 5), Limit.bound("Params (M)", 30)]
    )
    assert (result.ranked["GFLOPS"] <= 5).all() and (result.ranked["Params (M)"] <= 30).all()
    assert result.ranked["Acc@1"].is_monotonic_decreasing
    outside = table[(table["GFLOPS"] > 5) | (table["Params (M)"] > 30) | table["Acc@1"].isna()]
    assert len(result.ranked) + len(outside) == len(table)
    top = result.ranked.iloc[0]
    assert top["Weight"] == "EfficientNet_B4_Weights.IMAGENET1K_V1" and top["Pareto-optimal"]
    assert result.reasons[0].startswith(
        "+0.864 Acc@1 over the next best (ConvNeXt_Tiny_Weights.IMAGENET1K_V1)"
    )


def test_pick_families_and_minimums():
    table = DATA["main"].tables["classification"]
    result = pick.pick_weights(
        table, CLASSIFICATION, [Limit.bound("Acc@1", 80)], include=("ResNet", "ViT"), exclude=("ViT",)
    )
    assert set(result.ranked["Family"]) == {"ResNet"} and (result.ranked["Acc@1"] >= 80).all()


def test_nothing_fits_names_the_binding_constraint_and_the_closest_weights():
    table = DATA["main"].tables["classification"]
    result = pick.pick_weights(table, CLASSIFICATION, [Limit.bound("GFLOPS", 0.1), Limit.bound("Acc@1", 80)])
    assert result.ranked.empty
    at_least_80 = int((table["Acc@1"] >= 80).sum())  # what fits without the GFLOPS limit
    assert at_least_80 > int(((table["GFLOPS"] <= 0.1) & table["Acc@1"].notna()).sum())
    # A limit says itself one way everywhere (Explore's ranges, file names, Pick): "up to", "from".
    assert result.binding == f"GFLOPS up to 0.1 (without it, {at_least_80} weights would fit)"
    assert len(result.closest) == pick.CLOSEST
    assert all("Acc@1 from 80" in miss or "GFLOPS up to 0.1" in miss for miss in result.closest["Misses"])


def test_pick_view_round_trips_and_rejects_bad_numbers():
    view = PickView(
        "object_detection", (Limit.bound("Box MAP", 30.0), Limit.bound("GFLOPS", 10.0)), ("Faster R-CNN",), ()
    )
    assert PICK.from_query(PICK.to_query(view), DATA["main"].tables) == (
        view,
        [],
    )
    parsed, notices = PICK.from_query({"GFLOPS": "lots", "Acc@1": "nan"}, DATA["main"].tables)
    assert parsed.bounds == () and len(notices) == 2


VERSIONS_PAGE = b"""<html><body><h1>torchvision documentation</h1><ul>
<li><a href="main/">main (unstable)</a></li><li><a href="0.24/">v0.24.0 (stable release)</a></li>
<li><a href="0.20/">v0.20.1</a></li><li><a href="0.13/">v0.13.1</a></li><li><a href="0.12/">v0.12.0</a></li>
<li><a href="https://pytorch.org/docs/versions.html">PyTorch</a></li></ul></body></html>"""


def test_versions_page_lists_releases_with_weight_tables_newest_first():
    assert versions.parse_versions_page(VERSIONS_PAGE) == ["main", "0.24", "0.20", "0.13"]
    assert (
        versions.parse_versions_page(b"<html><a href='master/'>master</a><a href='0.8/'>v0.8</a></html>")
        == []
    )


def test_version_list_from_the_site_is_cached_and_merged_with_the_snapshots(docs_server):
    docs_server.routes["/vision/versions.html"] = Route(VERSIONS_PAGE)
    listed, stale = versions.known_versions()
    assert stale and listed == ["main", "stable", *[f"0.{m}" for m in range(24, 12, -1)]]
    assert versions.refresh_version_list() is None
    listed, stale = versions.known_versions()
    assert not stale and listed == ["main", "0.24", "0.20", "0.15", "0.13"]  # 0.15: bundled


def test_an_unreachable_versions_page_keeps_the_built_in_list():
    failure = versions.refresh_version_list()
    assert failure and failure[0].startswith("Could not read the list of docs versions")
    assert versions.known_versions()[0][0] == "main"
