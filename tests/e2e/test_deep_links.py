"""A shared link to a page other than Explore works on a server nobody has visited yet."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import start_app

pytestmark = pytest.mark.e2e


def test_a_deep_link_is_the_first_request_of_a_fresh_server(browser, tmp_path):
    environment = {
        **os.environ,
        "TVSTATS_CACHE_DIR": str(tmp_path / "cache"),
        "TVSTATS_DOCS_BASE_URL": "http://127.0.0.1:9/vision/",
    }
    process, url = start_app(environment)
    try:
        page = browser.new_page()
        page.goto(f"{url}/pick?GFLOPS=5")
        page.get_by_role("heading", name="Pick a model").wait_for(timeout=30_000)
        navigation = page.get_by_test_id("stSidebarNav").inner_text()
        assert "Explore" in navigation and "About the data" in navigation
        assert "common" not in navigation  # helper modules are not pages
        page.get_by_text("Could not refresh from the docs").first.wait_for(timeout=30_000)
        page.close()
    finally:
        process.terminate()
        process.wait(timeout=20)
