"""A docs page whose weight names carry HTML, JavaScript and Markdown: in a real browser nothing
runs, no element is injected, and the names show literally on every page that shows them — the
chart hover, Tables, Compare, Pick (as a pick and as the runner-up its reason names), History's
last change and diff, Quantization, and the sidebar's report of what the docs changed."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.conftest import real_page
from tests.docs_server import Route
from tests.e2e.conftest import FETCHED_DOCS, app_serving
from tests.e2e.test_browser import POINTS, hover_text, settle
from torchvision_stats.output.formatting import WORD_JOINER

pytestmark = pytest.mark.e2e

IMG_NAME = "AlexNet_Weights.<img src=x onerror=window.__pwned=1>"
MARKDOWN_NAME = "ResNet18_Weights.[login](https://evil.example/login) **bold**"
LINK_NAME = "ResNet34_Weights.[x](javascript:window.__pwned=3)"
QUANTIZED_NAME = "ResNet18_QuantizedWeights.[q](https://evil.example/q) **bold**"


def _renamed(page: bytes, old: str, new: bytes) -> bytes:
    tag = f'<span class="pre">{old}</span>'.encode()
    assert tag in page, old
    return page.replace(tag, b'<span class="pre">' + new + b"</span>")


HOSTILE_PAGE = real_page("main")
for old, new in (
    ("AlexNet_Weights.IMAGENET1K_V1", b"AlexNet_Weights.&lt;img src=x onerror=window.__pwned=1&gt;"),
    (
        "ConvNeXt_Base_Weights.IMAGENET1K_V1",
        b"ConvNeXt_Base_Weights.IMAGENET1K_V1<script>window.__pwned=2</script>",
    ),
    ("ResNet18_Weights.IMAGENET1K_V1", MARKDOWN_NAME.encode()),
    ("ResNet34_Weights.IMAGENET1K_V1", LINK_NAME.encode()),
    ("ResNet18_QuantizedWeights.IMAGENET1K_FBGEMM_V1", QUANTIZED_NAME.encode()),
):
    HOSTILE_PAGE = _renamed(HOSTILE_PAGE, old, new)

# Run in every frame: what an injection would have left behind.
INJECTED = """() => ({
    pwned: window.__pwned ?? null,
    images: document.querySelectorAll('img[src="x"]').length,
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
        .filter(h => h.startsWith('javascript') || h.includes('evil.example')),
    bold: [...document.querySelectorAll('strong, b')].map(e => e.textContent.trim())
        .filter(t => t === 'bold' || t === 'login'),
    scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('__pwned')).length,
})"""
CLEAN = {"pwned": None, "images": 0, "links": [], "bold": [], "scripts": 0}


def shown(text: str | None) -> str:
    """Text as it reads: without the invisible word joiners that keep addresses from becoming links."""
    return (text or "").replace(WORD_JOINER, "")


def assert_nothing_ran(page) -> None:
    for frame in page.frames:
        assert frame.evaluate(INJECTED) == CLEAN, frame.url


def test_the_injection_check_can_fail(page, hostile_app):
    """The check above finds an injected script, link and bold text when they are there."""
    page.goto(hostile_app + "/about")
    page.get_by_role("heading", name="About the data").first.wait_for(timeout=30_000)
    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 9';
        document.body.append(s);
        document.body.insertAdjacentHTML(
            'beforeend', '<a href="https://evil.example/login"><strong>bold</strong></a>'); }"""
    )
    found = page.evaluate(INJECTED)
    assert found["pwned"] == 9 and found["scripts"] == 1
    assert found["links"] == ["https://evil.example/login"] and found["bold"] == ["bold"]


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    with app_serving(Route(HOSTILE_PAGE), tmp_path_factory.mktemp("hostile-cache")) as url:
        yield url


def wait_live(page) -> None:
    page.get_by_test_id("stSidebar").get_by_text(FETCHED_DOCS).wait_for(timeout=30_000)


