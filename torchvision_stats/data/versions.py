"""Which docs versions exist: read from the site's versions page, with a built-in fallback.

Only releases from 0.13 on have the weight tables (the multi-weight API arrived in 0.13).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from torchvision_stats.data import fetch
from torchvision_stats.data.cache import DEFAULT_TTL, Cache, CacheCorrupt
from torchvision_stats.data.parse import PageError, parse_document
from torchvision_stats.data.snapshot import snapshot_versions

FIRST_RELEASE_WITH_TABLES = 13
# Releases known when the bundled snapshot was taken (main was 0.25.0a0 then).
FALLBACK_VERSIONS = ("main", "stable", *(f"0.{minor}" for minor in range(24, 12, -1)))
_CACHE_NAME = "versions.json"
_LINK = re.compile(rf"^(?:\.\./|/vision/|\./)?(?P<version>{fetch.VERSION_PATTERN})/?(?:index\.html)?$")


def release_key(version: str) -> tuple[int, int]:
    """Sort key, oldest first: 0.13 < 0.20 < stable < main."""
    if version == "main":
        return (2, 0)
    if version == "stable":
        return (1, 0)
    return (0, int(version.split(".")[1]))


def has_weight_tables(version: str) -> bool:
    return version in ("main", "stable") or int(version.split(".")[1]) >= FIRST_RELEASE_WITH_TABLES


def parse_versions_page(html: str | bytes) -> list[str]:
    """Versions linked from the versions page (``<a href="0.20/">``), newest first."""
    try:
        document = parse_document(html)
    except PageError:
        return []
    found = set()
    for link in document.iter("a"):
        match = _LINK.match((link.get("href") or "").strip())
        if match and has_weight_tables(match.group("version")):
            found.add(match.group("version"))
    return sorted(found, key=release_key, reverse=True)


def refresh_version_list(cache: Cache | None = None) -> list[str] | None:
    """Fetch the versions page and cache its list; None on success, else why not, in words."""
    cache = cache or Cache()
    try:
        page = fetch.fetch_url(fetch.versions_url())
    except fetch.FetchError as error:
        return [f"Could not read the list of docs versions: {error}"]
    listed = parse_versions_page(page.text)
    if not listed:
        return ["The docs' versions page lists no release with weight tables; using the built-in list."]
    try:
        cache.write_document(_CACHE_NAME, {"fetched_at": page.fetched_at.isoformat(), "versions": listed})
    except OSError as error:
        return [f"The list of docs versions could not be cached ({error.strerror or error})."]
    return None


def known_versions(cache: Cache | None = None, ttl: timedelta = DEFAULT_TTL) -> tuple[list[str], bool]:
    """(versions newest first, whether the list is stale); never touches the network.

    The cached list from the site when there is one, else the built-in list; the bundled
    snapshots' versions are always included.
    """
    cache = cache or Cache()
    listed: list[str] = list(FALLBACK_VERSIONS)
    stale = True
    try:
        body = cache.read_document(_CACHE_NAME)
    except CacheCorrupt:
        body = None
    if body is not None:
        try:
            listed = [v for v in body["versions"] if isinstance(v, str) and _LINK.match(v)]
            fetched_at = datetime.fromisoformat(body["fetched_at"])
            stale = datetime.now(UTC) - fetched_at > ttl
        except (KeyError, TypeError, ValueError):
            listed, stale = list(FALLBACK_VERSIONS), True
    merged = set(listed) | set(snapshot_versions())
    return sorted(merged, key=release_key, reverse=True), stale


BUNDLED, CACHED, NEEDS_NETWORK = "bundled", "cached", "needs network"


def availability(version: str, cache: Cache | None = None) -> str:
    """Whether `version` loads without the network: bundled with the app, in the cache, or not."""
    if version in snapshot_versions():
        return BUNDLED
    if (cache or Cache()).path_for(version).exists():
        return CACHED
    return NEEDS_NETWORK
