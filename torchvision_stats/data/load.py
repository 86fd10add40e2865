"""Get the best weight tables available: fresh cache → live docs → stale cache → bundled snapshot.

The result always says which of these it is, how old it is, and, in words, what went wrong on
the way. A failed or invalid fetch never replaces good cached data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path

from torchvision_stats.data import acceptance, fetch, snapshot
from torchvision_stats.data.cache import DEFAULT_TTL, Cache, CacheCorrupt, CacheEntry
from torchvision_stats.data.dataset import InvalidPage, WeightTables, weight_tables_from_html
from torchvision_stats.data.derived import add_derived_metrics


class Source(Enum):
    LIVE = "live docs"
    CACHE = "cached docs"
    STALE_CACHE = "stale cached docs"
    SNAPSHOT = "bundled snapshot"
    FILE = "local file"


class DataUnavailable(Exception):
    """Nothing at all could be loaded for a version; str() says why, in words."""


@dataclass
class LoadResult:
    data: WeightTables  # with the derived metrics: every reader sees the same columns
    source: Source
    version: str
    messages: list[str] = field(default_factory=list)  # what went wrong on the way, for users

    def __post_init__(self) -> None:
        self.data = add_derived_metrics(self.data)

    def describe(self, now: datetime | None = None) -> str:
        """Where the numbers come from and how old they are, as a phrase for users."""
        when = self.data.provenance.fetched_at
        if self.source is Source.SNAPSHOT:
            return f"bundled snapshot, captured by {when:%Y-%m-%d}"
        if self.source is Source.FILE:
            return f"local file, saved {when:%Y-%m-%d %H:%M} UTC"
        return f"{self.source.value}, fetched {describe_age(self.data.provenance.age(now))}"


def describe_age(age: timedelta) -> str:
    seconds = max(age.total_seconds(), 0)
    if seconds < 90:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def fetch_weight_tables(version: str, *, base: str | None = None) -> WeightTables:
    """A live fetch and parse; raises fetch.FetchError or InvalidPage."""
    page = fetch.fetch_page(version, base=base)
    return weight_tables_from_html(page.text, url=page.url, fetched_at=page.fetched_at, sha256=page.sha256)


def _read_cache(cache: Cache, version: str, messages: list[str]) -> CacheEntry | None:
    try:
        return cache.read(version)
    except CacheCorrupt as error:
        messages.append(f"The cached copy was ignored: {error}.")
        return None


def _save(
    cache: Cache, version: str, data: WeightTables, messages: list[str], *, previous: bool = False
) -> None:
    try:
        cache.write(version, data, previous=previous)
    except OSError as error:
        messages.append(f"The fresh data could not be saved to the cache ({error.strerror or error}).")


def load_weight_tables(
    version: str = "main",
    *,
    offline: bool = False,
    refresh: bool = False,
    ttl: timedelta = DEFAULT_TTL,
    cache_dir: Path | str | None = None,
    base: str | None = None,
) -> LoadResult:
    """The best data for `version`. `refresh` skips the fresh-cache step; `offline` the network."""
    fetch.validate_version(version)
    cache = Cache(cache_dir)
    messages: list[str] = []
    cached = _read_cache(cache, version, messages)
    if cached is not None and cached.is_fresh(ttl) and not refresh:
        return LoadResult(cached.data, Source.CACHE, version, messages)
    if not offline:
        live = _refresh(cache, cached, version, base, messages)
        if live is not None:
            return live
    if cached is not None:
        source = Source.CACHE if cached.is_fresh(ttl) else Source.STALE_CACHE
        return LoadResult(cached.data, source, version, messages)
    bundled = snapshot.load_snapshot(version)
    if bundled is not None:
        return LoadResult(bundled, Source.SNAPSHOT, version, messages)
    reasons = " ".join(messages) or "It is not cached and no snapshot of it is bundled."
    raise DataUnavailable(f"No data for torchvision docs {version}. {reasons}")


def _refresh(
    cache: Cache, cached: CacheEntry | None, version: str, base: str | None, messages: list[str]
) -> LoadResult | None:
    """Fetch, check and cache the live page; None (and a message) when that fails."""
    try:
        fetched = fetch_weight_tables(version, base=base)
        # The yardstick is the copy on hand: the cache, else the bundled page of the same version.
        previous = cached.data if cached is not None else snapshot.load_snapshot(version)
        data = acceptance.accept(previous, fetched)
    except (fetch.FetchError, InvalidPage) as error:
        messages.append(f"Could not refresh from the docs: {error}")
        return None
    if previous is None and data.damage:
        messages.append(
            "The docs page looks incomplete (" + "; ".join(data.damage) + "); it is shown because "
            "there is no earlier copy of this version."
        )
    if previous is not None and previous.provenance.sha256 != data.provenance.sha256:
        _save(cache, version, previous, messages, previous=True)
    _save(cache, version, data, messages)
    return LoadResult(data, Source.LIVE, version, messages)


def previous_copy(version: str, *, cache_dir: Path | str | None = None) -> WeightTables | None:
    """The copy of `version` that the last new page replaced (None when there is none or it is damaged)."""
    try:
        entry = Cache(cache_dir).read(version, previous=True)
    except CacheCorrupt:
        return None
    return add_derived_metrics(entry.data) if entry is not None else None


def refresh_from_docs(version: str, *, cache_dir: Path | str | None = None) -> list[str] | None:
    """Fetch the live page into the cache; None on success, else why not, in words.

    For background refreshes: unlike load_weight_tables it never falls back, so a failure costs
    no parse of the data that is already on screen.
    """
    cache = Cache(cache_dir)
    messages: list[str] = []
    result = _refresh(cache, _read_cache(cache, version, messages), version, None, messages)
    return None if result is not None and not result.messages else messages


def load_from_file(path: Path | str, version: str = "main") -> LoadResult:
    """Parse a saved copy of the page (``scrape --from-file``); raises InvalidPage or OSError."""
    html = Path(path).read_bytes()
    modified = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC)
    data = weight_tables_from_html(
        html, url=fetch.page_url(version), fetched_at=modified, sha256=hashlib.sha256(html).hexdigest()
    )
    return LoadResult(data, Source.FILE, version)
