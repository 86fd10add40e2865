"""The cache and the loading order, on real pages served by a real local server and a real temp folder."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from tests.conftest import real_page
from tests.docs_server import Route
from torchvision_stats.data.cache import Cache, CacheCorrupt
from torchvision_stats.data.dataset import weight_tables_from_html
from torchvision_stats.data.load import DataUnavailable, Source, load_weight_tables


def real_tables(version="main", fetched_at=None):
    html = real_page(version)
    return weight_tables_from_html(
        html,
        url=f"https://docs.pytorch.org/vision/{version}/models.html",
        fetched_at=fetched_at or datetime.now(UTC),
        sha256="a" * 64,
    )


def test_cache_round_trip_keeps_every_table_value_and_type(tmp_path):
    original = real_tables()
    cache = Cache(tmp_path)
    cache.write("main", original)
    restored = cache.read("main").data
    assert restored.provenance == original.provenance
    assert list(restored.tables) == list(original.tables)
    for slug, table in original.tables.items():
        pd.testing.assert_frame_equal(restored.tables[slug], table)


def test_cache_write_leaves_no_temporary_files(tmp_path):
    Cache(tmp_path).write("main", real_tables())
    assert [p.name for p in tmp_path.iterdir()] == ["models-main.json"]


def test_missing_entry_is_none(tmp_path):
    assert Cache(tmp_path / "nothing-here").read("main") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: b"\x00\xff garbage \x13",  # garbage
        lambda raw: raw.replace(b"80.858", b"99.999", 1),  # edited: checksum no longer matches
        lambda raw: json.dumps({"format": 99}).encode(),  # another format
        lambda raw: b"",  # empty
    ],
)
def test_corrupt_entries_are_detected(tmp_path, damage):
    cache = Cache(tmp_path)
    path = cache.write("main", real_tables())
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CacheCorrupt):
        cache.read("main")


def test_fresh_cache_is_served_without_a_request(docs_server, tmp_path):
    Cache().write("main", real_tables())
    result = load_weight_tables("main")
    assert result.source is Source.CACHE and docs_server.requests == []


def test_expired_cache_is_refreshed_from_the_docs_and_rewritten(docs_server):
    Cache().write("main", real_tables(fetched_at=datetime.now(UTC) - timedelta(hours=25)))
    docs_server.serve_page("main", Route(real_page("main")))
    result = load_weight_tables("main")
    assert result.source is Source.LIVE and result.messages == []
    assert Cache().read("main").is_fresh(timedelta(hours=24))
    assert result.data.provenance.sha256 == "b100ba23e81a0a889835c60b993ba119c1ed770a90f788e8411bebd761458972"
    assert result.data.provenance.page_version == "main (0.25.0a0+218d2ab)"


def test_ttl_is_configurable(docs_server):
    Cache().write("main", real_tables(fetched_at=datetime.now(UTC) - timedelta(minutes=10)))
    docs_server.serve_page("main", Route(real_page("main")))
    assert load_weight_tables("main", ttl=timedelta(hours=1)).source is Source.CACHE
    assert load_weight_tables("main", ttl=timedelta(minutes=5)).source is Source.LIVE


@pytest.mark.parametrize(
    "route",
    [
        Route(b"down", 503, "text/plain"),
        Route(b"<html><body>We moved things around</body></html>"),
        Route(real_page("main").replace(b"<strong>Weight</strong>", b"<strong>Name</strong>")),
    ],
    ids=["503", "no tables", "renamed headers"],
)
def test_a_failed_or_invalid_fetch_serves_the_stale_copy_and_never_replaces_it(docs_server, route):
    old = datetime.now(UTC) - timedelta(days=3)
    path = Cache().write("main", real_tables(fetched_at=old))
    before = path.read_bytes()
    docs_server.serve_page("main", route)
    result = load_weight_tables("main")
    assert result.source is Source.STALE_CACHE
    assert result.data.row_count == 158 and result.data.provenance.fetched_at == old
    assert result.messages and result.messages[0].startswith("Could not refresh from the docs:")
    assert path.read_bytes() == before
    assert "3 days ago" in result.describe()


def test_corrupt_cache_and_no_network_falls_back_to_the_bundled_snapshot():
    path = Cache().write("main", real_tables())
    path.write_bytes(b"{not json")
    result = load_weight_tables("main")
    assert result.source is Source.SNAPSHOT and result.data.row_count == 158
    assert any("cached copy was ignored" in m for m in result.messages)
    assert any("Could not connect" in m for m in result.messages)
    assert result.data.provenance.sha256 == "b100ba23e81a0a889835c60b993ba119c1ed770a90f788e8411bebd761458972"


def test_offline_never_touches_the_network(docs_server):
    result = load_weight_tables("main", offline=True)
    assert result.source is Source.SNAPSHOT and docs_server.requests == []
    assert result.describe().startswith("bundled snapshot, captured by")


def test_refresh_skips_a_fresh_cache(docs_server):
    Cache().write("main", real_tables())
    docs_server.serve_page("main", Route(real_page("main")))
    assert load_weight_tables("main", refresh=True).source is Source.LIVE
    assert len(docs_server.requests) == 1


def test_an_unwritable_cache_still_serves_live_data_and_says_so(docs_server, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    docs_server.serve_page("main", Route(real_page("main")))
    result = load_weight_tables("main", cache_dir=blocker / "cache")
    assert result.source is Source.LIVE
    assert any("could not be saved" in m for m in result.messages)


def test_a_version_with_no_data_anywhere_says_why(docs_server):
    with pytest.raises(DataUnavailable, match=r"No data for torchvision docs 0.12\. .*HTTP 404"):
        load_weight_tables("0.12")


def test_two_writers_leave_a_valid_entry(tmp_path):
    data = real_tables()
    pids = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:  # child: write many times, exit without pytest's teardown
            try:
                for _ in range(10):
                    Cache(tmp_path).write("main", data)
            finally:
                os._exit(0)
        pids.append(pid)
    for _ in range(20):
        assert Cache(tmp_path).read("main") is None or Cache(tmp_path).read("main").data.row_count == 158
    for pid in pids:
        os.waitpid(pid, 0)
    assert Cache(tmp_path).read("main").data.row_count == 158
    assert [p.name for p in tmp_path.iterdir()] == ["models-main.json"]
