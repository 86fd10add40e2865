"""Widget keys are handed out by name by each page's declaration (views: a codec's keys), never
spelled by a page or the glue: a scan of their source finds no key written out, and is shown to
catch each way one could be; an undeclared name fails at once; a declaration whose fields do not
match its view fails on import; and every page's keys, read off a real run of each page, are ones
the declarations hand out."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.test_app import APP
from torchvision_stats.views import pages
from torchvision_stats.views.codec import Choice, Codec, SoFar
from torchvision_stats.views.explore import EXPLORE
from torchvision_stats.views.pick import PICK
from torchvision_stats.views.sidebar import SIDEBAR

ROOT = Path(__file__).parent.parent
# What a key starts with: a page's name, or a family of the sidebar's (whose keys carry no page).
STARTS = [page for page in pages.PAGES if page] + sorted(SIDEBAR.keys.families)
PAGE_PREFIX = re.compile(rf"^(?:{'|'.join(map(re.escape, STARTS))})\.[A-Za-z_-]")


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
        'SHOWN_KEY = "version.shown"',
    ],
)
def test_the_scan_catches_a_spelled_key(planted):
    assert len(spelled_keys(planted)) == 1


def test_the_scan_leaves_words_and_file_names_alone():
    assert spelled_keys('st.caption("speed. Measured on a laptop"); name = "explore"; f"{slug}.csv"') == []


def test_keys_are_handed_out_by_declared_name_only():
    assert EXPLORE.keys("x") == "explore.x"
    assert PICK.keys("bound", "GFLOPS") == PICK.keys("bound.GFLOPS") == "pick.bound.GFLOPS"
    assert pages.SPEED("weights", "classification") == "speed.weights.classification"
    assert EXPLORE.keys.prefix("range") == "explore.range"
    # The sidebar's keys are its names: every page's links carry them.
    assert SIDEBAR.keys("version") == "version" and SIDEBAR.keys("speed") == "speed"
    assert SIDEBAR.keys("version", "shown") == "version.shown"
    with pytest.raises(KeyError, match="declares no widget 'logz'"):
        EXPLORE.keys("logz")
    with pytest.raises(KeyError):
        PICK.keys("bound")  # a family names one widget per member: the member is needed
    with pytest.raises(KeyError):
        pages.TABLES("x", "classification")  # not a family of this page
    with pytest.raises(KeyError):
        EXPLORE.keys.prefix("bound")


@dataclass(frozen=True)
class Axes:
    category: str
    x: str


def _options(so_far: SoFar, context: object) -> list[str]:
    return [so_far.category]


def _first(so_far: SoFar, context: object) -> str:
    return so_far.category


def test_a_declaration_is_checked_on_import():
    good = Codec("axes", Axes, (Choice("category", _options, _first), Choice("x", _options, _first)))
    with pytest.raises(AttributeError, match="reads 'category' but does not name it in needs"):
        good.from_query({}, None)  # x reads the category without saying so
    fixed = (
        Choice("category", lambda s, c: ["a"], lambda s, c: "a"),
        Choice("x", _options, _first, needs=("category",)),
    )
    assert Codec("axes", Axes, fixed).from_query({}, None)[0] == Axes("a", "a")
    with pytest.raises(TypeError, match=r"Axes.x needs \['y'\], not fields before it"):
        Codec("axes", Axes, (fixed[0], Choice("x", _options, _first, needs=("y",))))
    with pytest.raises(TypeError, match="are not its attributes"):
        Codec("axes", Axes, (fixed[0],))  # a view attribute without a field


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
    state = app.session_state.to_dict()
    used = [key for key in state if PAGE_PREFIX.match(key)]
    assert any(key.startswith(f"{page}.") for key in used) or page == "about"
    for key in used:
        owner, _, name = key.partition(".")
        keys = pages.PAGES[owner] if owner in pages.PAGES else pages.PAGES[""]
        assert keys(name if keys.page else key) == key
    assert {SIDEBAR.keys("version"), SIDEBAR.keys("speed")} <= set(state)  # the sidebar's, on every page
