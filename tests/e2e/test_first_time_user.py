"""A first-time user's tasks in Chromium, without a trap: each friction of issue 13, as seen on screen.

Expected values come from the real page (read by the parser, counted here with pandas) or are
written out by hand; none is computed by the code under test.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.conftest import parsed_tables, real_page
from tests.docs_server import Route
from tests.e2e.conftest import app_and_docs, start_app
from tests.e2e.test_browser import (
    POINTS,
    download_csv,
    expect_points,
    open_explore,
    pick,
    settle,
    url_with,
)

pytestmark = pytest.mark.e2e


def goto(page, url: str) -> None:
    page.goto(url)
    page.get_by_test_id("stMainBlockContainer").wait_for(timeout=30_000)
    page.get_by_role("heading").first.wait_for(timeout=30_000)
    settle(page)


def chips(page) -> list[str]:
    """The weights Compare holds, as its picker's chips name them."""
    texts = page.get_by_test_id("stMultiSelect").first.locator("[data-tag]").all_text_contents()
    return [text.split("·")[0].strip() for text in texts]


def test_compare_adds_the_weight_typed_in_any_spelling_one_per_enter(page, app_url):
    goto(page, f"{app_url}/compare")
    box = page.get_by_role("textbox", name="Add a weight by name")
    expected: list[str] = []
    for spelling, weight in (
        ("ResNet-50", "ResNet50_Weights.IMAGENET1K_V2"),  # the newest recipe of the builder named
        ("ConvNeXt-Tiny", "ConvNeXt_Tiny_Weights.IMAGENET1K_V1"),
        ("ViT-B/16", "ViT_B_16_Weights.IMAGENET1K_V1"),  # the plain recipe before the SWAG ones
        ("fasterrcnn_resnet50_fpn", "FasterRCNN_ResNet50_FPN_Weights.COCO_V1"),  # a builder name
    ):
        box.fill(spelling)
        box.press("Enter")
        expected.append(weight)
        page.get_by_text(f"Added {weight}.").wait_for(timeout=10_000)
        settle(page)
        assert chips(page) == expected, spelling
    box.fill("convnext tiny")  # the same weight, spelled otherwise: found, and not added twice
    box.press("Enter")
    page.get_by_text("Every weight matching “convnext tiny” is already compared.").wait_for(timeout=10_000)
    assert chips(page) == expected

    # Numbers in each metric's format: Acc@1 to 3 decimals, a ratio to 4 significant digits.
    def all_four_drawn(rows: list[list[str]]) -> bool:
        by_label = {row[0]: row[1:] for row in rows if row}
        return "Acc@1" in by_label and len(by_label.get("Box MAP", [])) == 4

    rows = grid(page, 0, all_four_drawn)
    cells = {row[0]: row[1:] for row in rows if row}
    assert cells["Acc@1"][0] == "80.858" and cells["GFLOPS"][0] == "4.09"
    assert cells["Box MAP"] == ["–", "–", "–", "37.0"]  # a metric a category lacks: –, as elsewhere
    # Enter adds the best match not yet compared; the other matches are offered, one click each.
    box.fill("resnet50")
    box.press("Enter")
    page.get_by_text("Added ResNet50_Weights.IMAGENET1K_V1.").wait_for(timeout=10_000)
    settle(page)
    assert len(chips(page)) == 5
    offers = page.get_by_test_id("stButtonGroup")
    offers.get_by_text("ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2", exact=True).click()
    page.get_by_text("Added ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2.").wait_for(timeout=10_000)
    settle(page)
    assert chips(page)[-1] == "ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2" and len(chips(page)) == 6
    offers.get_by_text("ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V1", exact=True).click()  # a seventh
    refused = "At most 6 weights are compared at once; remove one to add ResNet50_QuantizedWeights."
    page.get_by_text(refused + "IMAGENET1K_FBGEMM_V1.").wait_for(timeout=10_000)
    assert len(chips(page)) == 6
    # Streamlit's own picker: Enter on a typed name adds one weight, never "Select N matches".
    picker = page.get_by_test_id("stMultiSelect").first
    picker.locator("[data-tag]").first.get_by_role("button").click()  # remove one: room for one
    settle(page)
    picker.locator("input").click()
    page.keyboard.type("mobilenet")
    expect(page.get_by_role("option").filter(has_text="matches")).to_have_count(0)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page)
    assert len(chips(page)) == 6 and "MobileNet" in chips(page)[-1]


