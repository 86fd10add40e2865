"""Every page through Streamlit's AppTest: widgets, defaults, URL state, downloads."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from tests.test_parse import ROWS_PER_CATEGORY

APP = Path(__file__).parent.parent / "app.py"

# Worked out by hand from the page's object detection table (GFLOPS, Box MAP): these six are
# the ones no other weight beats on both; the other three are each beaten by one of them.
OBJECT_DETECTION_FRONTIER = {
    "SSDLite320_MobileNet_V3_Large_Weights.COCO_V1",
    "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1",
    "FasterRCNN_MobileNet_V3_Large_FPN_Weights.COCO_V1",
    "FCOS_ResNet50_FPN_Weights.COCO_V1",
    "RetinaNet_ResNet50_FPN_V2_Weights.COCO_V1",
    "FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1",
}


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def downloads(monkeypatch):
    """The bytes behind every download button, by file name (Streamlit's real storage, observed)."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def observed(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", observed)
    return files


def run_app(query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params.update(query or {})
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def plotted(app: AppTest) -> list[dict]:
    """Traces of the Explore chart as the browser receives them."""
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    return spec["data"]


def point_names(app: AppTest) -> list[str]:
    return [name for trace in plotted(app) if trace.get("mode") == "markers" for name in trace["customdata"]]


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def selectbox(app: AppTest, key: str):
    return next(box for box in app.selectbox if box.key == key)


def test_explore_defaults():
    app = run_app()
    assert selectbox(app, "explore.category").value == "classification"
    assert selectbox(app, "explore.x").value == "GFLOPS"
    assert selectbox(app, "explore.y").value == "Acc@1"
    assert len(point_names(app)) == ROWS_PER_CATEGORY["main"]["classification"] - 1  # one has no Acc@1
    assert "114 of 115 weights plotted; 1 without" in app.caption[1].value
    assert app.query_params["category"] == "classification" and app.query_params["x"] == "GFLOPS"


@pytest.mark.parametrize("slug", list(ROWS_PER_CATEGORY["main"]))
def test_every_category_from_the_url(slug):
    app = run_app({"category": slug, "x": "Params (M)"})
    assert selectbox(app, "explore.category").value == slug
    assert selectbox(app, "explore.x").value == "Params (M)"
    expected = ROWS_PER_CATEGORY["main"][slug] - (1 if slug == "classification" else 0)
    assert len(point_names(app)) == expected


def test_full_view_restored_from_the_url():
    app = run_app(
        {
            "category": "object_detection",
            "x": "Params (M)",
            "y": "Box MAP",
            "logx": "0",
            "logy": "1",
            "color": "none",
            "size": "GFLOPS",
            "q": "rcnn",
            "family": "Faster R-CNN",
            "pareto": "frontier",
        }
    )
    assert not app.info  # nothing fell back
    layout = json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]
    assert layout["xaxis"]["type"] == "linear" and layout["yaxis"]["type"] == "log"
    assert layout["xaxis"]["title"]["text"] == "Params (M)"
    names = point_names(app)
    assert len(names) == 4 and all(name.startswith("FasterRCNN") for name in names)
    assert [t["name"] for t in plotted(app) if t.get("mode") == "lines"] == ["Pareto frontier"]
    assert app.query_params["q"] == "rcnn" and app.query_params["family"] == "Faster R-CNN"


@pytest.mark.parametrize(
    "query",
    [
        {"category": "nonsense"},
        {"x": "Acc@999"},
        {"logx": "maybe"},
        {"pareto": "<script>"},
        {"family": "NotAFamily"},
        {"size": "%00"},
        {"category": ["classification", "x"]},
        {"q": "x" * 500},
    ],
)
def test_malformed_url_values_fall_back_with_a_notice(query):
    app = run_app(query)
    assert app.info, "a notice says what was ignored"
    assert app.get("plotly_chart")


def test_url_text_in_notices_is_shown_literally_never_as_markdown():
    app = run_app({"category": "[click](javascript:alert(1))"})
    notice = app.info[0].value
    assert "\\[click\\]\\(javascript\\:alert\\(1\\)\\)" in notice


def test_changing_a_widget_updates_the_url():
    app = run_app()
    selectbox(app, "explore.y").set_value("Acc@5").run()
    assert app.query_params["y"] == "Acc@5"
    layout = json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]
    assert layout["yaxis"]["title"]["text"] == "Acc@5 (%)"


def test_a_new_category_gets_its_default_axes():
    app = run_app({"size": "Acc@5"})
    selectbox(app, "explore.category").set_value("keypoint_detection").run()
    assert selectbox(app, "explore.y").value == "Keypoint MAP"
    assert selectbox(app, "explore.x").value == "GFLOPS"
    assert selectbox(app, "explore.size").value == "none"
    assert len(point_names(app)) == 2


