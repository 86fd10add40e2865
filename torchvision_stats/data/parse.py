"""HTML of the docs page → one raw table per category.

Tables are recognised by their header row (a "Weight" column and at least one known metric)
and assigned to a category by the heading above them, never by position or CSS class: the
page starts with an unrelated table, releases differ in columns, and the classification and
video tables have identical columns. lxml is used directly because it is several times faster
than BeautifulSoup (see benchmarks/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree

from torchvision_stats import registry

_PRECEDING_HEADING = lxml.etree.XPath(
    "preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]"
)


class PageError(ValueError):
    """The page cannot be read as HTML at all."""


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None  # target of the first link in the cell


@dataclass
class RawTable:
    category: registry.Category
    headers: list[str]
    rows: list[list[Cell]]

    @property
    def ragged_rows(self) -> list[int]:
        """Row numbers (from 1) whose cell count does not match the header's."""
        return [number for number, row in enumerate(self.rows, start=1) if len(row) != len(self.headers)]


@dataclass
class ParsedPage:
    tables: dict[str, RawTable]
    page_version: str | None
    problems: list[str] = field(default_factory=list)
    ends_properly: bool = True  # the document closes its </body> or </html>

    @property
    def missing_categories(self) -> list[str]:
        return [slug for slug in registry.CATEGORIES if slug not in self.tables]

    def damage(self) -> list[str]:
        """Signs, in words, that the download is incomplete rather than a page that changed.

        A cut download still parses (lxml closes what is open), so the page is judged by its own
        end and by rows that do not fit their header.
        """
        signs = [] if self.ends_properly else ["the download stops before the end of the page"]
        for table in self.tables.values():
            ragged = table.ragged_rows
            if ragged:
                rows = f"{len(ragged)} row{'s' if len(ragged) != 1 else ''}"
                signs.append(f"{rows} of the {table.category.title.lower()} table do not match its header")
        return signs


def _text(element: lxml.etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _cell(element: lxml.etree._Element) -> Cell:
    href = next((link.get("href") for link in element.iter("a") if link.get("href")), None)
    return Cell(_text(element), href)


def _rows(table: lxml.etree._Element) -> tuple[list[str], list[list[Cell]]]:
    """Header texts and body rows; the header is the first row that has <th> cells."""
    headers: list[str] = []
    rows: list[list[Cell]] = []
    for row in table.iter("tr"):
        header_cells = [c for c in row if c.tag == "th"]
        if not headers and header_cells:
            headers = [_text(c) for c in header_cells]
            continue
        cells = [c for c in row if c.tag in ("td", "th")]
        if cells:
            rows.append([_cell(c) for c in cells])
    if not headers and rows:
        # Some themes write the header as an ordinary first row.
        headers = [cell.text for cell in rows.pop(0)]
    return headers, rows


def _is_weight_table(headers: list[str]) -> bool:
    columns = [registry.column_for_header(h) for h in headers]
    return registry.WEIGHT in columns and any(isinstance(c, registry.Metric) for c in columns)


def page_version(document: lxml.etree._Element) -> str | None:
    """The release the page says it documents, e.g. ``main (0.25.0a0+218d2ab)``."""
    for element in document.xpath('//div[contains(@class, "version")]'):
        text = _text(element).replace("\u25bc", "").strip()
        if text:
            return text
    titles = document.xpath("//title")
    if titles:
        match = re.search(r"Torchvision\s+(\S+)\s+documentation", _text(titles[0]))
        if match:
            return match.group(1)
    return None


# A complete page closes its body or its document; only the tail is searched.
_DOCUMENT_END = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
_TAIL_BYTES = 4096


def ends_properly(html: str | bytes) -> bool:
    tail = html[-_TAIL_BYTES:]
    return (
        _DOCUMENT_END.search(tail.encode("utf-8", "replace") if isinstance(tail, str) else tail) is not None
    )


def parse_document(html: str | bytes) -> lxml.etree._Element:
    # The plain etree parser: lxml.html's element classes make every traversal step slower.
    try:
        document = lxml.etree.fromstring(html, lxml.etree.HTMLParser())
    except (lxml.etree.ParserError, ValueError) as error:
        raise PageError(f"the page is not readable HTML ({error})") from error
    if document is None:
        raise PageError("the page is empty")
    return document


def parse_weight_tables(html: str | bytes) -> ParsedPage:
    """Find every weight table of the page and the category each belongs to."""
    document = parse_document(html)
    tables: dict[str, RawTable] = {}
    problems: list[str] = []
    for table in document.iter("table"):
        headers, rows = _rows(table)
        if not _is_weight_table(headers):
            continue
        headings = _PRECEDING_HEADING(table)
        heading_text = _text(headings[0]).rstrip("¶").strip() if headings else ""
        category = registry.category_for_heading(heading_text)
        if category is None:
            problems.append(
                f"A weight table under the heading {heading_text!r} matches no known category; "
                "it was skipped."
            )
            continue
        if category.slug in tables:
            problems.append(
                f"The page has a second {category.title.lower()} table (heading {heading_text!r}); "
                "only the first one is used."
            )
            continue
        tables[category.slug] = RawTable(category, headers, rows)
    return ParsedPage(tables, page_version(document), problems, ends_properly(html))