def range_end(page, title: str, end: str):
    """The start or end thumb of a range control (its hidden range input, as a keyboard reaches it)."""
    return page.get_by_test_id("stSlider").filter(has_text=title).locator(f'input[aria-label$="— {end}"]')


def move_to(thumb, key: str, value_text: str, presses: int = 80) -> None:
    """Press `key` on a thumb until it reads `value_text`."""
    thumb.focus()
    for _ in range(presses):
        if thumb.get_attribute("aria-valuetext") == value_text:
            return
        thumb.press(key)
    raise AssertionError(f"the thumb never read {value_text}: {thumb.get_attribute('aria-valuetext')}")


def test_at_most_5_gflops_is_set_through_the_ui_and_plots_the_right_count(page, app_url):
    classification = parsed_tables("main")["classification"]
    within = classification[(classification["GFLOPS"] <= 5) & classification["Acc@1"].notna()]
    open_explore(page, app_url)
    page.get_by_text("Metric ranges").click()
    gflops_end = range_end(page, "GFLOPS (log scale)", "end")
    assert gflops_end.get_attribute("aria-valuetext") == "1016.72"  # the data's own highest
    move_to(gflops_end, "ArrowLeft", "5")
    page.keyboard.press("Tab")  # leave the control: the value is sent
    page.wait_for_function(f"() => document.querySelectorAll('{POINTS}').length === {len(within)}")
    settle(page)
    assert len(within) == 51
    expect_points(page, len(within))
    expect(page.get_by_text(f"{len(within)} of 115 weights plotted")).to_have_count(1)
    url_with(page, "GFLOPS=,5")
    # The narrowest top Acc@1 range holds the best weight (88.552), which needs far more than 5
    # GFLOPS: the chart's place says which filters leave nothing.
    acc1_start = range_end(page, "Acc@1 (%)", "start")
    acc1_start.focus()
    acc1_start.press("End")
    page.keyboard.press("Tab")
    message = "Together, Acc@1 from 88.552 and GFLOPS up to 5 leave no weight; widen or clear one of them."
    page.get_by_text(message).wait_for(timeout=15_000)
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    # A link holds the view: opened afresh, it sets the controls and draws the best weight alone.
    open_explore(page, app_url, **{"Acc@1": "88.552,"})
    expect_points(page, 1)


def grid(page, index: int, drawn: Callable[[list[list[str]]], bool]) -> list[list[str]]:
    """The cells of the `index`th table on the page, as text (its accessible copy of the grid),
    once `drawn` says they hold what the test waits for: the grid fills its copy row by row after
    it appears, so a read at first sight can find rows without cells (seen under load)."""
    table = page.get_by_test_id("stDataFrame").nth(index)
    table.locator('[role="row"]').first.wait_for(state="attached", timeout=30_000)
    deadline = time.monotonic() + 15
    while True:
        rows = [
            row.locator('[role="gridcell"], [role="columnheader"]').all_text_contents()
            for row in table.locator('[role="row"]').all()
        ]
        if drawn(rows) or time.monotonic() > deadline:
            return rows
        page.wait_for_timeout(100)


def test_an_empty_result_says_why_where_the_chart_would_be(page, app_url):
    goto(page, f"{app_url}/?category=object_detection&q=zzz")
    page.get_by_text("The search “zzz” matches no weight here; widen it or clear it.").wait_for(
        timeout=15_000
    )
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    goto(page, f"{app_url}/history?category=video_classification")  # the default budget fits video
    # 0.13 has no GFLOPS
    expect(page.locator(".js-plotly-plot .scatterlayer .point")).to_have_count(3, timeout=30_000)
    best = grid(
        page, 2, lambda rows: len(rows) > 1 and len(rows[1]) >= 3
    )  # Best under a budget: missing shows as –, as Compare shows it, never None
    assert best[0][:3] == ["Version", "Best weight", "Acc@1"]
    assert best[1][:3] == ["0.13", "–", "–"] and not any("None" in cell for row in best for cell in row)
    page.get_by_label("At most (GFLOPS)").fill("1")  # a budget nothing fits: the chart's place says so
    page.get_by_label("At most (GFLOPS)").press("Enter")
    message = "No video classification weight fits 1 GFLOPS in these releases; the cheapest needs 17.98."
    page.get_by_text(message).wait_for(timeout=15_000)


def expect_axis_titles(page, x: str, y: str) -> None:
    """The chart's axis titles, waited for (a rerun may still be drawing the chart)."""
    expect(page.locator(".js-plotly-plot .xtitle")).to_have_text(x)
    expect(page.locator(".js-plotly-plot .ytitle")).to_have_text(y)


