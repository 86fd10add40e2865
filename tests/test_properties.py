"""Property-based tests: number parsing, and the parser on mutations of the real main page.

The parser either returns correct rows or reports the problem; it never raises anything but
InvalidPage, never drops a row silently, and never invents a value.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import lxml.html
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import real_page
from torchvision_stats import registry
from torchvision_stats.data.dataset import InvalidPage, weight_tables_from_html
from torchvision_stats.data.normalize import UnreadableNumber, parse_number

URL = "https://docs.pytorch.org/vision/main/models.html"
NOW = datetime.now(UTC)
ORIGINAL = weight_tables_from_html(real_page("main"), url=URL, fetched_at=NOW, sha256="")
# weight → {metric label: value} as the unmutated page gives it
TRUTH = {
    row["Weight"]: {label: row[label] for label in registry.METRICS if label in table.columns}
    for table in ORIGINAL.tables.values()
    for _, row in table.iterrows()
}
TABLE_COUNT = 7

# ---------------------------------------------------------------- numbers

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(finite)
def test_plain_numbers_round_trip(value):
    assert parse_number(repr(value)) == pytest.approx(value)


@given(finite)
def test_unicode_minus_and_thousands_separators(value):
    text = f"{value:,.3f}".replace("-", "\u2212")
    assert parse_number(text) == pytest.approx(round(value, 3), abs=1e-9)


@given(st.floats(min_value=0, max_value=1e5, allow_nan=False), st.sampled_from(["K", "M", "B", "k", "m"]))
def test_magnitude_suffixes_become_millions(value, suffix):
    scale = {"k": 1e-3, "m": 1.0, "b": 1e3}[suffix.lower()]
    assert parse_number(f"{value:.4f}{suffix}", millions=True) == pytest.approx(round(value, 4) * scale)


@given(st.text(max_size=30))
def test_any_text_is_a_number_nan_or_unreadable(text):
    try:
        value = parse_number(text)
    except UnreadableNumber:
        return
    assert math.isnan(value) or math.isfinite(value)


@given(st.sampled_from(["", " ", "nan", "NaN", "-", "\u2013", "\u2014", "\u2212", "N/A", "none"]))
def test_missing_marks(text):
    assert math.isnan(parse_number(text))


# ---------------------------------------------------------------- page mutations

INJECTIONS = [
    '<img src=x onerror="window.pwned=1">',
    "<script>window.pwned=2</script>",
    "<b>bold</b>",
    "&lt;i&gt;",
    "\u202e",
    "=HYPERLINK(1)",
]

mutation = st.one_of(
    st.tuples(st.just("drop_row"), st.integers(0, TABLE_COUNT - 1), st.integers(0, 200)),
    st.tuples(st.just("duplicate_row"), st.integers(0, TABLE_COUNT - 1), st.integers(0, 200)),
    st.tuples(st.just("reverse_rows"), st.integers(0, TABLE_COUNT - 1), st.just(0)),
    st.tuples(st.just("drop_cell"), st.integers(0, TABLE_COUNT - 1), st.integers(0, 200)),
    st.tuples(st.just("duplicate_cell"), st.integers(0, TABLE_COUNT - 1), st.integers(0, 200)),
    st.tuples(st.just("drop_table"), st.integers(0, TABLE_COUNT - 1), st.just(0)),
    st.tuples(st.just("move_table"), st.integers(0, TABLE_COUNT - 1), st.just(0)),
    st.tuples(st.just("rename_heading"), st.integers(0, TABLE_COUNT - 1), st.just(0)),
    st.tuples(st.just("inject"), st.integers(0, TABLE_COUNT - 1), st.integers(0, len(INJECTIONS) - 1)),
    st.tuples(st.just("blank_cell"), st.integers(0, TABLE_COUNT - 1), st.integers(0, 200)),
)


def weight_tables(document) -> list:
    return [t for t in document.iter("table") if "table-weights" in (t.get("class") or "")]


def body_rows(table) -> list:
    return [row for row in table.iter("tr") if row.find("td") is not None]


def mutate(operations) -> tuple[bytes, set[str]]:
    """The real page with the operations applied; also the weight names injections created."""
    document = lxml.html.document_fromstring(real_page("main"))
    injected: set[str] = set()
    for name, table_index, position in operations:
        tables = weight_tables(document)
        if not tables:
            break
        table = tables[table_index % len(tables)]
        rows = body_rows(table)
        row = rows[position % len(rows)] if rows else None
        if name == "drop_row" and row is not None:
            row.getparent().remove(row)
        elif name == "duplicate_row" and row is not None:
            row.addnext(lxml.html.fromstring(lxml.html.tostring(row)))
        elif name == "reverse_rows" and rows:
            parent = rows[0].getparent()
            for each in rows:
                parent.remove(each)
            for each in reversed(rows):
                parent.append(each)
        elif name in ("drop_cell", "duplicate_cell", "blank_cell") and row is not None:
            cells = row.findall("td")
            cell = cells[position % len(cells)]
            if name == "drop_cell":
                row.remove(cell)
            elif name == "duplicate_cell":
                cell.addnext(lxml.html.fromstring(lxml.html.tostring(cell)))
            else:
                for child in list(cell):
                    cell.remove(child)
                cell.text = ""
        elif name == "drop_table":
            table.getparent().remove(table)
        elif name == "move_table":
            section = table.getparent()
            section.getparent().append(section)  # to the end of the page, heading and all
        elif name == "rename_heading":
            heading = table.xpath("preceding::*[self::h2 or self::h3 or self::h4][1]")[0]
            heading.text = "Table of all available weights"
            for child in list(heading):
                heading.remove(child)
        elif name == "inject" and row is not None:
            span = row.find(".//span[@class='pre']")
            if span is not None:
                markup = INJECTIONS[position]
                fragment = lxml.html.fragment_fromstring(f"<span>{span.text}{markup}</span>")
                span.text = None
                for child in list(span):
                    span.remove(child)
                span.text = fragment.text
                for child in fragment:
                    span.append(child)
                injected.add(" ".join(span.text_content().split()))
    return lxml.html.tostring(document), injected


def cell_text(cell) -> str:
    return " ".join(cell.text_content().split())


def page_number(text: str, millions: bool) -> float | None:
    """A number as the page writes it ("56.522", "61.1M" for params, "nan", blank), read without
    the parser; None for text that is no number of that column (a name shifted into it, "42.0M"
    under an accuracy): the parser must leave such a cell empty."""
    if text.lower() in ("", "nan"):
        return math.nan
    if text.endswith("M") and millions:
        text = text[:-1]
    try:
        return float(text)
    except ValueError:
        return None


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=6))
@example([("blank_cell", 0, 0), ("blank_cell", 1, 0)])  # two blank names are not one name listed twice
@example([("blank_cell", 0, 1)])  # a blank metric cell is missing data: NaN without a problem
@example([("duplicate_row", 0, 0), ("drop_cell", 0, 1)])  # a ragged copy keeps its name: listed twice
@example([("drop_cell", 2, 38), ("duplicate_row", 2, 14), ("duplicate_cell", 2, 9)])  # shifted cells
def test_mutated_pages_give_true_rows_or_say_what_is_wrong(operations):
    html, injected = mutate(operations)
    document = lxml.html.document_fromstring(html)
    used = parsed_tables(document)
    try:
        data = weight_tables_from_html(html, url=URL, fetched_at=NOW, sha256="")
    except InvalidPage:
        assert not used, "a page with a usable weight table was refused"
        return
    assert set(data.tables) == set(used)
    skipped = sum("matches no known category" in p or "second" in p for p in data.problems)
    assert skipped == len(weight_tables(document)) - len(used), "a table was skipped without a word"
    ragged, names = 0, []
    for slug, element in used.items():
        table, rows = data.tables[slug], body_rows(element)
        assert len(table) == len(rows), f"{slug}: rows were dropped or invented"
        headers = [cell_text(th) for th in element.findall(".//th")]
        columns = {
            column.label: i
            for i, h in enumerate(headers)
            if isinstance(column := registry.column_for_header(h), registry.Metric)
        }
        for (_, parsed), row in zip(table.iterrows(), rows, strict=True):
            cells = row.findall("td")
            if len(cells) != len(headers):
                ragged += 1  # which cell is missing is unknown: the numbers must be left empty
                assert all(math.isnan(parsed[label]) for label in columns), parsed["Weight"]
                # Its name is the cell that links to a model builder's page, if one is left.
                linked = [c for c in cells if any("generated/" in (a.get("href") or "") for a in c.iter("a"))]
                assert parsed["Weight"] == (cell_text(linked[0]) if linked else "")
                names.append(parsed["Weight"])
                continue
            names.append(cell_text(cells[0]))
            assert parsed["Weight"] == cell_text(cells[0])
            assert parsed["Weight"] in TRUTH or parsed["Weight"] in injected or not parsed["Weight"]
            for label, index in columns.items():
                millions = registry.METRICS[label].in_millions
                expected, got = page_number(cell_text(cells[index]), millions), parsed[label]
                # A cell shifted out of place (a dropped cell and a duplicated one in the same row
                # keep its length) is read as it stands, or left empty when it is no such number.
                if expected is None:
                    assert math.isnan(got), (
                        f"{parsed['Weight']} {label}: {got} from {cell_text(cells[index])!r}"
                    )
                    continue
                assert got == expected or (math.isnan(got) and math.isnan(expected)), (
                    f"{parsed['Weight']} {label}: {got} where the page says {cell_text(cells[index])!r}"
                )
    assert sum("rather than guessed" in p for p in data.problems) == ragged
    # A blank name is reported as blank, once per row, not as a name listed twice.
    assert sum("the weight name is empty" in p for p in data.problems) == names.count("")
    duplicated = {name for name in names if name and names.count(name) > 1}
    assert {
        p.split(": ", 1)[1].split(" is listed")[0] for p in data.problems if "more than once" in p
    } == duplicated


def parsed_tables(document) -> dict:
    """Category → the weight table the parser must use: a known heading above, first of its category."""
    kept = {}
    for table in weight_tables(document):
        heading = table.xpath("preceding::*[self::h1 or self::h2 or self::h3 or self::h4][1]")
        category = registry.category_for_heading(heading[0].text_content() if heading else "")
        if category is not None and category.slug not in kept:
            kept[category.slug] = table
    return kept