def test_hostile_names_are_shown_as_text_and_never_run(page, hostile_app):
    page.goto(hostile_app + "/")
    wait_live(page)
    page.wait_for_selector(POINTS, timeout=30_000)
    settle(page)

    # The chart hover: AlexNet has the lowest Acc@1 on the page, so it is the lowest point.
    text = hover_text(page, lambda boxes: max(boxes, key=lambda box: box["y"]), IMG_NAME)
    assert IMG_NAME in text, text
    assert_nothing_ran(page)

    # The sidebar reports what the live page changed against the bundled one, names included.
    sidebar = page.get_by_test_id("stSidebar")
    assert MARKDOWN_NAME in shown(sidebar.text_content())
    assert_nothing_ran(page)

    # The weight picker under the chart offers and shows the name as plain text; no code for it.
    page.goto(hostile_app + "/?q=" + quote("re:^(AlexNet|ConvNeXt_Base|ResNet18_)"))
    page.wait_for_selector(POINTS, timeout=30_000)
    settle(page)
    expect(page.locator(POINTS)).to_have_count(3)
    weight_select = page.get_by_test_id("stSelectbox").filter(has_text="Weight").last
    weight_select.locator("input").click()
    page.keyboard.type("AlexNet_Weights.<img")
    page.keyboard.press("Enter")
    page.get_by_text("This name is not a valid Python identifier").wait_for(timeout=30_000)
    assert IMG_NAME in weight_select.text_content() + weight_select.locator("input").input_value()
    assert_nothing_ran(page)


def test_hostile_names_on_tables_compare_and_quantization(page, hostile_app):
    for path, heading in (
        ("tables", "Tables"),
        ("compare", "Compare"),
        ("quantization", "Quantization impact"),
    ):
        page.goto(f"{hostile_app}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
        settle(page)
        assert_nothing_ran(page)
    page.goto(f"{hostile_app}/compare")
    page.get_by_role("heading", name="Compare").first.wait_for(timeout=30_000)
    settle(page)
    for typed, name in (("AlexNet_Weights.<img", IMG_NAME), ("ResNet18_Weights.[login]", MARKDOWN_NAME)):
        page.get_by_test_id("stMultiSelect").first.locator("input").click()
        page.keyboard.type(typed)
        page.get_by_role("option", name=f"{name}  ·  Classification", exact=True).click()
        page.keyboard.press("Escape")
        settle(page)
    assert_nothing_ran(page)
    # Quantization lists the hostile quantized weight among those without a float counterpart.
    page.goto(f"{hostile_app}/quantization")
    page.get_by_text("Without a float counterpart").first.wait_for(timeout=30_000)
    settle(page)
    assert_nothing_ran(page)


def test_a_hostile_runner_up_in_picks_reason_stays_text(page, hostile_app):
    # ResNet-34 (73.314 Acc@1, 3.66 GFLOPS) first; its reason names ResNet-18, the runner-up.
    page.goto(f"{hostile_app}/pick?include=ResNet&GFLOPS=3.7")
    page.get_by_text("Top picks of 2 that fit").wait_for(timeout=30_000)
    settle(page)
    reason = shown(page.get_by_text(re.compile(r"over the next best")).first.text_content())
    assert f"over the next best ({MARKDOWN_NAME})" in reason, reason
    cards = shown(page.get_by_test_id("stMain").text_content())
    assert f"{LINK_NAME} · Acc@1 73.314" in cards
    assert_nothing_ran(page)


def test_hostile_names_in_history_stay_text(page, hostile_app):
    page.goto(f"{hostile_app}/history")
    page.get_by_text("Last change of the main docs").wait_for(timeout=30_000)
    settle(page)
    assert MARKDOWN_NAME in shown(page.get_by_text("the docs no longer list").first.text_content())
    assert_nothing_ran(page)


def test_pathological_search_links_leave_other_visitors_served(browser, hostile_app):
    hostile = browser.new_context()
    visitor = browser.new_context()
    try:
        attacker = hostile.new_page()
        for pattern in (r"re:^(\w+)*$", r"re:^(\w+_?)+$"):
            attacker.goto(f"{hostile_app}/?category=object_detection&q={quote(pattern)}", wait_until="commit")
        other = visitor.new_page()
        other.goto(f"{hostile_app}/?category=object_detection")
        other.wait_for_selector(POINTS, timeout=30_000)
        attacker.wait_for_selector(POINTS, timeout=30_000)
        settle(attacker)
        expect(attacker.locator(POINTS)).to_have_count(9)  # every builder name is all word characters
    finally:
        hostile.close()
        visitor.close()
