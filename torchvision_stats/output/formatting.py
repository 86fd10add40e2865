"""Text for the screen made from scraped strings, which are data and never markup."""

from __future__ import annotations

import re
import string

import pandas as pd

from torchvision_stats.registry import number_text

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


def rows_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame whose rows are fields (Compare's), each cell as text in its row's format."""
    return frame.apply(
        lambda row: pd.Series([number_text(v, str(row.name)) for v in row], index=row.index), axis=1
    )
