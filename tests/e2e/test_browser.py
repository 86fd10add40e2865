"""What a person sees and does in Chromium: points, hover, axes, downloads, every page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.conftest import real_page
from tests.docs_server import Route
from tests.e2e.conftest import FETCHED_DOCS
from tests.test_parse import ROWS_PER_CATEGORY

pytestmark = pytest.mark.e2e

POINTS = ".js-plotly-plot .scatterlayer .trace path.point"
MAIN_METRIC = {
    "classification": "Acc@1",
    "quantized_classification": "Acc@1",
    "semantic_segmentation": "Mean IoU",
    "object_detection": "Box MAP",
    "instance_segmentation": "Mask MAP",
    "keypoint_detection": "Keypoint MAP",
    "video_classification": "Acc@1",
}
# The object detection table as the page lists it.
OBJECT_DETECTION_WEIGHTS = {
    "FCOS_ResNet50_FPN_Weights.COCO_V1",
    "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1",
    "FasterRCNN_MobileNet_V3_Large_FPN_Weights.COCO_V1",
    "FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1",
    "FasterRCNN_ResNet50_FPN_Weights.COCO_V1",
    "RetinaNet_ResNet50_FPN_V2_Weights.COCO_V1",
    "RetinaNet_ResNet50_FPN_Weights.COCO_V1",
    "SSD300_VGG16_Weights.COCO_V1",
    "SSDLite320_MobileNet_V3_Large_Weights.COCO_V1",
}


def open_explore(page, app_url: str, **query: str) -> None:
    page.goto(app_url + "/?" + "&".join(f"{k}={quote(v)}" for k, v in query.items()))
    page.wait_for_selector(POINTS, timeout=30_000)
    settle(page)


def settle(page) -> None:
    """Wait until Streamlit has finished its run: the app says its script is not running and no
    element is marked stale. No fixed sleep: a read after this that depends on a later change
    waits for that change itself (expect(...), url_with)."""
    page.wait_for_function(
        '() => document.querySelector(\'[data-testid="stApp"][data-test-script-state="notRunning"]\') && '
        "!document.querySelector('[data-stale=\"true\"]') && "
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=30_000,
    )


def current_url(page) -> str:
    # Streamlit rewrites the URL with history.replaceState; Playwright's page.url can lag behind it.
    return page.evaluate("location.href")


def url_with(page, *fragments: str, absent: str = "") -> str:
    """The page's URL once it holds every fragment (and not `absent`): Streamlit writes the URL
    after its run, so it is waited for, never read once."""
    page.wait_for_function(
        "([parts, absent]) => parts.every(p => decodeURIComponent(location.href).includes(p)) && "
        "(!absent || !location.href.includes(absent))",
        arg=[list(fragments), absent],
        timeout=30_000,
    )
    return current_url(page)


def hover_text(page, pick_box, expected: str) -> str:
    """Hover the point `pick_box` chooses among the points' boxes; the tooltip's text (retried until
    it holds `expected`, up to three times).

    Measured again on each try: a rerun (the background refresh landing, say) may redraw the chart
    between measuring and hovering.
    """
    text = ""
    for _ in range(3):
        settle(page)
        points = page.locator(POINTS)
        box = pick_box([points.nth(i).bounding_box() for i in range(points.count())])
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tooltip = page.locator(".hoverlayer .hovertext")
        try:
            tooltip.wait_for(timeout=5_000)
        except Exception:
            page.mouse.move(0, 0)
            continue
        text = tooltip.text_content()
        page.mouse.move(0, 0)
        if expected in text:
            return text
    return text


def expect_points(page, count: int) -> None:
    """The chart holds `count` points: waited for, never read before it is drawn."""
    expect(page.locator(POINTS)).to_have_count(count, timeout=30_000)


def pick(page, label: str, option: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.get_by_role("option", name=option, exact=True).click()


@pytest.mark.parametrize("slug", list(ROWS_PER_CATEGORY["main"]))
def test_every_category_plots_one_point_per_row(page, app_url, slug, screenshots):
    open_explore(page, app_url, category=slug, x="Params (M)", y=MAIN_METRIC[slug])
    expected = ROWS_PER_CATEGORY["main"][slug] - (
        1 if slug == "classification" else 0
    )  # VGG16 features: no Acc@1
    expect_points(page, expected)
    expect(page.locator(".js-plotly-plot .xtitle")).to_have_text("Params (M)")
    # The figure's margins held its axes (Plotly pushed none out, so drew it once), and no wider:
    # the y title sits as near the left edge as when Plotly sized the margin itself (9.7 px).
    given, drawn, title_left = page.evaluate(
        """() => { const chart = document.querySelector('.js-plotly-plot');
            const edge = chart.querySelector('.main-svg').getBoundingClientRect().left;
            const margin = chart.layout.margin, size = chart._fullLayout._size;
            return [[margin.l, margin.b], [size.l, size.b],
                    chart.querySelector('.ytitle').getBoundingClientRect().left - edge]; }"""
    )
    assert drawn == given and 8 <= title_left <= 12
    page.screenshot(path=screenshots / f"explore-{slug}.png")


def test_hover_names_the_weight(page, app_url):
    open_explore(page, app_url, category="object_detection")
    highest = "FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1"  # the highest Box MAP on the page: 46.7
    text = hover_text(page, lambda boxes: min(boxes, key=lambda box: box["y"]), highest)
    assert "FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1" in text
    assert "Family: Faster R-CNN" in text and "Box MAP: 46.7" in text and "GFLOPS: 280.37" in text


def test_changing_the_axes_in_the_ui_redraws_and_updates_the_url(page, app_url):
    open_explore(page, app_url, category="classification")
    pick(page, "X axis", "Params (M)")
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot .xtitle')?.textContent === 'Params (M)'"
    )
    pick(page, "Y axis", "Acc@5 (%)")
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot .ytitle')?.textContent === 'Acc@5 (%)'"
    )
    settle(page)
    url_with(page, "x=Params+(M)", "y=Acc@5")
    expect_points(page, 114)


def test_csv_download_has_the_filtered_rows(page, app_url, tmp_path):
    open_explore(page, app_url, category="object_detection")
    with page.expect_download() as download_info:
        page.get_by_test_id("stDownloadButton").filter(has_text="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "object_detection.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert {row["Weight"] for row in rows} == OBJECT_DETECTION_WEIGHTS
    fcos = next(row for row in rows if row["Weight"] == "FCOS_ResNet50_FPN_Weights.COCO_V1")
    assert (fcos["Box MAP"], fcos["Params (M)"], fcos["GFLOPS"]) == ("39.2", "32.3", "128.21")


def test_search_and_pareto_only_from_the_url(page, app_url):
    open_explore(page, app_url, category="object_detection", pareto="only")
    expect_points(page, 6)
    open_explore(page, app_url, category="classification", q="re:^resnet(18|34)_")
    expect_points(page, 2)


def test_the_background_refresh_reaches_the_sidebar(page, app_url):
    open_explore(page, app_url)
    sidebar = page.get_by_test_id("stSidebar")
    # First the bundled snapshot at once, then the page fetched from the (local) docs site.
    sidebar.get_by_text(FETCHED_DOCS).wait_for(timeout=30_000)


def test_each_page_renders_and_is_captured(page, app_url, screenshots):
    open_explore(page, app_url, category="classification", pareto="frontier", size="Params (M)")
    page.screenshot(path=screenshots / "explore.png")
    for path, heading in (("tables", "Tables"), ("compare", "Compare"), ("about", "About the data")):
        page.goto(f"{app_url}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
        settle(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        page.screenshot(path=screenshots / f"{path}.png", full_page=True)


def wait_for_text(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=30_000)


def download_csv(page, button_text: str) -> tuple[str, list[dict[str, str]]]:
    with page.expect_download() as download_info:
        page.get_by_test_id("stDownloadButton").filter(has_text=button_text).click()
    download = download_info.value
    content = Path(download.path()).read_text(encoding="utf-8")
    return download.suggested_filename, list(csv.DictReader(io.StringIO(content)))


def test_pick_a_model_in_the_browser(page, app_url):
    from tests.test_history_pick_quantization import DATA

    page.goto(f"{app_url}/pick?GFLOPS=5&{quote('Params (M)')}=30")
    table = DATA["main"].tables["classification"]
    fitting = int(((table["GFLOPS"] <= 5) & (table["Params (M)"] <= 30) & table["Acc@1"].notna()).sum())
    wait_for_text(page, f"Top picks of {fitting} that fit")
    settle(page)
    expect(page.get_by_text("EfficientNet_B4_Weights.IMAGENET1K_V1 · Acc@1 83.384")).to_have_count(1)
    name, rows = download_csv(page, "Download as CSV")
    assert name == "classification-picks-params-m-up-to-30-gflops-up-to-5.csv" and len(rows) == fitting
    assert rows[0]["Weight"] == "EfficientNet_B4_Weights.IMAGENET1K_V1"


def test_history_in_the_browser(page, app_url, screenshots):
    page.goto(f"{app_url}/history")
    wait_for_text(page, "Which release lists which weight")
    pick(page, "Category", "Video classification")
    # Every category at once: what changed between these releases.
    wait_for_text(
        page,
        "Classification: 4 added, 0 removed, 0 values changed; "
        "Video classification: 7 added, 0 removed, 6 values changed.",
    )
    settle(page)
    name, rows = download_csv(page, "Download the diff as CSV")
    assert name == "all-categories-0.13-to-main.csv" and len(rows) == 17
    r2plus1d = next(
        r for r in rows if r["Weight"] == "R2Plus1D_18_Weights.KINETICS400_V1" and r["Metric"] == "Acc@1"
    )
    assert (r2plus1d["Category"], r2plus1d["0.13"], r2plus1d["main"]) == (
        "Video classification",
        "57.5",
        "67.463",
    )
    pick(page, "Categories", "Video classification")  # the per-category view, as a filter
    # The whole caption, exactly: the all-categories caption above holds this sentence too, so a
    # substring match passed before the rerun and the old file was downloaded (seen once).
    expect(
        page.get_by_text("Video classification: 7 added, 0 removed, 6 values changed.", exact=True)
    ).to_be_visible(timeout=30_000)
    settle(page)
    name, rows = download_csv(page, "Download the diff as CSV")
    assert name == "video_classification-0.13-to-main.csv" and len(rows) == 13
    page.screenshot(path=screenshots / "history.png", full_page=True)


def test_quantization_in_the_browser(page, app_url, screenshots):
    page.goto(f"{app_url}/quantization")
    page.wait_for_selector(".js-plotly-plot .barlayer .point", timeout=30_000)
    settle(page)
    expect(page.locator(".js-plotly-plot .barlayer .point")).to_have_count(14)
    name, rows = download_csv(page, "Download pairs as CSV")
    assert name == "quantization-pairs.csv" and len(rows) == 14
    mobilenet = next(r for r in rows if r["Quantized weight"].startswith("MobileNet_V2_Quantized"))
    assert (mobilenet["Float weight"], mobilenet["Acc@1 float"], mobilenet["Acc@1 quantized"]) == (
        "MobileNet_V2_Weights.IMAGENET1K_V1",
        "71.878",
        "71.658",
    )
    page.screenshot(path=screenshots / "quantization.png", full_page=True)


def test_switching_the_docs_version_in_the_sidebar(page, app_url):
    open_explore(page, app_url, category="video_classification")
    expect_points(page, 10)
    pick(page, "Docs version", "0.13 · bundled")
    page.wait_for_function(f"() => document.querySelectorAll('{POINTS}').length === 3", timeout=30_000)
    settle(page)
    url_with(page, "version=0.13")
    expect(page.locator(".js-plotly-plot .xtitle")).to_have_text("Params (M)")  # no GFLOPS in 0.13
    # …and the page says so, where it used to change the axis silently.
    page.get_by_text("X axis: GFLOPS is not available here; showing Params (M).").wait_for(timeout=10_000)
    # The only notice: the ranges at main's ends follow 0.13's data rather than pinning main's numbers.
    expect(page.get_by_test_id("stMainBlockContainer").get_by_test_id("stAlert")).to_have_count(1)


def plot_area(page) -> dict:
    return page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()


def top_points_band(page, count: int) -> tuple[float, float]:
    """Screen y from the top of the plot to halfway between the `count`-th and the next point."""
    boxes = sorted(
        (page.locator(POINTS).nth(i).bounding_box() for i in range(page.locator(POINTS).count())),
        key=lambda b: b["y"],
    )
    centre = [b["y"] + b["height"] / 2 for b in boxes]
    assert centre[count] - centre[count - 1] > 10, "the points are too close to select apart"
    return plot_area(page)["y"] + 2, (centre[count - 1] + centre[count]) / 2


def choose_tool(page, title: str) -> None:
    page.locator(".js-plotly-plot").first.hover()
    page.locator(f'.modebar-btn[data-title="{title}"]').click()


# The two highest Box MAP on the page: 46.7 and 41.5.
TOP_TWO_DETECTORS = [
    "FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1",
    "RetinaNet_ResNet50_FPN_V2_Weights.COCO_V1",
]


def selected_table_rows(page) -> list[dict[str, str]]:
    page.get_by_text("Selected (2)").wait_for(timeout=30_000)
    settle(page)
    name, rows = download_csv(page, "Download selection as CSV")
    assert name == "object_detection-selection.csv"
    return rows


def test_box_selection_lists_the_weights_and_downloads_them(page, app_url):
    open_explore(page, app_url, category="object_detection")
    top, bottom = top_points_band(page, 2)
    area = plot_area(page)
    choose_tool(page, "Box Select")
    page.mouse.move(area["x"] + 2, top)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] / 2, (top + bottom) / 2, steps=5)
    page.mouse.move(area["x"] + area["width"] - 2, bottom, steps=5)
    page.mouse.up()
    rows = selected_table_rows(page)
    assert sorted(row["Weight"] for row in rows) == sorted(TOP_TWO_DETECTORS)
    v2 = next(row for row in rows if row["Weight"] == TOP_TWO_DETECTORS[0])
    assert (v2["Box MAP"], v2["Params (M)"], v2["GFLOPS"]) == ("46.7", "43.7", "280.37")
    page.get_by_test_id("stDataFrame").first.wait_for(timeout=30_000)


def test_lasso_selection_lists_the_same_weights(page, app_url):
    open_explore(page, app_url, category="object_detection")
    top, bottom = top_points_band(page, 2)
    area = plot_area(page)
    left, right = area["x"] + 2, area["x"] + area["width"] - 2
    choose_tool(page, "Lasso Select")
    page.mouse.move(left, top)
    page.mouse.down()
    for x, y in ((right, top), (right, bottom), (left, bottom), (left, top + 1)):
        page.mouse.move(x, y, steps=8)
    page.mouse.up()
    assert sorted(row["Weight"] for row in selected_table_rows(page)) == sorted(TOP_TWO_DETECTORS)


def test_refresh_from_docs_clicked_shows_the_new_page(page, tmp_path):
    from tests.e2e.conftest import app_and_docs
    from tests.test_acceptance import ALEXNET, without_row

    with app_and_docs(Route(real_page("main")), tmp_path / "cache") as (url, docs):
        open_explore(page, url, category="classification")
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text(re.compile(r"(live|cached) docs, fetched just now")).wait_for(timeout=30_000)
        expect_points(page, 114)
        docs.serve_page("main", Route(without_row(real_page("main"), ALEXNET)))
        sidebar.get_by_role("button", name="Refresh from docs").click()
        sidebar.get_by_text(f"the docs no longer list {ALEXNET}").wait_for(timeout=30_000)
        page.wait_for_function(f"() => document.querySelectorAll('{POINTS}').length === 113", timeout=30_000)
        assert docs.requests.count("/vision/main/models.html") == 2


def test_compare_in_the_browser_stops_at_six_weights(page, app_url):
    page.goto(f"{app_url}/compare")
    page.get_by_role("heading", name="Compare").first.wait_for(timeout=30_000)
    settle(page)
    picker = page.get_by_test_id("stMultiSelect").first
    for weight in sorted(OBJECT_DETECTION_WEIGHTS)[:6]:
        picker.locator("input").click()  # the input, not the middle: that may be a chip's remove button
        page.keyboard.type(weight)
        page.get_by_role("option", name=f"{weight}  ·  Object detection", exact=True).click()
        page.keyboard.press("Escape")
        settle(page)
    picker.locator("input").click()
    page.get_by_text("You can only select up to 6 options").wait_for(timeout=10_000)
    page.keyboard.press("Escape")
    settle(page)
    chips = picker.locator("[data-tag]").all_text_contents()
    assert len(chips) == 6 and all(any(w in chip for w in OBJECT_DETECTION_WEIGHTS) for chip in chips)
