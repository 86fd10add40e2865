"""The weight tables of one docs page together with where they came from."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data.normalize import normalize_page
from torchvision_stats.data.parse import PageError, parse_weight_tables

logger = logging.getLogger(__name__)


class InvalidPage(ValueError):
    """The page was fetched but holds no weight table we can read."""


@dataclass(frozen=True)
class Provenance:
    url: str
    fetched_at: datetime  # timezone-aware, UTC
    page_version: str | None  # what the page calls itself, e.g. "main (0.25.0a0+218d2ab)"
    sha256: str  # of the page's bytes

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or datetime.now(UTC)) - self.fetched_at

    def to_record(self) -> dict[str, str | None]:
        """As JSON-ready values (the cache file and provenance.json)."""
        return {
            "url": self.url,
            "fetched_at": self.fetched_at.isoformat(),
            "page_version": self.page_version,
            "sha256": self.sha256,
        }

    @classmethod
    def from_record(cls, record: dict) -> Provenance:
        """Raises ValueError when the time has no time zone; KeyError when a field is missing."""
        fetched_at = datetime.fromisoformat(record["fetched_at"])
        if fetched_at.tzinfo is None:
            raise ValueError("fetched_at has no time zone")
        return cls(record["url"], fetched_at, record["page_version"], record["sha256"])


@dataclass(frozen=True)
class KeptCategory:
    """A category whose table was taken from an earlier copy because the live one lost something."""

    reason: str  # e.g. "the live table has no GFLOPS column"
    copy_of: datetime  # when the copy it was kept from was fetched or captured

    def describe(self, title: str) -> str:
        return f"{title}: kept from the copy of {self.copy_of:%Y-%m-%d}; {self.reason}."


@dataclass
class WeightTables:
    tables: dict[str, pd.DataFrame]  # category slug → normalised table, in registry order
    provenance: Provenance
    missing_categories: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    kept: dict[str, KeptCategory] = field(default_factory=dict)  # slug → why it is not live
    changes: list[str] = field(default_factory=list)  # what the last new page changed, in words
    damage: list[str] = field(default_factory=list)  # signs of an incomplete download; not stored

    @property
    def row_count(self) -> int:
        return sum(len(table) for table in self.tables.values())

    def categories(self) -> list[registry.Category]:
        return [registry.CATEGORIES[slug] for slug in self.tables]


def weight_tables_from_html(
    html: str | bytes, *, url: str, fetched_at: datetime, sha256: str
) -> WeightTables:
    """Parse and normalise one page; raises InvalidPage when no weight table is found."""
    started = time.perf_counter()
    try:
        parsed = parse_weight_tables(html)
    except PageError as error:
        raise InvalidPage(f"The page could not be read: {error}.") from error
    if not parsed.tables:
        raise InvalidPage("The page has no table of model weights (the docs may have changed their layout).")
    normalized = normalize_page(parsed, url)
    provenance = Provenance(url, fetched_at, normalized.page_version, sha256)
    ordered = {slug: normalized.tables[slug] for slug in registry.CATEGORIES if slug in normalized.tables}
    data = WeightTables(
        ordered, provenance, normalized.missing_categories, normalized.problems, damage=parsed.damage()
    )
    # One line per parse: the load test counts them to show sessions share one parse.
    logger.info("parsed %s: %d rows in %.1f ms", url, data.row_count, (time.perf_counter() - started) * 1000)
    return data
