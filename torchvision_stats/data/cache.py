"""On-disk cache of parsed weight tables, one JSON file per docs version.

Writes are atomic (a temporary file in the same folder, fsync, rename), so a reader sees the
old entry or the new one, never half of one. Each entry carries a checksum of its body: a
truncated, edited or garbage file is detected and ignored, never served.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data.dataset import KeptCategory, Provenance, WeightTables
from torchvision_stats.data.normalize import typed_table

CACHE_DIR_VARIABLE = "TVSTATS_CACHE_DIR"
FORMAT = 1
DEFAULT_TTL = timedelta(hours=24)
ORPHAN_AGE = timedelta(minutes=10)


class CacheCorrupt(ValueError):
    """A cache entry exists but cannot be trusted."""


def write_atomically(path: Path, content: bytes) -> None:
    """Replace `path` with `content` so a reader sees the old file or the new one, never a part:
    a temporary file in the same folder, flushed to disk, then renamed over it. A temporary file a
    killed writer leaves ends in .tmp and is never read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def default_cache_dir() -> Path:
    """TVSTATS_CACHE_DIR, else the platform's user cache folder."""
    override = os.environ.get(CACHE_DIR_VARIABLE)
    if override:
        return Path(override)
    if sys.platform == "win32":
        root = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return root / "torchvision-stats" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "torchvision-stats"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "torchvision-stats"


@dataclass(frozen=True)
class CacheEntry:
    data: WeightTables

    def is_fresh(self, ttl: timedelta, now: datetime | None = None) -> bool:
        return timedelta(0) <= self.data.provenance.age(now) <= ttl


def _cell_to_json(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return value


def _body(data: WeightTables) -> dict:
    return {
        "provenance": data.provenance.to_record(),
        "missing_categories": data.missing_categories,
        "problems": data.problems,
        "kept": {
            slug: {"reason": kept.reason, "copy_of": kept.copy_of.isoformat()}
            for slug, kept in data.kept.items()
        },
        "changes": data.changes,
        "tables": {
            slug: {
                "columns": list(table.columns),
                "rows": [[_cell_to_json(v) for v in row] for row in table.itertuples(index=False)],
            }
            for slug, table in data.tables.items()
        },
    }


def _checksum(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _table_from_json(slug: str, stored: dict) -> pd.DataFrame:
    if slug not in registry.CATEGORIES:
        raise CacheCorrupt(f"unknown category {slug!r}")
    columns = stored["columns"]
    known = set(registry.TEXT_COLUMNS) | set(registry.CATEGORIES[slug].metric_labels)
    if not set(columns) <= known or any(label not in columns for label in registry.TEXT_COLUMNS):
        raise CacheCorrupt(f"unexpected columns in {slug}")
    rows = stored["rows"]
    if any(len(row) != len(columns) for row in rows):
        raise CacheCorrupt(f"ragged rows in {slug}")
    by_column = {label: [row[i] for row in rows] for i, label in enumerate(columns)}
    for label, values in by_column.items():
        expected = (int, float) if label in registry.METRICS else str
        if any(v is not None and (not isinstance(v, expected) or isinstance(v, bool)) for v in values):
            raise CacheCorrupt(f"wrong value type in {slug} / {label}")
        if label in registry.METRICS:
            by_column[label] = [math.nan if v is None else float(v) for v in values]
    return typed_table(by_column)


def _weight_tables_from_json(body: dict) -> WeightTables:
    provenance = Provenance.from_record(body["provenance"])
    tables = {slug: _table_from_json(slug, table) for slug, table in body["tables"].items()}
    # Entries written before kept categories and changes were recorded have neither.
    kept = {
        slug: KeptCategory(str(entry["reason"]), _aware(entry["copy_of"]))
        for slug, entry in body.get("kept", {}).items()
        if slug in tables
    }
    return WeightTables(
        tables,
        provenance,
        list(body["missing_categories"]),
        list(body["problems"]),
        kept=kept,
        changes=[str(change) for change in body.get("changes", [])],
    )


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise CacheCorrupt("a time without a time zone")
    return moment


class Cache:
    """The cache folder. Nothing is created until the first write."""

    def __init__(self, directory: Path | str | None = None):
        self.directory = Path(directory) if directory is not None else default_cache_dir()

    def path_for(self, version: str, *, previous: bool = False) -> Path:
        return self.directory / f"models-{version}{'.previous' if previous else ''}.json"

    def read(self, version: str, *, previous: bool = False) -> CacheEntry | None:
        """The entry for `version` (or the copy it replaced); None when there is none; CacheCorrupt
        when it is damaged."""
        name = self.path_for(version, previous=previous).name
        body = self.read_document(name)
        if body is None:
            return None
        try:
            return CacheEntry(_weight_tables_from_json(body))
        except CacheCorrupt:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise CacheCorrupt(f"the cache file {name} is damaged ({type(error).__name__})") from error

    def write(self, version: str, data: WeightTables, *, previous: bool = False) -> Path:
        """Store atomically; raises OSError when the folder cannot be written."""
        return self.write_document(self.path_for(version, previous=previous).name, _body(data))

    def write_document(self, name: str, body: dict) -> Path:
        """Write `body` with its checksum to the file `name`, atomically."""
        document = {"format": FORMAT, "checksum": _checksum(body), "body": body}
        path = self.directory / name
        write_atomically(path, json.dumps(document, ensure_ascii=True).encode("utf-8"))
        self._remove_orphans()
        return path

    def _remove_orphans(self, older_than: timedelta = ORPHAN_AGE) -> None:
        """Temporary files a killed writer left behind; never read, removed once they are old."""
        cutoff = datetime.now(UTC).timestamp() - older_than.total_seconds()
        for leftover in self.directory.glob("*.tmp"):
            try:
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()
            except OSError:
                pass  # another process removed it first

    def read_document(self, name: str) -> dict | None:
        """The checked body of the file `name`; None when absent; CacheCorrupt when damaged."""
        path = self.directory / name
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise CacheCorrupt(f"the cache file {path.name} cannot be read ({error.strerror})") from error
        try:
            document = json.loads(raw)
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise CacheCorrupt(f"the cache file {path.name} is of another format")
            body = document["body"]
            if document.get("checksum") != _checksum(body):
                raise CacheCorrupt(f"the cache file {path.name} does not match its checksum")
            return body
        except CacheCorrupt:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise CacheCorrupt(f"the cache file {path.name} is damaged ({type(error).__name__})") from error
