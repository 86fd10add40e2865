"""Hostile URLs: every query parameter of every page fuzzed without an exception, and no value can
make the app request anything but the docs pages under the configured base URL."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from dashboard import data as dashboard_data
from dashboard import versions as dashboard_versions
from tests.conftest import real_page
from tests.docs_server import Route
from tests.test_app import APP
from torchvision_stats.views.pages import CODECS

PAGES = ["explore", "tables", "compare", "pick", "history", "quantization", "speed", "about"]
# Every URL key of every page's view, the docs version and the measurement set.
KEYS = [
    *sorted({key for codec in CODECS.values() for key in codec.url_keys()}),
    "version",
    "speed",
]
HOSTILE = [
    "../../etc/passwd",
    "http://evil.example/",
    "//evil.example",
    "0.13/../../x",
    "main?x=1",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "\x00",
    "%00",
    "é" * 300,
    "1e309",
    "-0",
    "nan",
    "inf",
    " ",
    "",
    "0.99",
    "stable",
    "0.13",
    "re:(",
    "re:" + "(a+)+" * 5,
]
values = hs.one_of(hs.sampled_from(HOSTILE), hs.text(max_size=60))
queries = hs.dictionaries(hs.one_of(hs.sampled_from(KEYS), hs.text(max_size=10)), values, max_size=6)
ALLOWED_REQUEST = re.compile(r"^/vision/(?:main|stable|0\.\d{1,3})/models\.html$|^/vision/versions\.html$")


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def run(page: str, query: dict[str, str]) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30)
    if page != "explore":
        app.switch_page(f"app_pages/{page}.py")
    app.query_params.update(query)
    app.run()
    return app


@pytest.mark.parametrize("page", PAGES)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries)
def test_fuzzed_query_parameters_never_raise(page, query):
    app = run(page, query)
    assert not app.exception, (query, [e.value for e in app.exception])


def test_no_query_value_reaches_outside_the_docs_pages(docs_server):
    docs_server.serve_page("main", Route(real_page("main")))
    for value in HOSTILE:
        run("explore", {"version": value, "category": value, "x": value})
        run("history", {"version": value})
    for name in ("main", "versions"):
        refresher = (
            dashboard_versions.list_refresher() if name == "versions" else dashboard_data.refresher(name)
        )
        refresher.wait(timeout=30)
    assert docs_server.requests, "the app did refresh from the local docs server"
    assert all(ALLOWED_REQUEST.match(path) for path in docs_server.requests), docs_server.requests
