"""Which parts of a newly fetched page replace the earlier copy of the same docs version.

The page itself tells damage from change. A download that stops before the end of the page, or
whose rows don't fit their header, is damaged: the earlier copy is kept whole. A complete page is
the docs as they are now, so removed and added weights are taken and reported. A single table that
vanished or lost a metric column on an otherwise complete page keeps its earlier copy alone; the
other categories are taken live.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data.dataset import InvalidPage, KeptCategory, WeightTables

WEIGHT = registry.WEIGHT.label

NAMES_LISTED = 5  # weights named in a change sentence before "and N more"


def _names(weights: list[str]) -> str:
    shown = ", ".join(weights[:NAMES_LISTED])
    more = len(weights) - NAMES_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _source_metrics(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c in registry.METRICS and not registry.METRICS[c].is_derived]


def _loss(previous: pd.DataFrame, new: pd.DataFrame | None, title: str) -> str | None:
    """Why the new table cannot replace the previous one; None when it can."""
    if new is None:
        return f"the live page has no {title.lower()} table"
    lost = [label for label in _source_metrics(previous) if label not in new.columns]
    if lost:
        return f"the live table has no {', '.join(lost)} column{'s' if len(lost) > 1 else ''}"
    return None


def _changed_values(previous: pd.DataFrame, new: pd.DataFrame) -> int:
    shared = [label for label in _source_metrics(previous) if label in new.columns]
    old = previous.drop_duplicates(WEIGHT).set_index(WEIGHT)[shared]
    now = new.drop_duplicates(WEIGHT).set_index(WEIGHT)[shared]
    both = old.index.intersection(now.index)
    old, now = old.loc[both], now.loc[both]
    differs = (old != now) & ~(old.isna() & now.isna())
    return int(differs.to_numpy().sum())


def describe_changes(previous: WeightTables, new: WeightTables) -> list[str]:
    """One sentence per category whose live table differs from the previous copy's."""
    sentences = []
    for slug, table in new.tables.items():
        title = registry.CATEGORIES[slug].title
        if slug in new.kept:
            continue
        if slug not in previous.tables:
            sentences.append(f"{title}: a new table with {len(table)} weights.")
            continue
        before, now = list(previous.tables[slug][WEIGHT]), list(table[WEIGHT])
        removed = [w for w in before if w not in set(now)]
        added = [w for w in now if w not in set(before)]
        parts = []
        if removed:
            parts.append(f"the docs no longer list {_names(removed)}")
        if added:
            parts.append(f"{len(added)} weight{'s' if len(added) != 1 else ''} added: {_names(added)}")
        changed = _changed_values(previous.tables[slug], table)
        if changed:
            parts.append(f"{changed} number{'s' if changed != 1 else ''} changed")
        if parts:
            sentences.append(f"{title}: " + "; ".join(parts) + ".")
    return sentences


def accept(previous: WeightTables | None, new: WeightTables) -> WeightTables:
    """`new` as it may replace `previous`: raises InvalidPage (saying why) when it is damaged;
    otherwise the live tables, with each category that lost its table or a metric column kept
    from `previous`, and the changes against `previous` described."""
    if previous is None:
        return new
    if new.damage:
        raise InvalidPage(
            "the page looks incomplete (" + "; ".join(new.damage) + "), so the earlier copy is kept."
        )
    if new.provenance.sha256 == previous.provenance.sha256:
        # The same page again: nothing changed since the last change, which stays the one reported.
        return replace(new, tables=previous.tables, kept=previous.kept, changes=previous.changes)
    tables: dict[str, pd.DataFrame] = {}
    kept: dict[str, KeptCategory] = {}
    for slug in registry.CATEGORIES:
        old_table, new_table = previous.tables.get(slug), new.tables.get(slug)
        reason = None if old_table is None else _loss(old_table, new_table, registry.CATEGORIES[slug].title)
        if reason is None:
            if new_table is not None:
                tables[slug] = new_table
            continue
        tables[slug] = old_table
        earlier = previous.kept.get(slug)
        kept[slug] = KeptCategory(reason, earlier.copy_of if earlier else previous.provenance.fetched_at)
    merged = replace(
        new,
        tables=tables,
        kept=kept,
        missing_categories=[slug for slug in registry.CATEGORIES if slug not in tables],
    )
    return replace(merged, changes=describe_changes(previous, merged))