def test_search_substring_and_regex():
    app = run_app({"q": "RESNET50"})
    assert sorted(point_names(app)) == sorted(n for n in point_names(run_app()) if "resnet50" in n.lower())
    app = run_app({"q": "re:^ViT_[BL]_16"})
    assert sorted(point_names(app)) == [
        "ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1",
        "ViT_B_16_Weights.IMAGENET1K_SWAG_LINEAR_V1",
        "ViT_B_16_Weights.IMAGENET1K_V1",
        "ViT_L_16_Weights.IMAGENET1K_SWAG_E2E_V1",
        "ViT_L_16_Weights.IMAGENET1K_SWAG_LINEAR_V1",
        "ViT_L_16_Weights.IMAGENET1K_V1",
    ]


def test_an_invalid_regex_is_a_message_not_a_traceback():
    app = run_app({"q": "re:(["})
    assert "is not valid" in app.error[0].value.replace("\\", "")
    assert point_names(app) == []


def test_pareto_only_keeps_the_frontier():
    app = run_app({"category": "object_detection", "pareto": "only"})
    assert set(point_names(app)) == OBJECT_DETECTION_FRONTIER


def test_explore_csv_download_is_the_filtered_rows(downloads):
    run_app({"category": "object_detection", "q": "retinanet"})
    rows = csv_rows(downloads["object_detection.csv"])
    assert [r["Weight"] for r in rows] == [
        "RetinaNet_ResNet50_FPN_V2_Weights.COCO_V1",
        "RetinaNet_ResNet50_FPN_Weights.COCO_V1",
    ]
    assert rows[0]["Box MAP"] == "41.5" and rows[0]["GFLOPS"] == "152.24"


def test_code_snippet_for_the_chosen_weight():
    app = run_app(
        {"category": "quantized_classification", "q": "ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2"}
    )
    assert not app.code  # nothing chosen yet
    selectbox(app, "explore.snippet-weight").set_value("ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2").run()
    assert app.code[0].value == (
        "from torchvision.models.quantization import resnet50, ResNet50_QuantizedWeights\n"
        "model = resnet50(weights=ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2, quantize=True)"
    )


def test_sidebar_says_where_the_data_comes_from():
    app = run_app()
    captions = [c.value for c in app.sidebar.caption]
    assert any("bundled snapshot, captured by" in c.replace("\\", "") for c in captions)
    assert any("0.25.0a0+218d2ab" in c.replace("\\", "") for c in captions)
    assert any(b.label == "Refresh from docs" for b in app.sidebar.button)


def test_tables_page_shows_every_category_and_offers_downloads(downloads):
    app = run_app()
    app.switch_page("app_pages/tables.py").run()
    assert not app.exception
    assert [len(frame.value) for frame in app.dataframe] == list(ROWS_PER_CATEGORY["main"].values())
    assert len(csv_rows(downloads["video_classification.csv"])) == 10
    archive = zipfile.ZipFile(io.BytesIO(downloads["torchvision-weights.zip"]))
    assert sorted(archive.namelist()) == sorted(
        [f"{slug}.csv" for slug in ROWS_PER_CATEGORY["main"]] + ["provenance.json"]
    )
    assert (
        sum(len(csv_rows(archive.read(name))) for name in archive.namelist() if name.endswith(".csv")) == 158
    )


def test_compare_page_highlights_the_best_values():
    app = run_app()
    app.switch_page("app_pages/compare.py").run()
    assert app.info  # asks the user to pick
    app.multiselect[0].set_value(
        [
            ("classification", "ResNet50_Weights.IMAGENET1K_V2"),
            ("classification", "ResNet18_Weights.IMAGENET1K_V1"),
            ("object_detection", "SSD300_VGG16_Weights.COCO_V1"),
        ]
    ).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table.columns) == [
        "ResNet50_Weights.IMAGENET1K_V2",
        "ResNet18_Weights.IMAGENET1K_V1",
        "SSD300_VGG16_Weights.COCO_V1",
    ]
    assert table.loc["Acc@1", "ResNet50_Weights.IMAGENET1K_V2"] == "80.858"
    assert table.loc["Box MAP", "SSD300_VGG16_Weights.COCO_V1"] == "25.1"
    assert table.loc["Box MAP", "ResNet18_Weights.IMAGENET1K_V1"] == "–"
    assert [block.value.splitlines()[0] for block in app.code] == [
        "from torchvision.models import resnet50, ResNet50_Weights",
        "from torchvision.models import resnet18, ResNet18_Weights",
        "from torchvision.models.detection import ssd300_vgg16, SSD300_VGG16_Weights",
    ]


