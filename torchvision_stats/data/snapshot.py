"""The real docs pages shipped inside the package, so the app works with no network."""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import datetime
from importlib import resources

from torchvision_stats import registry
from torchvision_stats.data.dataset import WeightTables, weight_tables_from_html

_FOLDER = resources.files("torchvision_stats.data") / "snapshots"


@functools.cache
def _pages() -> dict[str, dict]:
    # Package data never changes while the process runs: read it once.
    return json.loads((_FOLDER / "provenance.json").read_text(encoding="utf-8"))["pages"]


def snapshot_versions() -> list[str]:
    return list(_pages())


def load_snapshot(version: str) -> WeightTables | None:
    """The bundled page of `version` through the same parse path as a live page; None if not shipped."""
    pages = _pages()
    if version not in pages:
        return None
    html = (_FOLDER / version / "models.html").read_bytes()
    page = pages[version]
    return weight_tables_from_html(
        html,
        url=page["url"],
        fetched_at=datetime.fromisoformat(page["captured_by"]),
        sha256=hashlib.sha256(html).hexdigest(),
    )


@functools.cache
def bundled_families(slug: str) -> tuple[str, ...]:
    """The families of a category in any bundled release, sorted: a fixed order that gives each
    family the same colour in every release and under every filter. Package data: read once."""
    families: set[str] = set()
    for version in snapshot_versions():
        data = load_snapshot(version)
        if data is not None and slug in data.tables:
            families.update(data.tables[slug][registry.FAMILY.label].dropna())
    return tuple(sorted(families))