def test_a_link_never_plots_a_metric_against_itself_and_many_bad_keys_give_one_notice(page, app_url):
    open_explore(page, app_url, category="object_detection", x="Acc@1", y="GFLOPS")
    expect_axis_titles(page, "GFLOPS", "Box MAP")
    notice = page.get_by_test_id("stMainBlockContainer").get_by_test_id("stAlert")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("X axis: Acc@1 is not available here; showing GFLOPS.")
    expect(notice).to_contain_text("Y axis: GFLOPS is already the X axis; showing Box MAP.")
    bad = {
        "category": "nonsense",
        "x": "Acc@999",
        "y": "nope",
        "logx": "maybe",
        "pareto": "<script>",
        "family": "NotAFamily",
        "size": "%00",
        "GFLOPS": "a,b",
        "zoom": "3",
    }
    open_explore(page, app_url, **bad)
    expect(notice).to_have_count(1)  # one box, listing them all
    expect(notice).to_contain_text("9 parts of the view could not be used:")
    text = notice.inner_text()
    assert "nonsense" in text and "NotAFamily" in text and "zoom" in text and "“GFLOPS=a,b”" in text
    expect_points(page, 114)  # the defaults: every classification weight with both values


def significant_digits(cell: str) -> int:
    return len(cell.replace("-", "").replace(".", "").strip("0"))


def test_csv_cells_at_registry_precision_in_a_file_named_for_its_contents(page, app_url, tmp_path):
    open_explore(page, app_url, category="object_detection", q="faster rcnn")
    expect_points(page, 4)
    name, rows = download_csv(page, "Download CSV")
    assert name == "object_detection-faster-rcnn.csv"
    assert sorted(row["Weight"] for row in rows) == [
        "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1",
        "FasterRCNN_MobileNet_V3_Large_FPN_Weights.COCO_V1",
        "FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1",
        "FasterRCNN_ResNet50_FPN_Weights.COCO_V1",
    ]
    for row in rows:
        # The docs' numbers as the docs give them: Box MAP to 0.1, GFLOPS to 0.01, params to 0.1 M.
        assert len(row["Box MAP"].split(".")[-1]) <= 1 and len(row["GFLOPS"].split(".")[-1]) <= 2
        ratio = float(row["Box MAP"]) / float(row["GFLOPS"])
        # A ratio to 4 significant digits, never 31.666666666666668.
        assert math.isclose(float(row["Quality per GFLOP"]), float(f"{ratio:.4g}"), rel_tol=1e-12)
        assert significant_digits(row["Quality per GFLOP"]) <= 4, row["Quality per GFLOP"]
    mobile = next(row for row in rows if row["Weight"].startswith("FasterRCNN_MobileNet_V3_Large_FPN"))
    assert (mobile["Box MAP"], mobile["GFLOPS"], mobile["Quality per GFLOP"]) == ("32.8", "4.49", "7.305")


def family_colours(page) -> dict[str, str]:
    return dict(
        page.evaluate(
            "() => document.querySelector('.js-plotly-plot').data"
            ".filter(t => t.mode === 'markers').map(t => [t.name, t.marker.color])"
        )
    )


def test_a_family_keeps_its_colour_across_versions_and_filters_and_ticks_read_in_full(page, app_url):
    open_explore(page, app_url)
    everything = family_colours(page)
    assert len(everything) == 21 and len(set(everything.values())) == 21  # no two families alike
    open_explore(page, app_url, family="ResNet,VGG,ViT")
    assert family_colours(page) == {name: everything[name] for name in ("ResNet", "VGG", "ViT")}
    open_explore(page, app_url, version="0.13")
    older = family_colours(page)
    assert older and all(colour == everything[name] for name, colour in older.items() if name in everything)
    # Log ticks in full at readable values: 0.5 reads "0.5", never "5".
    open_explore(page, app_url, category="object_detection")
    ticks = page.locator(".js-plotly-plot .xtick text").all_text_contents()
    assert ticks == ["0.5", "1", "2", "5", "10", "20", "50", "100", "200"]  # 0.58 … 280.37


