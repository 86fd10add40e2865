"""Network faults seen by the running app: it stays up, says what went wrong in words, and keeps
serving the data it had. A real HTTP server on 127.0.0.1 plays the faulty docs site."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st

from dashboard import data as dashboard_data
from tests.conftest import real_page
from tests.docs_server import Route
from tests.test_app import run_app
from tests.test_store_and_load import real_tables
from torchvision_stats.data.cache import Cache
from torchvision_stats.data.load import Source, load_weight_tables

PAGE = real_page("main")
HALF_PAGE = PAGE[: len(PAGE) * 6 // 10]
FAULTS = {
    "stall": (Route(PAGE, delay_seconds=3), r"did not answer within 1 s"),
    "dropped mid-body": (Route(PAGE, cut_after=50_000), r"broke while the page was downloading"),
    "500": (Route(b"oops", 500, "text/plain"), r"HTTP 500"),
    "503": (Route(b"busy", 503, "text/plain"), r"HTTP 503"),
    "404": (Route(b"gone", 404, "text/plain"), r"HTTP 404 \(no such docs version\)"),
    "redirect loop": (Route(b"", 302, headers={"Location": "/vision/main/models.html"}), r"redirect loop"),
    "over the size cap": (Route(b"<html>" + b" " * 6_000_000), r"over the 5\.0 MB limit"),
    "wrong charset": (Route(PAGE, content_type="text/html; charset=utf-16"), r"no table of model weights"),
    "truncated HTML": (Route(HALF_PAGE), r"looks incomplete \(the download stops before the end"),
    "no weight tables": (
        Route(b"<html><body><h1>Models</h1><p>Moved.</p></body></html>"),
        r"no table of model weights",
    ),
}


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    monkeypatch.setenv("TVSTATS_FETCH_TIMEOUT", "1")
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.parametrize("fault", list(FAULTS))
def test_data_layer_serves_the_stale_copy_and_says_why(docs_server, fault):
    route, words = FAULTS[fault]
    docs_server.serve_page("main", route)
    old = datetime.now(UTC) - timedelta(days=3)
    before = Cache().write("main", real_tables(fetched_at=old)).read_bytes()
    result = load_weight_tables("main")
    assert result.source is Source.STALE_CACHE and result.data.row_count == 158
    assert re.search(words, result.messages[-1]), result.messages
    assert Cache().path_for("main").read_bytes() == before


@pytest.mark.parametrize("fault", list(FAULTS))
def test_the_app_stays_up_explains_and_keeps_its_data(docs_server, fault):
    route, words = FAULTS[fault]
    docs_server.serve_page("main", route)
    Cache().write("main", real_tables(fetched_at=datetime.now(UTC) - timedelta(days=3)))
    app = run_app()  # shows the stale copy at once and starts a refresh in the background
    dashboard_data.refresher("main").wait(timeout=30)
    app.run()
    assert not app.exception
    sidebar = " ".join(c.value for c in app.sidebar.caption).replace("\\", "")  # calm status
    assert "Could not refresh from the docs" in sidebar and re.search(words, sidebar), sidebar
    assert any(
        "stale cached docs, fetched 3 days ago" in c.value.replace("\\", "") for c in app.sidebar.caption
    )
    assert "114 of 115 weights plotted" in app.caption[1].value


def test_with_no_cache_a_failed_refresh_leaves_the_bundled_snapshot(docs_server):
    docs_server.serve_page("main", Route(b"down", 503, "text/plain"))
    app = run_app()
    dashboard_data.refresher("main").wait(timeout=30)
    app.run()
    assert not app.exception
    assert any("bundled snapshot" in c.value for c in app.sidebar.caption)
    assert "HTTP 503" in " ".join(c.value for c in app.sidebar.caption)
    assert not app.sidebar.warning  # offline is a normal mode: status, not an alarm
