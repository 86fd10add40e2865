"""History's *Last change of the docs*: what the newest page changed, against the copy it replaced."""

from __future__ import annotations

import streamlit as st

from dashboard import data, widgets
from torchvision_stats.data.load import LoadResult
from torchvision_stats.output import formatting
from torchvision_stats.questions import history


def last_docs_change(current: LoadResult, slug: str) -> None:
    """The sentence of what the docs changed, and the category's diff against the previous copy."""
    if not current.data.changes:
        return
    st.subheader(formatting.markdown("Last change of the {} docs", current.version))
    st.caption(formatting.escape_markdown(" ".join(current.data.changes)))
    previous = data.previous_copy(current.version)
    if previous is not None and slug in previous.tables and slug in current.data.tables:
        before, now = previous.tables[slug], current.data.tables[slug]
        widgets.show_plain_table(history.diff_releases(before, now, "previous copy", "current copy"))