def test_key_columns_first_and_inputs_that_fit_what_they_hold(page, app_url):
    goto(page, f"{app_url}/quantization")
    page.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=30_000)
    headers = page.get_by_test_id("stDataFrame").first.locator('[role="columnheader"]').all_text_contents()
    assert headers[:4] == ["Quantized weight", "Acc@1 quantized", "Δ Acc@1 (pp)", "Acc@1 float"]
    goto(page, f"{app_url}/pick?Acc@1=84")
    page.locator('[role="columnheader"]').first.wait_for(state="attached", timeout=30_000)
    headers = page.get_by_test_id("stDataFrame").first.locator('[role="columnheader"]').all_text_contents()
    assert headers[:4] == ["Weight", "Acc@1 (%)", "Pareto-optimal", "GFLOPS"]
    inputs = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stNumberInput] input')]"
        ".map(i => [i.value, i.scrollWidth <= i.clientWidth])"
    )
    assert inputs[0] == ["84.000", True]
    labels = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stNumberInput] label')]"
        ".map(l => l.getBoundingClientRect().height)"
    )
    assert max(labels) == min(labels)  # every label on one line: the inputs line up
    # Explore says where the weight without a GFLOPS value is, only as far as it is true.
    open_explore(page, app_url)
    page.get_by_text("1 without a GFLOPS or Acc@1 value is in the table (Show them as a table)").wait_for()
    page.get_by_text("Show them as a table", exact=True).click()
    page.get_by_text("1 without a GFLOPS or Acc@1 value is listed below.").wait_for(timeout=15_000)


def test_offline_versions_are_marked_and_a_failed_switch_keeps_the_page(browser, tmp_path):
    environment = {
        **os.environ,
        "TVSTATS_CACHE_DIR": str(tmp_path / "cache"),
        "TVSTATS_DOCS_BASE_URL": "http://127.0.0.1:9/vision/",  # nothing listens: offline
    }
    process, url = start_app(environment)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_explore(page, url)
        sidebar = page.get_by_test_id("stSidebar")
        # Offline is status, said calmly: a caption, no warning box.
        sidebar.get_by_text("Could not refresh from the docs").wait_for(timeout=30_000)
        expect(sidebar.get_by_test_id("stAlert")).to_have_count(0)
        page.get_by_text("Log Y").click()  # any click: the next run knows the site is unreachable
        settle(page)
        sidebar.get_by_test_id("stSelectbox").filter(has_text="Docs version").click()
        options = page.get_by_role("option").all_text_contents()
        assert {"main · bundled", "0.20 · bundled", "0.15 · bundled", "0.13 · bundled"} <= set(options)
        assert "0.18 · needs network (offline now)" in options
        assert sum("needs network" in option for option in options) == len(options) - 4
        page.get_by_role("option", name="0.18 · needs network (offline now)").click()
        page.get_by_text("Docs 0.18 could not be loaded, so main is still shown.").wait_for(timeout=30_000)
        settle(page)
        expect_points(page, 114)
        url_with(page, "category=", absent="version=")
        sidebar.get_by_text("Docs version main · the page itself says").wait_for(timeout=10_000)
        pick(page, "Docs version", "0.13 · bundled")
        sidebar.get_by_text("Docs version 0.13 · the page itself says main (0.13.1a0+5a9ee49)").wait_for(
            timeout=30_000
        )
        page.close()
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.parametrize(("spelling", "count"), [("ViT-B/16", 3), ("convnext tiny", 1)])
def test_explore_search_takes_the_same_spellings(page, app_url, spelling, count):
    goto(page, f"{app_url}/?q={quote(spelling)}")
    page.wait_for_selector(POINTS, timeout=30_000)
    expect_points(page, count)  # ViT-B/16: its three recipes; ConvNeXt-Tiny: one


def test_a_version_fetched_when_chosen_stays_chosen_once_it_is_cached(browser, tmp_path):
    """Streamlit carries a choice by its label: the label of a chosen version must not change under
    it when the fetch makes it "cached", or the next click would drop back to main."""
    with app_and_docs(Route(real_page("main")), tmp_path / "cache") as (url, docs):
        docs.serve_page("0.18", Route(real_page("0.20")))  # a release that is not bundled
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_explore(page, url)
        pick(page, "Docs version", "0.18 · needs network")
        page.get_by_text("Docs version 0.18 · the page itself says").wait_for(timeout=30_000)
        settle(page)
        page.get_by_text("Log Y").click()  # another run, the version now in the cache
        settle(page)
        page.get_by_text("Log Y").click()
        settle(page)
        expect_points(page, 114)
        url_with(page, "version=0.18")
        page.get_by_text("Docs version 0.18 · the page itself says").wait_for(timeout=10_000)
        page.close()
