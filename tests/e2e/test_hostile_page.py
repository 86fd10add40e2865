"""A docs page whose weight names carry HTML, JavaScript and Markdown: in a real browser nothing
runs, no element is injected, and the names show literally — in the chart hover, the tables, the
compare and pick pages."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.conftest import real_page
from tests.docs_server import Route
from tests.e2e.conftest import app_serving
from tests.e2e.test_browser import POINTS, hover_text, settle

pytestmark = pytest.mark.e2e

IMG_NAME = "AlexNet_Weights.<img src=x onerror=window.__pwned=1>"
LINK_NAME = "ResNet18_Weights.[x](javascript:window.__pwned=3)"
HOSTILE_PAGE = (
    real_page("main")
    .replace(
        b'<span class="pre">AlexNet_Weights.IMAGENET1K_V1</span>',
        b'<span class="pre">AlexNet_Weights.&lt;img src=x onerror=window.__pwned=1&gt;</span>',
    )
    .replace(
        b'<span class="pre">ConvNeXt_Base_Weights.IMAGENET1K_V1</span>',
        b'<span class="pre">ConvNeXt_Base_Weights.IMAGENET1K_V1<script>window.__pwned=2</script></span>',
    )
    .replace(
        b'<span class="pre">ResNet18_Weights.IMAGENET1K_V1</span>',
        b'<span class="pre">ResNet18_Weights.[x](javascript:window.__pwned=3)</span>',
    )
)


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    with app_serving(Route(HOSTILE_PAGE), tmp_path_factory.mktemp("hostile-cache")) as url:
        yield url


def assert_nothing_ran(page) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    assert page.locator("script:text('__pwned')").count() == 0


def test_hostile_names_are_shown_as_text_and_never_run(page, hostile_app):
    page.goto(hostile_app + "/")
    page.get_by_test_id("stSidebar").get_by_text(
        re.compile(r"(live|cached) docs, fetched just now")
    ).wait_for(timeout=30_000)
    page.wait_for_selector(POINTS, timeout=30_000)
    settle(page)

    # The chart hover: AlexNet has the lowest Acc@1 on the page, so it is the lowest point.
    text = hover_text(page, lambda boxes: max(boxes, key=lambda box: box["y"]), IMG_NAME)
    assert IMG_NAME in text, text
    assert_nothing_ran(page)

    # The weight picker under the chart offers and shows the name as plain text; no code for it.
    page.goto(hostile_app + "/?q=" + quote("re:^(AlexNet|ConvNeXt_Base|ResNet18_)"))
    page.wait_for_selector(POINTS, timeout=30_000)
    settle(page)
    assert page.locator(POINTS).count() == 3
    weight_select = page.get_by_test_id("stSelectbox").filter(has_text="Weight").last
    weight_select.locator("input").click()
    page.keyboard.type("AlexNet_Weights.<img")
    page.keyboard.press("Enter")
    page.get_by_text("This name is not a valid Python identifier").wait_for(timeout=30_000)
    assert IMG_NAME in weight_select.text_content() + weight_select.locator("input").input_value()
    assert_nothing_ran(page)

    # Tables and Compare render the same data.
    for path in ("tables", "compare"):
        page.goto(f"{hostile_app}/{path}")
        page.get_by_role("heading", name=path.capitalize()).first.wait_for(timeout=30_000)
        settle(page)
        assert_nothing_ran(page)
    page.get_by_test_id("stMultiSelect").first.click()
    page.keyboard.type("AlexNet_Weights.<img")
    option = page.get_by_role("option", name=re.compile(re.escape(IMG_NAME)))
    option.first.wait_for(timeout=10_000)
    option.first.click()
    page.keyboard.press("Escape")
    settle(page)
    assert_nothing_ran(page)

    # Pick a model writes the top pick's name in Markdown: it must stay text, not become a link.
    page.goto(f"{hostile_app}/pick?include=ResNet&GFLOPS=1.9")
    page.get_by_text(LINK_NAME).first.wait_for(timeout=30_000)
    settle(page)
    assert_nothing_ran(page)
