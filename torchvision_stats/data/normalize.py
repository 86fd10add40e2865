"""Raw tables → typed pandas tables whose columns are the registry's labels.

Every row of the page becomes a row here. A cell that cannot be read becomes NaN and a
problem is reported; nothing is dropped silently and no value is invented.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data import naming
from torchvision_stats.data.parse import ParsedPage, RawTable

# Texts the docs use for "no value". They are missing data, not parse failures.
_MISSING_TEXTS = frozenset({"", "nan", "n/a", "na", "-", "\u2013", "\u2014", "\u2212", "none", "?"})
_SUFFIX_SCALE = {"": 1.0, "k": 1e-3, "m": 1.0, "b": 1e3, "g": 1e3}
_NUMBER = re.compile(r"^(?P<number>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(?P<suffix>[kmbg]?)%?$")
# Resolved once: looking a dtype up by name costs more than filling the column.
_METRIC_DTYPE = pd.api.types.pandas_dtype("float64")
_TEXT_DTYPE = pd.api.types.pandas_dtype("str")
WEIGHT, DOCS = registry.WEIGHT.label, registry.DOCS.label
_THOUSANDS = re.compile(r"(?<=\d)[,\u2009\u202f_'](?=\d{3}(?:\D|$))")


class UnreadableNumber(ValueError):
    pass


def parse_number(text: str, *, millions: bool = False) -> float:
    """``"25.6M"`` → 25.6 (with ``millions``), ``"4.09"`` → 4.09, ``"nan"``/``"–"`` → NaN.

    Raises UnreadableNumber for text that is neither a number nor a known "missing" mark.
    The suffixes K, M and B scale to millions; without ``millions`` a suffix is an error.
    """
    cleaned = text.strip().replace("\u2212", "-").replace("\u00a0", "").replace(" ", "")
    if cleaned.lower() in _MISSING_TEXTS:
        return math.nan
    cleaned = _THOUSANDS.sub("", cleaned)
    match = _NUMBER.match(cleaned.lower())
    if match is None:
        raise UnreadableNumber(text)
    suffix = match.group("suffix")
    if suffix and not millions:
        raise UnreadableNumber(text)
    value = float(match.group("number"))
    if not math.isfinite(value):
        raise UnreadableNumber(text)
    return value * _SUFFIX_SCALE[suffix] if millions else value


@dataclass
class NormalizedPage:
    tables: dict[str, pd.DataFrame]
    page_version: str | None
    missing_categories: list[str]
    problems: list[str] = field(default_factory=list)


def _column_roles(raw: RawTable, problems: list[str]) -> dict[int, registry.Column]:
    """Column index on the page → the registry's column; unknown columns are reported."""
    roles: dict[int, registry.Column] = {}
    for index, header in enumerate(raw.headers):
        column = registry.column_for_header(header)
        if column is None:
            problems.append(f"{raw.category.title}: the column {header!r} is not known and was ignored.")
        else:
            roles[index] = column
    return roles


def absolute_url(page_url: str, href: str) -> str:
    """urljoin, with a fast path for the page's plain relative links (urljoin is most of a row's cost)."""
    if href.startswith("models/") and ".." not in href and "?" not in page_url and "#" not in page_url:
        return page_url.rsplit("/", 1)[0] + "/" + href
    return urljoin(page_url, href)


def normalize_table(raw: RawTable, page_url: str, problems: list[str]) -> pd.DataFrame:
    roles = _column_roles(raw, problems)
    found = {column.label for column in roles.values()}
    metric_labels = [label for label in raw.category.metric_labels if label in found]
    columns: dict[str, list] = {label: [] for label in registry.table_columns(metric_labels)}
    title = raw.category.title
    seen: set[str] = set()
    for row_number, row in enumerate(raw.rows, start=1):
        if len(row) == len(raw.headers):
            values = _row_values(row, roles, page_url, title, row_number, problems)
        else:
            # A cell is missing or extra, and which one is unknown: reading by position could put
            # one metric's number under another. Keep the weight, leave its numbers empty.
            values = _weight_only(row, page_url)
            problems.append(
                f"{title}, row {row_number} ({values.get(WEIGHT) or 'no weight name'}): {len(row)} cells "
                f"under {len(raw.headers)} headers; its numbers were left empty rather than guessed."
            )
        weight = values.get(WEIGHT) or ""
        if not weight:
            problems.append(f"{title}, row {row_number}: the weight name is empty.")
        elif weight in seen:
            problems.append(f"{title}: {weight} is listed more than once; every copy is kept.")
        seen.add(weight)
        builder = naming.builder_of(values[DOCS]) if values.get(DOCS) else None
        columns[WEIGHT].append(weight)
        columns[registry.MODEL.label].append(builder[1] if builder else None)
        columns[registry.MODULE.label].append(builder[0] if builder else None)
        columns[registry.FAMILY.label].append(naming.family_of(weight))
        columns[registry.RECIPE.label].append(values.get(registry.RECIPE.label))
        columns[DOCS].append(values.get(DOCS))
        for label in metric_labels:
            columns[label].append(values.get(label, math.nan))
        if weight and builder is None:
            problems.append(f"{title}: {weight} has no link to its model builder.")
    return typed_table(columns)


def _row_values(
    row, roles: dict[int, registry.Column], page_url: str, title: str, row_number: int, problems: list[str]
) -> dict[str, object]:
    values: dict[str, object] = {}
    for index, column in roles.items():
        cell = row[index]
        if isinstance(column, registry.Metric):
            values[column.label] = _metric_value(cell, column, title, row_number, problems)
            continue
        values[column.label] = cell.href if column.reads == "href" else cell.text
        if column.link_to:
            values[column.link_to] = absolute_url(page_url, cell.href) if cell.href else None
    return values


def _weight_only(row, page_url: str) -> dict[str, object]:
    """From a ragged row, just the cell that links to a model builder's page, if any."""
    for cell in row:
        if cell.href and naming.builder_of(cell.href):
            return {WEIGHT: cell.text, DOCS: absolute_url(page_url, cell.href)}
    return {}


def typed_table(columns: dict[str, list]) -> pd.DataFrame:
    """A table with the registry's types: metrics float64 (missing is NaN), text columns str.

    Typed at construction: converting columns afterwards costs more than the whole parse.
    """
    return pd.DataFrame(
        {
            label: pd.array(values, dtype=_METRIC_DTYPE if label in registry.METRICS else _TEXT_DTYPE)
            for label, values in columns.items()
        }
    )


def _metric_value(cell, metric: registry.Metric, title: str, row_number: int, problems: list[str]) -> float:
    try:
        return parse_number(cell.text, millions=metric.in_millions)
    except UnreadableNumber:
        problems.append(
            f"{title}, row {row_number}: {metric.label} {cell.text!r} is not a number; left empty."
        )
        return math.nan


def normalize_page(parsed: ParsedPage, page_url: str) -> NormalizedPage:
    problems = list(parsed.problems)
    tables = {slug: normalize_table(raw, page_url, problems) for slug, raw in parsed.tables.items()}
    return NormalizedPage(tables, parsed.page_version, parsed.missing_categories, problems)
