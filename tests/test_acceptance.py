"""Damage or change: which parts of a fetched page replace the copy on hand.

Each page here is the real main page changed in one way, served by a real HTTP server on
127.0.0.1; the copy on hand is the bundled snapshot (an empty cache) or a cached copy.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import streamlit as st

from dashboard import data as dashboard_data
from tests.conftest import real_page
from tests.docs_server import Route
from tests.test_app import run_app
from tests.test_store_and_load import real_tables
from torchvision_stats.data import acceptance
from torchvision_stats.data.cache import Cache
from torchvision_stats.data.load import Source, load_weight_tables, previous_copy

PAGE = real_page("main")


def _row_span(page: bytes, weight: str) -> tuple[int, int]:
    """Start and end of the <tr> that lists `weight`."""
    at = page.index(f'<span class="pre">{weight}</span>'.encode())
    start = page.rindex(b"<tr", 0, at)
    return start, page.index(b"</tr>", at) + len(b"</tr>")


def _table_span(page: bytes, weight: str) -> tuple[int, int]:
    """Start and end of the <table> that lists `weight`."""
    at = page.index(f'<span class="pre">{weight}</span>'.encode())
    start = page.rindex(b"<table", 0, at)
    return start, page.index(b"</table>", at) + len(b"</table>")


def without_row(page: bytes, weight: str) -> bytes:
    start, end = _row_span(page, weight)
    return page[:start] + page[end:]


def with_copy_of_row(page: bytes, weight: str, new_name: str) -> bytes:
    start, end = _row_span(page, weight)
    row = page[start:end].replace(f">{weight}<".encode(), f">{new_name}<".encode())
    return page[:end] + b"\n" + row + page[end:]


def without_table(page: bytes, weight: str) -> bytes:
    start, end = _table_span(page, weight)
    return page[:start] + page[end:]


def with_renamed_header(page: bytes, weight: str, old: bytes, new: bytes) -> bytes:
    start, end = _table_span(page, weight)
    table = page[start:end]
    assert table.count(old) == 1
    return page[:start] + table.replace(old, new) + page[end:]


ALEXNET = "AlexNet_Weights.IMAGENET1K_V1"
VIDEO_WEIGHT = "MViT_V1_B_Weights.KINETICS400_V1"  # listed only in the video table
ADDED = "ResNet50_Weights.IMAGENET1K_V3"


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    monkeypatch.setenv("TVSTATS_FETCH_TIMEOUT", "5")
    st.cache_data.clear()
    st.cache_resource.clear()


def load_live(docs_server, page: bytes):
    docs_server.serve_page("main", Route(page))
    return load_weight_tables("main")


def test_a_removed_weight_is_taken_live_and_reported(docs_server):
    result = load_live(docs_server, without_row(PAGE, ALEXNET))
    assert result.source is Source.LIVE and result.messages == []
    classification = result.data.tables["classification"]
    assert len(classification) == 114 and ALEXNET not in set(classification["Weight"])
    assert result.data.changes == [f"Classification: the docs no longer list {ALEXNET}."]
    assert result.data.kept == {}
    # The copy it replaced (the bundled snapshot here) stays as the previous generation.
    previous = previous_copy("main")
    assert previous is not None and ALEXNET in set(previous.tables["classification"]["Weight"])
    # And the next load, from the cache, is the same live copy.
    again = load_weight_tables("main")
    assert again.source is Source.CACHE and len(again.data.tables["classification"]) == 114
    assert again.data.changes == result.data.changes


def test_an_added_weight_is_taken_live_and_reported(docs_server):
    result = load_live(docs_server, with_copy_of_row(PAGE, "ResNet50_Weights.IMAGENET1K_V2", ADDED))
    assert result.source is Source.LIVE
    assert len(result.data.tables["classification"]) == 116
    assert result.data.changes == [f"Classification: 1 weight added: {ADDED}."]


def test_a_changed_number_is_taken_live_and_counted(docs_server):
    page = PAGE.replace(b"<td><p>56.522</p></td>", b"<td><p>56.6</p></td>", 1)
    assert page != PAGE
    result = load_live(docs_server, page)
    row = result.data.tables["classification"].set_index("Weight").loc[ALEXNET]
    assert row["Acc@1"] == 56.6
    assert result.data.changes == ["Classification: 1 number changed."]


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda page: page[: len(page) * 6 // 10], id="at 60 %"),
        pytest.param(
            lambda page: page[: page.index(b"<td>", page.index(VIDEO_WEIGHT.encode()))], id="mid-table"
        ),
    ],
)
def test_a_truncated_page_is_rejected_and_the_snapshot_kept(docs_server, cut):
    result = load_live(docs_server, cut(PAGE))
    assert result.source is Source.SNAPSHOT and result.data.row_count == 158
    assert re.search(r"looks incomplete \(the download stops before the end of the page", result.messages[0])
    assert not Cache().path_for("main").exists()


def test_rows_that_do_not_fit_their_header_are_damage(docs_server):
    start, end = _row_span(PAGE, ALEXNET)
    ragged = PAGE[:start] + PAGE[start:end].replace(b"</tr>", b"<td><p>1</p></td></tr>") + PAGE[end:]
    result = load_live(docs_server, ragged)
    assert result.source is Source.SNAPSHOT
    assert "1 row of the classification table do not match its header" in result.messages[0]


def test_a_removed_table_keeps_only_that_category_from_before(docs_server):
    cached_at = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    Cache().write("main", real_tables(fetched_at=cached_at))
    docs_server.serve_page("main", Route(without_table(PAGE, VIDEO_WEIGHT)))
    result = load_weight_tables("main", refresh=True)
    assert result.source is Source.LIVE
    assert list(result.data.kept) == ["video_classification"]
    assert result.data.kept["video_classification"].describe("Video classification") == (
        "Video classification: kept from the copy of 2026-11-28; the live page has no video "
        "classification table."
    )
    assert len(result.data.tables["video_classification"]) == 10 and result.data.row_count == 158
    assert result.data.provenance.fetched_at > cached_at  # the other six are live
    assert result.data.missing_categories == []


def test_a_renamed_header_keeps_only_that_category_from_before(docs_server):
    page = with_renamed_header(PAGE, VIDEO_WEIGHT, b"<strong>GFLOPS</strong>", b"<strong>GFLOPs (T)</strong>")
    result = load_live(docs_server, page)
    assert result.source is Source.LIVE
    assert {slug: kept.reason for slug, kept in result.data.kept.items()} == {
        "video_classification": "the live table has no GFLOPS column"
    }
    assert "GFLOPS" in result.data.tables["video_classification"].columns
    assert "GFLOPS" in result.data.tables["classification"].columns
    # Kept again on the next new page: the date stays that of the copy it really came from.
    Cache().write("main", Cache().read("main").data)  # as it is
    docs_server.serve_page("main", Route(without_row(page, ALEXNET)))
    again = load_weight_tables("main", refresh=True)
    assert again.data.kept["video_classification"].copy_of == result.data.kept["video_classification"].copy_of
    assert again.data.changes == [f"Classification: the docs no longer list {ALEXNET}."]


def test_the_same_page_again_keeps_the_last_change_reported(docs_server):
    page = without_row(PAGE, ALEXNET)
    first = load_live(docs_server, page)
    again = load_weight_tables("main", refresh=True)
    assert again.source is Source.LIVE
    assert again.data.changes == first.data.changes
    assert ALEXNET in set(previous_copy("main").tables["classification"]["Weight"])


def test_names_in_a_change_sentence_are_limited():
    previous = real_tables()
    shrunk = replace(
        previous, tables={**previous.tables, "classification": previous.tables["classification"][:5]}
    )
    sentence = acceptance.describe_changes(previous, shrunk)[0]
    assert sentence.startswith("Classification: the docs no longer list ")
    assert sentence.endswith(" and 105 more.")


def test_the_app_shows_a_removed_weight_live_and_says_so(docs_server):
    docs_server.serve_page("main", Route(without_row(PAGE, ALEXNET)))
    app = run_app()  # the bundled snapshot at once, a refresh in the background
    dashboard_data.refresher("main").wait(timeout=30)
    app.run()
    assert not app.exception
    assert "113 of 114 weights plotted" in app.caption[1].value.replace("\\", "")
    sidebar = " ".join(i.value for i in app.sidebar.info).replace("\\", "")
    assert f"the docs no longer list {ALEXNET}" in sidebar
    assert app.sidebar.warning == [] or all("Could not" not in w.value for w in app.sidebar.warning)


def test_the_app_marks_a_kept_category_on_its_pages(docs_server):
    Cache().write("main", real_tables(fetched_at=datetime(2026, 11, 28, tzinfo=UTC)))
    page = with_renamed_header(PAGE, VIDEO_WEIGHT, b"<strong>GFLOPS</strong>", b"<strong>GFLOPs (T)</strong>")
    docs_server.serve_page("main", Route(page))
    load_weight_tables("main", refresh=True)
    expected = "Video classification: kept from the copy of 2026-11-28; the live table has no GFLOPS column."
    app = run_app({"category": "video_classification"})
    assert not app.exception
    on_page = [i.value.replace("\\", "") for i in app.main.info]
    assert expected in on_page
    assert expected in [i.value.replace("\\", "") for i in app.sidebar.info]
    classification = run_app({"category": "classification"})
    assert expected not in [i.value.replace("\\", "") for i in classification.main.info]
