"""Speed on your hardware in Chromium, offline: the charts of the shipped sets, a real measuring run
of two small weights started from the page, then Explore by measured latency; uploads good and bad."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.conftest import real_page, require_torch
from tests.docs_server import Route
from tests.e2e.conftest import app_and_docs
from tests.e2e.test_browser import POINTS, hover_text, pick, settle, url_with
from tests.test_speed_page import BUILD_SET, rows_of

pytestmark = pytest.mark.e2e
require_torch()

TWO = ["MobileNet_V3_Small_Weights.IMAGENET1K_V1", "SqueezeNet1_1_Weights.IMAGENET1K_V1"]


@pytest.fixture(scope="module")
def speed_app(tmp_path_factory):
    with app_and_docs(Route(real_page("main")), tmp_path_factory.mktemp("speed-cache")) as (url, _):
        yield url


def open_speed(page, url: str) -> None:
    page.goto(url + "/speed")
    page.get_by_role("heading", name="Speed on your hardware").wait_for(timeout=30_000)
    settle(page)


def test_the_shipped_sets_draw_the_proxy_and_across_machines_charts(page, speed_app, screenshots):
    open_speed(page, speed_app)
    page.get_by_text(re.compile(r"Rank correlation of GFLOPS and measured latency \(Spearman\)")).wait_for()
    # Each read waits for what it reads: the charts and the table below them are drawn in turn.
    expect(page.locator(POINTS)).to_have_count(115, timeout=30_000)  # every classification weight measured
    # ResNet-50 and ConvNeXt-Tiny on three sets: six bars, the build set's 56.6 ms among them.
    expect(page.locator(".js-plotly-plot .barlayer .point")).to_have_count(6, timeout=30_000)
    # The table's cell, in the grid's accessible copy (drawn hidden under its canvas).
    page.get_by_text("56.567").first.wait_for(state="attached", timeout=30_000)
    page.screenshot(path=screenshots / "speed.png", full_page=True)


def test_measure_two_weights_from_the_page_then_explore_them_by_latency(page, speed_app, screenshots):
    open_speed(page, speed_app)
    picker = page.get_by_test_id("stMultiSelect").filter(has_text="Weights to measure")
    picker.locator("input").click()
    for _ in range(40):  # empty the default choice (the Pareto frontier), chip by chip
        page.keyboard.press("Backspace")
    for weight in TWO:
        page.keyboard.type(weight)
        page.get_by_role("option", name=weight, exact=True).click()
    page.keyboard.press("Escape")
    settle(page)
    expect(picker.locator("[data-tag]")).to_have_count(2)
    page.get_by_role("button", name="Measure", exact=True).click()
    page.get_by_text(re.compile(r"[01] of 2 measured · now ")).wait_for(timeout=60_000)  # the progress bar
    page.screenshot(path=screenshots / "speed-running.png")
    page.get_by_text(re.compile(r"Last run: finished \(2 of 2 weights, 0 failed\)")).wait_for(timeout=180_000)

    page.get_by_text(re.compile(r"^What it measured, on run ")).wait_for(timeout=30_000)
    for weight in TWO:  # the finished run's table lists each weight it measured
        page.get_by_text(weight).first.wait_for(state="attached")

    # The run's set is this visitor's active set, and the URL says so: a link to Explore keeps it.
    run_set = parse_qs(urlparse(url_with(page, "speed=run-")).query)["speed"][0]
    page.goto(f"{speed_app}/?category=classification&x=Latency+%28ms%29&speed={run_set}")
    expect(page.locator(POINTS)).to_have_count(2, timeout=30_000)
    settle(page)
    text = hover_text(page, lambda boxes: boxes[0], "Latency (ms)")
    assert "Latency (ms):" in text and "Measured on run " in text and "cpu, 2 threads · batch 1" in text
    assert any(weight in text for weight in TWO)


def cli_csv(weights: list[str]) -> bytes:
    """A CSV the CLI made (rows of the build machine's reference), re-dated to be the newest."""
    rows = [
        dict(r, **{"Measured at": "2027-01-01T00:00:00Z"})
        for r in rows_of(BUILD_SET)
        if r["Weight"] in weights
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_an_uploaded_cli_csv_then_explore_and_a_junk_upload(page, speed_app, tmp_path):
    three = ["AlexNet_Weights.IMAGENET1K_V1", "ResNet18_Weights.IMAGENET1K_V1", "VGG11_Weights.IMAGENET1K_V1"]
    good = tmp_path / "workstation.csv"
    good.write_bytes(cli_csv(three))
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"this,is\nnot,a measurement\n")
    open_speed(page, speed_app)
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.set_input_files(str(junk))
    page.get_by_text(re.compile("does not have the columns of a measurement CSV")).wait_for(timeout=30_000)
    page.get_by_text("Nothing was stored", exact=False).first.wait_for()
    uploader.set_input_files(str(good))
    page.get_by_text(re.compile("^Stored as “workstation · ")).wait_for(timeout=30_000)

    # This visitor's pages use it: the sidebar's choice, and Explore reached through the menu.
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="Explore").click()
    page.get_by_role("heading", name="Explore").wait_for(timeout=30_000)
    url_with(page, "speed=workstation")
    sidebar.get_by_text(re.compile("^workstation · AMD EPYC · cpu")).wait_for()  # the active set, named whole
    pick(page, "X axis", "Latency (ms)")
    expect(page.locator(POINTS)).to_have_count(3, timeout=30_000)


def test_an_upload_over_five_megabytes_is_refused_before_it_is_read(page, speed_app, tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(cli_csv(["AlexNet_Weights.IMAGENET1K_V1"]) + b"#" * 5_300_000)
    open_speed(page, speed_app)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(big))
    page.get_by_text(re.compile(r"File must be 5(\.0)? ?MB or smaller")).wait_for(timeout=30_000)
    expect(page.get_by_text(re.compile("^Stored as “big"))).to_have_count(0)
