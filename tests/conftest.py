from __future__ import annotations

import functools
import importlib
import os
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


def in_ci() -> bool:
    """Any CI variable, whatever its value (CI=1, CI=yes, CI=true …)."""
    return "CI" in os.environ


def skip_or_fail(reason: str) -> None:
    """Skip with the reason printed (pytest -ra) on a developer's machine; fail in CI, which must
    run every test it has."""
    if in_ci():
        pytest.fail(f"{reason} (tests never skip in CI)")
    pytest.skip(reason)


def require_torch() -> tuple:
    """(torch, torchvision) for the tests of the measuring engine: skip-or-fail when the measure
    extra is missing, as the browser tests do without Chromium."""
    try:
        return importlib.import_module("torch"), importlib.import_module("torchvision")
    except ImportError:
        skip_or_fail("the measure extra is not installed (make install-measure)")
        raise


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
