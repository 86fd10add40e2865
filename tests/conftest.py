from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from tests.docs_server import DocsServer
from torchvision_stats.data.dataset import weight_tables_from_html

# The real pages ship once, inside the package (the offline snapshot); the tests read the same copy.
REAL_PAGES = Path(__file__).parent.parent / "torchvision_stats" / "data" / "snapshots"
VERSIONS = ("main", "0.20", "0.15", "0.13")


def real_page(version: str) -> bytes:
    """A real, unchanged copy of docs.pytorch.org/vision/<version>/models.html."""
    return (REAL_PAGES / version / "models.html").read_bytes()


@functools.cache
def parsed_tables(version: str) -> dict[str, pd.DataFrame]:
    """The normalised tables of a real page, parsed once per test run (read, never modify)."""
    return weight_tables_from_html(
        real_page(version),
        url=f"https://docs.pytorch.org/vision/{version}/models.html",
        fetched_at=datetime.now(UTC),
        sha256="",
    ).tables


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """No test touches the user's cache or the real docs site."""
    monkeypatch.setenv("TVSTATS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TVSTATS_DOCS_BASE_URL", "http://127.0.0.1:9/vision/")  # discard port: refused


@pytest.fixture
def docs_server(monkeypatch):
    with DocsServer() as server:
        monkeypatch.setenv("TVSTATS_DOCS_BASE_URL", server.base_url)
        yield server
