"""Two visitors on one server, in two Chromium contexts: one's upload or run is theirs alone, the
other sees the run's progress without a Measure button, a link carries its set, and on a shared
server nobody changes another's set."""

from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.conftest import real_page, require_torch
from tests.docs_server import Route
from tests.e2e.conftest import app_process_and_docs
from tests.e2e.test_browser import POINTS, pick, settle, url_with
from tests.e2e.test_speed import cli_csv, open_speed
from tests.processes import descendants_of, group_members, group_of

pytestmark = pytest.mark.e2e
BUILD_LABEL = (
    "2-core AMD EPYC build machine · cpu, 2 threads · batch 1 · float32, int8 for quantized · reference"
)
THREE = ["AlexNet_Weights.IMAGENET1K_V1", "ResNet18_Weights.IMAGENET1K_V1", "VGG11_Weights.IMAGENET1K_V1"]
LATENCY_VIEW = "/?category=classification&x=Latency+%28ms%29"
QUICK_THEN_SLOW = ("MobileNet_V3_Small_Weights.IMAGENET1K_V1", "ResNet152_Weights.IMAGENET1K_V2")


@contextlib.contextmanager
def app_with(tmp_path, **environment: str):
    """The app's URL, on a server of its own."""
    with app_and_process(tmp_path, **environment) as (url, _process):
        yield url


@contextlib.contextmanager
def app_and_process(tmp_path, **environment: str):
    """The app's URL and its server's process, its docs site serving the real main page."""
    with app_process_and_docs(Route(real_page("main")), tmp_path, **environment) as (url, process, _docs):
        yield url, process


@contextlib.contextmanager
def visitor(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def upload(page, url: str, path) -> None:
    open_speed(page, url)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    page.get_by_text(re.compile("your pages now use it")).wait_for(timeout=30_000)


def active_set(page) -> str:
    chosen = (
        page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="Speed measured on")
    )
    return chosen.text_content()


def test_an_upload_is_its_visitors_own_and_a_link_carries_its_set(browser, tmp_path):
    laptop = tmp_path / "laptop.csv"
    laptop.write_bytes(cli_csv(THREE))
    with app_with(tmp_path / "cache") as url, visitor(browser) as first, visitor(browser) as second:
        upload(first, url, laptop)
        mine = parse_qs(urlparse(url_with(first, "speed=laptop")).query)["speed"][0]
        first.get_by_test_id("stSidebar").get_by_role("link", name="Explore").click()  # same visit
        pick(first, "X axis", "Latency (ms)")
        expect(first.locator(POINTS)).to_have_count(3, timeout=30_000)
        settle(first)
        link = url_with(first, f"speed={mine}", "x=Latency+(ms)")
        second.goto(url + LATENCY_VIEW)
        expect(second.locator(POINTS)).to_have_count(114, timeout=30_000)  # the server's default set
        second.get_by_test_id("stSidebar").get_by_text(
            re.compile("^2-core AMD EPYC build machine")
        ).wait_for()
        second.goto(link)  # the first visitor's link shows the first visitor's set
        expect(second.locator(POINTS)).to_have_count(3, timeout=30_000)
        expect(second.locator(".js-plotly-plot .gtitle")).to_contain_text("Latency (ms) measured on laptop")


def _run_group(server: int) -> int:
    """The process group of the server's measuring run (the run starts a group of its own)."""
    groups = {group_of(pid) for pid in descendants_of(server)} - {group_of(server), None}
    assert len(groups) == 1, groups
    return groups.pop()


def test_the_second_visitor_sees_the_run_and_cancel_ends_it_after_its_first_row(browser, tmp_path):
    require_torch()
    cache = tmp_path / "cache"
    with app_and_process(cache) as (url, server), visitor(browser) as first, visitor(browser) as second:
        open_speed(first, url)
        picker = first.get_by_test_id("stMultiSelect").filter(has_text="Weights to measure")
        picker.locator("input").click()
        for _ in range(8):  # empty the first choice, chip by chip
            first.keyboard.press("Backspace")
        for weight in QUICK_THEN_SLOW:
            first.keyboard.type(weight)
            first.get_by_role("option", name=weight, exact=True).click()
        first.keyboard.press("Escape")
        first.get_by_test_id("stExpander").get_by_text("Timing", exact=True).click()
        # Long enough to be seen running: 100 warm-up calls of ResNet-152 take about 20 s here, of
        # MobileNetV3-Small about 1 s.
        first.get_by_label("Warm-up calls").fill("100")
        first.get_by_label("Warm-up calls").press("Enter")
        settle(first)
        first.get_by_role("button", name="Measure", exact=True).click()
        first.get_by_text(re.compile(r"1 of 2 measured · now ResNet152")).wait_for(timeout=120_000)
        open_speed(second, url)
        second.get_by_text(re.compile(r"1 of 2 measured · now ResNet152")).wait_for(timeout=30_000)
        expect(second.get_by_text("A measuring run is in progress on this server")).to_be_visible()
        expect(second.get_by_role("button", name="Measure", exact=True)).to_have_count(0)
        group = _run_group(server.pid)
        assert len(group_members(group)) >= 3  # the run, its fork server and ResNet-152's worker
        first.get_by_role("button", name="Cancel").click()
        first.get_by_text(re.compile(r"Last run: cancelled \(1 of 2 weights")).wait_for(timeout=30_000)
        assert group_members(group) == []  # the run's whole process group is gone
        expect(first.get_by_text(re.compile(r"· cancelled after 1 of 2")).first).to_be_visible()
        [kept] = list((cache / "measurements").glob("*.csv"))
        assert kept.read_text(encoding="utf-8").count("MobileNet_V3_Small_Weights") == 1


def test_on_a_shared_server_nobody_changes_anothers_set(browser, tmp_path):
    laptop = tmp_path / "laptop.csv"
    laptop.write_bytes(cli_csv(THREE))
    with (
        app_with(tmp_path / "cache", TVSTATS_SHARED="on") as url,
        visitor(browser) as first,
        visitor(browser) as second,
    ):
        upload(first, url, laptop)
        expect(first.get_by_role("button", name="Measure", exact=True)).to_have_count(0)
        open_speed(second, url)
        second.get_by_test_id("stSelectbox").filter(has_text="Set").last.click()
        second.get_by_role("option", name=re.compile("^laptop · ")).click()
        settle(second)
        expect(second.get_by_role("button", name="Delete")).to_be_disabled()
        expect(
            second.get_by_text("On this shared server you can change only the sets you stored.")
        ).to_be_visible()
        first.get_by_test_id("stSelectbox").filter(has_text="Set").last.click()
        first.get_by_role("option", name=re.compile("^laptop · ")).click()
        settle(first)
        first.get_by_role("button", name="Delete").click()
        first.get_by_role("button", name="Yes, delete").click()
        first.get_by_text(re.compile("^Deleted “laptop")).wait_for(timeout=30_000)