def test_about_page_shows_provenance_and_definitions():
    app = run_app()
    app.switch_page("app_pages/about.py").run()
    assert not app.exception
    provenance = app.dataframe[0].value
    values = dict(zip(provenance["Field"], provenance["Value"], strict=True))
    assert values["sha256 of the page"] == "b100ba23e81a0a889835c60b993ba119c1ed770a90f788e8411bebd761458972"
    assert values["Page version"] == "main (0.25.0a0+218d2ab)"
    assert list(app.dataframe[2].value["Metric"])[:2] == ["Acc@1", "Acc@5"]


def run_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params.update(query or {})
    app.run()
    app.switch_page(f"app_pages/{page}.py")
    app.query_params.update(query or {})
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_version_from_the_url_switches_the_data():
    app = run_app({"version": "0.13", "category": "video_classification"})
    assert app.sidebar.selectbox[0].value == "0.13"
    assert len(point_names(app)) == 3  # 0.13 lists three video weights
    assert selectbox(app, "explore.x").value == "Params (M)"  # 0.13 has no GFLOPS
    assert "GFLOPS" not in selectbox(app, "explore.x").options
    assert app.query_params["version"] == "0.13"


def test_an_unknown_version_falls_back_to_main_with_a_notice():
    app = run_app({"version": "9.99"})
    assert app.sidebar.selectbox[0].value == "main"
    assert "is not a docs version" in app.sidebar.info[0].value.replace("\\", "")


def test_derived_metrics_are_offered_as_axes():
    app = run_app({"category": "object_detection", "y": "Quality per GFLOP"})
    assert selectbox(app, "explore.y").value == "Quality per GFLOP"
    assert not app.info


def test_pick_page_from_the_url(downloads):
    app = run_page("pick", {"category": "classification", "GFLOPS": "5", "Params (M)": "30"})
    assert app.number_input(key="pick.bound.GFLOPS").value == 5
    assert app.markdown[0].value.startswith("**EfficientNet\\_B4\\_Weights\\.IMAGENET1K\\_V1**")
    assert app.code[0].value == (
        "from torchvision.models import efficientnet_b4, EfficientNet_B4_Weights\n"
        "model = efficientnet_b4(weights=EfficientNet_B4_Weights.IMAGENET1K_V1)"
    )
    rows = csv_rows(downloads["classification-picks.csv"])
    assert all(float(r["GFLOPS"]) <= 5 and float(r["Params (M)"]) <= 30 for r in rows)
    assert app.query_params["GFLOPS"] == "5"


def test_pick_page_when_nothing_fits():
    app = run_page("pick", {"category": "classification", "GFLOPS": "0.1", "Acc@1": "80"})
    assert "The binding constraint: GFLOPS ≤ 0" in app.warning[0].value.replace("\\", "")
    assert len(app.dataframe[0].value) == 5


def test_history_page_shows_changes_across_the_bundled_releases(downloads):
    app = run_page("history")
    next(box for box in app.selectbox if box.key == "history.category").set_value(
        "video_classification"
    ).run()
    assert not app.exception
    matrix, changed, best, diff = (frame.value for frame in app.dataframe)
    assert len(matrix) == 10 and list(matrix.columns)[1:] == ["0.13", "0.15", "0.20", "main"]
    assert set(changed["Weight"]) == {
        "MC3_18_Weights.KINETICS400_V1",
        "R2Plus1D_18_Weights.KINETICS400_V1",
        "R3D_18_Weights.KINETICS400_V1",
    }
    assert best["Version"].tolist() == ["0.13", "0.15", "0.20", "main"]
    assert len(diff) == 7 + 6  # 0.13 → main: 7 weights added, 6 values changed
    assert len(csv_rows(downloads["video_classification-0.13-to-main.csv"])) == 13


def test_history_lists_a_release_that_fails_and_shows_the_rest():
    app = run_page("history")
    next(m for m in app.multiselect if m.key == "history.releases").set_value(["main", "0.15", "0.18"]).run()
    assert not app.exception
    assert any(
        w.value.replace("\\", "").startswith("0.18: No data for torchvision docs 0.18") for w in app.warning
    )
    assert list(app.dataframe[0].value.columns)[1:] == ["0.15", "main"]


def test_quantization_page_pairs_every_weight(downloads):
    app = run_page("quantization")
    assert app.metric[0].value == "14"
    rows = csv_rows(downloads["quantization-pairs.csv"])
    assert len(rows) == 14
    resnet = next(
        r for r in rows if r["Quantized weight"] == "ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2"
    )
    assert (resnet["Acc@1 float"], resnet["Acc@1 quantized"], resnet["Δ Acc@1"]) == (
        "80.858",
        "80.282",
        "-0.576",
    )
