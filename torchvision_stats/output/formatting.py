"""Text for the screen made from scraped strings, which are data and never markup."""

from __future__ import annotations

import math
import re
import string

import pandas as pd

from torchvision_stats import registry

# Characters Markdown (and Streamlit's Markdown) treats as syntax, plus < and > so no HTML tag forms.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


# Streamlit links bare URLs and addresses (GFM autolink literals: scheme://, mailto:, www., a@b.c)
# whatever the escapes. An invisible WORD JOINER inside each such pattern stops it (seen in
# Chromium) and leaves the text as it reads; "Acc@1" or "docs: HTTP 503" are left alone.
WORD_JOINER = "\u2060"
_AUTOLINK_TRIGGERS = re.compile(
    r"(?<=:)(?=//)|(?<=mailto\\:)|(?<=xmpp\\:)|(?=@[\w-]+\\\.)|(?<=www)(?=\\\.)", re.IGNORECASE
)


def escape_markdown(text: str) -> str:
    """`text` shown literally by st.markdown / st.caption: every syntax character escaped, and no
    URL or address in it turned into a link."""
    return _AUTOLINK_TRIGGERS.sub(WORD_JOINER, _MARKDOWN_SPECIAL.sub(r"\\\1", text))


class _EscapingFormatter(string.Formatter):
    def format_field(self, value: object, format_spec: str) -> str:
        return escape_markdown(super().format_field(value, format_spec))


def markdown(template: str, /, *values: object, **named: object) -> str:
    """Markdown for the screen: `template` is written here and may use Markdown; every value put
    into it (``{}`` fields, with format specs) is formatted, then escaped, so it shows literally.

    The one way the pages put text that is not a literal into Markdown (tests/test_markdown_rule.py).
    """
    return _EscapingFormatter().format(template, *values, **named)


def markdown_list(heading: str, items: list[str]) -> str:
    """Markdown for the screen: `heading`, then each item as a bullet; all of it escaped, so only
    the list is markup (a second way to build Markdown, tests/test_markdown_rule.py)."""
    return escape_markdown(heading) + "\n\n" + "\n".join(f"- {escape_markdown(item)}" for item in items)


def display_value(value: object) -> str:
    """A table cell as text: numbers without trailing zeros (80.858, 25.6), missing as –."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def cell_text(label: str, value: object) -> str:
    """A cell of column (or row) `label` as text: a metric in its registry format (3 decimals for
    Acc@1, 2 for GFLOPS), anything else as display_value does; missing as –."""
    metric = registry.metric_of(label)
    if metric is None or not isinstance(value, int | float) or isinstance(value, bool) or value != value:
        return display_value(value)
    return metric.number_format % value


def rows_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose rows are fields (Compare's), each cell as text in its row's format."""
    return frame.apply(
        lambda row: pd.Series([cell_text(str(row.name), v) for v in row], index=row.index), axis=1
    )


def short_number(label: str, value: float) -> str:
    """A metric's value at its registry precision, without trailing zeros: a control's stop
    (0.0871 for a ratio's lowest, 5 for GFLOPS, 13833.1 ms)."""
    metric = registry.metric_of(label)
    return f"{metric.rounded_value(value) if metric else value:g}"
