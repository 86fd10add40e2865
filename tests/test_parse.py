"""The parser and normaliser on the four real docs pages, and on real pages changed the way sites change."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

import pytest

from tests.conftest import VERSIONS, real_page
from torchvision_stats import registry
from torchvision_stats.data.dataset import InvalidPage, WeightTables, weight_tables_from_html

# Counted on the pages themselves (weight links per table), not by this code.
ROWS_PER_CATEGORY = {
    "main": {
        "classification": 115,
        "quantized_classification": 14,
        "semantic_segmentation": 6,
        "object_detection": 9,
        "instance_segmentation": 2,
        "keypoint_detection": 2,
        "video_classification": 10,
    },
    "0.13": {
        "classification": 111,
        "quantized_classification": 14,
        "semantic_segmentation": 6,
        "object_detection": 9,
        "instance_segmentation": 2,
        "keypoint_detection": 2,
        "video_classification": 3,
    },
}
ROWS_PER_CATEGORY["0.20"] = ROWS_PER_CATEGORY["0.15"] = ROWS_PER_CATEGORY["main"]

# Rows as the pages print them (weight, category, {label: value}); copied from the HTML by hand.
SAMPLE_ROWS_MAIN = [
    (
        "ResNet50_Weights.IMAGENET1K_V2",
        "classification",
        {
            "Acc@1": 80.858,
            "Acc@5": 95.434,
            "Params (M)": 25.6,
            "GFLOPS": 4.09,
            "Model": "resnet50",
            "Family": "ResNet",
            "Module": "torchvision.models",
        },
    ),
    (
        "ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1",
        "classification",
        {"Acc@1": 88.552, "Acc@5": 98.694, "Params (M)": 633.5, "GFLOPS": 1016.72, "Family": "ViT"},
    ),
    (
        "ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2",
        "quantized_classification",
        {
            "Acc@1": 80.282,
            "Acc@5": 94.976,
            "Params (M)": 25.6,
            "GIPS": 4.09,
            "Model": "resnet50",
            "Module": "torchvision.models.quantization",
        },
    ),
    (
        "DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1",
        "semantic_segmentation",
        {
            "Mean IoU": 66.4,
            "pixelwise Acc": 92.4,
            "Params (M)": 42.0,
            "GFLOPS": 178.72,
            "Family": "DeepLabV3",
            "Module": "torchvision.models.segmentation",
        },
    ),
    (
        "FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1",
        "object_detection",
        {
            "Box MAP": 46.7,
            "Params (M)": 43.7,
            "GFLOPS": 280.37,
            "Family": "Faster R-CNN",
            "Model": "fasterrcnn_resnet50_fpn_v2",
            "Module": "torchvision.models.detection",
        },
    ),
    (
        "MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1",
        "instance_segmentation",
        {"Box MAP": 47.4, "Mask MAP": 41.8, "Params (M)": 46.4, "GFLOPS": 333.58, "Family": "Mask R-CNN"},
    ),
    (
        "KeypointRCNN_ResNet50_FPN_Weights.COCO_V1",
        "keypoint_detection",
        {"Box MAP": 54.6, "Keypoint MAP": 65.0, "Params (M)": 59.1, "GFLOPS": 137.42},
    ),
    (
        "R2Plus1D_18_Weights.KINETICS400_V1",
        "video_classification",
        {
            "Acc@1": 67.463,
            "Acc@5": 86.175,
            "Params (M)": 31.5,
            "GFLOPS": 40.52,
            "Family": "R(2+1)D",
            "Module": "torchvision.models.video",
        },
    ),
    (
        "MViT_V2_S_Weights.KINETICS400_V1",
        "video_classification",
        {"Acc@1": 80.757, "Acc@5": 94.665, "Params (M)": 34.5, "GFLOPS": 64.22, "Family": "MViT V2"},
    ),
]


def load(html: bytes | str, url: str = "https://docs.pytorch.org/vision/main/models.html") -> WeightTables:
    return weight_tables_from_html(html, url=url, fetched_at=datetime.now(UTC), sha256="0" * 64)


def row(data: WeightTables, category: str, weight: str):
    table = data.tables[category]
    matches = table[table["Weight"] == weight]
    assert len(matches) == 1, f"{weight} found {len(matches)} times in {category}"
    return matches.iloc[0]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_category_and_every_row_of_each_real_page(version):
    data = load(real_page(version))
    assert data.missing_categories == []
    assert data.problems == []
    assert {slug: len(table) for slug, table in data.tables.items()} == ROWS_PER_CATEGORY[version]
    assert list(data.tables) == list(registry.CATEGORIES)
    for table in data.tables.values():
        assert table["Weight"].is_unique
        assert table["Weight"].notna().all() and table["Model"].notna().all()
        assert table["Family"].notna().all() and table["Docs"].notna().all()


def test_total_rows_match_the_pages():
    assert load(real_page("main")).row_count == 158
    assert load(real_page("0.13")).row_count == 147


@pytest.mark.parametrize(
    ("weight", "category", "expected"), SAMPLE_ROWS_MAIN, ids=[r[0] for r in SAMPLE_ROWS_MAIN]
)
def test_sample_rows_of_main_have_the_page_values(weight, category, expected):
    found = row(load(real_page("main")), category, weight)
    for label, value in expected.items():
        assert found[label] == value, label


def test_columns_follow_the_registry_labels_and_types():
    data = load(real_page("main"))
    table = data.tables["classification"]
    assert list(table.columns) == [
        "Weight",
        "Model",
        "Family",
        "Module",
        "Acc@1",
        "Acc@5",
        "Params (M)",
        "GFLOPS",
        "Recipe",
        "Docs",
    ]
    assert list(data.tables["quantized_classification"].columns)[4:8] == [
        "Acc@1",
        "Acc@5",
        "Params (M)",
        "GIPS",
    ]
    for label in ("Acc@1", "Acc@5", "Params (M)", "GFLOPS"):
        assert table[label].dtype == "float64"


def test_links_are_absolute_docs_and_recipe_urls():
    resnet = row(load(real_page("main")), "classification", "ResNet50_Weights.IMAGENET1K_V2")
    assert resnet["Docs"] == (
        "https://docs.pytorch.org/vision/main/models/generated/torchvision.models.resnet50.html"
        "#torchvision.models.ResNet50_Weights"
    )
    assert resnet["Recipe"] == "https://github.com/pytorch/vision/issues/3995#issuecomment-1013906621"


def test_the_real_nan_row_is_kept_with_missing_accuracies():
    features = row(load(real_page("main")), "classification", "VGG16_Weights.IMAGENET1K_FEATURES")
    assert math.isnan(features["Acc@1"]) and math.isnan(features["Acc@5"])
    assert features["Params (M)"] == 138.4 and features["GFLOPS"] == 15.47


def test_release_013_has_no_gflops_or_gips_columns_and_older_numbers():
    data = load(real_page("0.13"), "https://docs.pytorch.org/vision/0.13/models.html")
    for table in data.tables.values():
        assert "GFLOPS" not in table.columns and "GIPS" not in table.columns
    r2plus1d = row(data, "video_classification", "R2Plus1D_18_Weights.KINETICS400_V1")
    assert (r2plus1d["Acc@1"], r2plus1d["Acc@5"]) == (57.5, 78.81)
    assert data.provenance.page_version == "main (0.13.1a0+5a9ee49 )"


def test_page_version_strings():
    assert load(real_page("main")).provenance.page_version == "main (0.25.0a0+218d2ab)"
    assert load(real_page("0.20")).provenance.page_version == "0.20"


def test_tables_wrapped_in_new_theme_markup_without_classes_still_parse():
    html = real_page("main").decode()
    html = re.sub(
        r'<table class="[^"]*">', '<div class="pst-scrollable-table-container"><table class="table">', html
    )
    html = html.replace("</table>", "</table></div>")
    html = html.replace("<thead>", "").replace("</thead>", "")
    data = load(html)
    assert data.row_count == 158 and data.missing_categories == []


def test_header_written_as_plain_first_row_still_parses():
    html = real_page("main").decode()
    html = re.sub(r'<th class="head">(.*?)</th>', r"<td>\1</td>", html)
    assert load(html).row_count == 158


def test_a_removed_table_is_reported_missing_and_the_rest_still_parse():
    html = real_page("main").decode()
    start = html.index('<section id="table-of-all-available-keypoint-detection-weights">')
    end = html.index("</section>", start)
    data = load(html[:start] + html[end:])
    assert data.missing_categories == ["keypoint_detection"]
    assert data.row_count == 158 - 2


def test_an_unreadable_cell_becomes_nan_is_reported_and_the_row_is_kept():
    html = real_page("main").decode().replace("<td><p>80.858</p></td>", "<td><p>eighty</p></td>", 1)
    data = load(html)
    resnet = row(data, "classification", "ResNet50_Weights.IMAGENET1K_V2")
    assert math.isnan(resnet["Acc@1"]) and resnet["Acc@5"] == 95.434
    assert data.row_count == 158
    assert any("'eighty' is not a number" in problem for problem in data.problems)


def test_an_unknown_column_is_reported_and_ignored():
    html = real_page("main").decode().replace("<strong>Recipe</strong>", "<strong>License</strong>", 1)
    data = load(html)
    assert "Recipe" in data.tables["classification"].columns
    assert data.tables["classification"]["Recipe"].isna().all()
    assert any("'License' is not known" in problem for problem in data.problems)


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"   ",
        b"<html><body><p>Maintenance</p></body></html>",
        real_page("main").replace(b"table-weights", b"x").replace(b"<strong>Weight</strong>", b"Name"),
    ],
)
def test_pages_without_weight_tables_are_invalid(html):
    with pytest.raises(InvalidPage):
        load(html)


def test_scraped_markup_is_kept_as_text_never_as_html():
    html = (
        real_page("main")
        .decode()
        .replace(
            '<span class="pre">AlexNet_Weights.IMAGENET1K_V1</span>',
            '<span class="pre">AlexNet_Weights.&lt;img src=x onerror=alert(1)&gt;</span>',
            1,
        )
    )
    names = load(html).tables["classification"]["Weight"]
    assert "AlexNet_Weights.<img src=x onerror=alert(1)>" in set(names)
