"""Fetching against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.conftest import real_page
from tests.docs_server import Route
from torchvision_stats.data import fetch


def test_success_returns_the_bytes_hash_and_a_clear_user_agent(docs_server):
    docs_server.serve_page("main", Route(real_page("main")))
    page = fetch.fetch_page("main")
    assert page.html == real_page("main")
    assert page.sha256 == "b100ba23e81a0a889835c60b993ba119c1ed770a90f788e8411bebd761458972"
    assert page.url == docs_server.base_url + "main/models.html"
    assert docs_server.requests == ["/vision/main/models.html"]


@pytest.mark.parametrize(
    "version", ["1.0", "main/../../etc", "http://evil.example/", "", "0.x", " main", "stable?x=1"]
)
def test_invalid_versions_are_refused_before_any_request(docs_server, version):
    with pytest.raises(fetch.FetchError, match="not a torchvision docs version"):
        fetch.fetch_page(version)
    assert docs_server.requests == []


def test_404_says_there_is_no_such_version(docs_server):
    with pytest.raises(fetch.FetchError, match=r"HTTP 404 \(no such docs version\)"):
        fetch.fetch_page("0.99")


def test_500_is_reported_with_its_status(docs_server):
    docs_server.serve_page("main", Route(b"oops", 500, "text/plain"))
    with pytest.raises(fetch.FetchError, match="HTTP 500"):
        fetch.fetch_page("main")


def test_a_server_slower_than_the_timeout(docs_server):
    docs_server.serve_page("main", Route(real_page("main"), delay_seconds=1.5))
    with pytest.raises(fetch.FetchError, match=r"did not answer within 0.5 s"):
        fetch.fetch_page("main", read_timeout=0.5)


def test_a_body_over_the_cap(docs_server):
    docs_server.serve_page("main", Route(b"<html>" + b"x" * 300_000))
    with pytest.raises(fetch.FetchError, match=r"over the 0\.1 MB limit"):
        fetch.fetch_page("main", max_bytes=100_000)


def test_a_body_over_the_cap_without_content_length(docs_server):
    big = b"<html>" + b"x" * 300_000
    docs_server.serve_page("main", Route(big, send_length=False))
    with pytest.raises(fetch.FetchError):
        fetch.fetch_page("main", max_bytes=200_000)


def test_a_non_html_content_type(docs_server):
    docs_server.serve_page("main", Route(b'{"a": 1}', content_type="application/json"))
    with pytest.raises(fetch.FetchError, match="sent application/json instead of an HTML page"):
        fetch.fetch_page("main")


def test_a_connection_dropped_mid_body(docs_server):
    docs_server.serve_page("main", Route(real_page("main"), cut_after=10_000))
    with pytest.raises(fetch.FetchError, match="broke while the page was downloading"):
        fetch.fetch_page("main")


def test_nothing_listening_is_a_connection_error(monkeypatch):
    monkeypatch.setenv("TVSTATS_DOCS_BASE_URL", "http://127.0.0.1:9/vision/")
    with pytest.raises(fetch.FetchError, match=r"Could not connect to 127\.0\.0\.1:9"):
        fetch.fetch_page("main")


def test_redirects_are_followed_within_the_site(docs_server):
    docs_server.serve_page("stable", Route(b"", 302, headers={"Location": "/vision/0.20/models.html"}))
    docs_server.serve_page("0.20", Route(real_page("0.20")))
    page = fetch.fetch_page("stable")
    assert page.url.endswith("/vision/0.20/models.html") and page.html == real_page("0.20")


def test_a_redirect_loop_is_stopped(docs_server):
    docs_server.serve_page("main", Route(b"", 302, headers={"Location": "/vision/main/models.html"}))
    with pytest.raises(fetch.FetchError, match="redirect loop"):
        fetch.fetch_page("main")
    assert len(docs_server.requests) == fetch.MAX_REDIRECTS + 1


def test_a_redirect_to_another_site_is_not_followed(docs_server):
    docs_server.serve_page("main", Route(b"", 301, headers={"Location": "http://127.0.0.2:9/elsewhere"}))
    with pytest.raises(fetch.FetchError, match="another site"):
        fetch.fetch_page("main")


def test_the_declared_charset_is_used_to_decode(docs_server):
    docs_server.serve_page(
        "main", Route("<p>caf\u00e9</p>".encode("latin-1"), content_type="text/html; charset=latin-1")
    )
    assert "caf\u00e9" in fetch.fetch_page("main").text


def test_base_url_override_gets_a_trailing_slash(monkeypatch):
    monkeypatch.setenv("TVSTATS_DOCS_BASE_URL", "https://mirror.example/docs/vision")
    assert fetch.page_url("0.20") == "https://mirror.example/docs/vision/0.20/models.html"
    monkeypatch.delenv("TVSTATS_DOCS_BASE_URL")
    assert fetch.page_url("main") == "https://docs.pytorch.org/vision/main/models.html"
