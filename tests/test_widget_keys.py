"""Widget keys are handed out by name (output.widget_keys), never spelled by a page or the glue: a
scan of their source finds no key written out, and is shown to catch each way one could be; an
undeclared name fails at once; and every page's keys, read off a real run of each page, are ones
the declarations hand out."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.test_app import APP
from torchvision_stats.output import widget_keys

ROOT = Path(__file__).parent.parent
PAGE_PREFIX = re.compile(rf"^(?:{'|'.join(map(re.escape, widget_keys.PAGES))})\.[A-Za-z_-]")


def spelled_keys(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string, or f-string's first part, that starts like a page's key
    ("explore.x", f"pick.bound.{label}")."""
    found = set()  # an f-string's first part is also a Constant of its own: one finding
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            text = str(node.values[0].value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if PAGE_PREFIX.match(text) and " " not in text:
            found.add((node.lineno, text))
    return sorted(found)


def test_no_page_or_glue_spells_a_widget_key():
    spelled = {
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for folder in ("app_pages", "dashboard")
        for path in sorted((ROOT / folder).glob("*.py"))
        for line, text in spelled_keys(path.read_text(encoding="utf-8"))
    }
    assert not spelled, sorted(spelled)


@pytest.mark.parametrize(
    "planted",
    [
        'st.toggle("Log X", key="explore.logx")',
        'st.number_input("At most", key=f"pick.bound.{label}")',
        'st.session_state["speed.seen-done"] = 3',
        'widgets.csv_download("CSV", table, "t.csv", "tables.download-all")',
        'KEY = "sidebar.refresh"',
    ],
)
def test_the_scan_catches_a_spelled_key(planted):
    assert len(spelled_keys(planted)) == 1


def test_the_scan_leaves_words_and_file_names_alone():
    assert spelled_keys('st.caption("speed. Measured on a laptop"); name = "explore"; f"{slug}.csv"') == []


def test_keys_are_handed_out_by_declared_name_only():
    assert widget_keys.EXPLORE("x") == "explore.x"
    assert widget_keys.PICK("bound", "GFLOPS") == widget_keys.PICK("bound.GFLOPS") == "pick.bound.GFLOPS"
    assert widget_keys.SPEED("weights", "classification") == "speed.weights.classification"
    assert widget_keys.EXPLORE.prefix("range") == "explore.range"
    with pytest.raises(KeyError, match="declares no widget 'logz'"):
        widget_keys.EXPLORE("logz")
    with pytest.raises(KeyError):
        widget_keys.PICK("bound")  # a family names one widget per member: the member is needed
    with pytest.raises(KeyError):
        widget_keys.TABLES("x", "classification")  # not a family of this page
    with pytest.raises(KeyError):
        widget_keys.EXPLORE.prefix("bound")


@pytest.mark.parametrize(
    "page", ["explore", "tables", "compare", "pick", "history", "quantization", "speed", "about"]
)
def test_every_key_a_page_uses_is_handed_out(page):
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(str(APP), default_timeout=30)
    if page != "explore":
        app.switch_page(f"app_pages/{page}.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    used = [key for key in app.session_state.to_dict() if PAGE_PREFIX.match(key)]
    assert any(key.startswith(f"{page}.") for key in used) or page == "about"
    for key in used:
        owner, _, name = key.partition(".")
        assert widget_keys.PAGES[owner](name) == key
