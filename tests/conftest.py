from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs_server import DocsServer

FIXTURES = Path(__file__).parent / "fixtures" / "docs-pages"
VERSIONS = ("main", "0.20", "0.15", "0.13")


def real_page(version: str) -> bytes:
    """A real, unchanged copy of docs.pytorch.org/vision/<version>/models.html."""
    return (FIXTURES / version / "models.html").read_bytes()


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
