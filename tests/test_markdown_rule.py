"""Scraped and URL text is data on every path, by construction: whatever a page hands to a call
that renders Markdown (text, alerts, headings, widget labels, progress text) is a string literal
or the output of formatting.markdown / formatting.escape_markdown. An AST scan of the pages, the
app and the Streamlit glue enforces it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from torchvision_stats.output import formatting

ROOT = Path(__file__).parent.parent
# Streamlit calls whose first argument (or `body` / `label`) is rendered as Markdown.
MARKDOWN_CALLS = {
    "markdown",
    "write",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "title",
    "header",
    "subheader",
    "expander",
    "popover",
    "button",
    "download_button",
    "link_button",
    "page_link",
    "selectbox",
    "multiselect",
    "number_input",
    "text_input",
    "toggle",
    "checkbox",
    "radio",
    "slider",
    "select_slider",
    "segmented_control",
    "pills",
    "metric",
    "file_uploader",
}
SAFE_BUILDERS = {"markdown", "escape_markdown", "markdown_list"}


def _is_safe(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.Call):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        return name in SAFE_BUILDERS
    return False


def unsafe_markdown(source: str, filename: str = "<page>") -> list[str]:
    """'file:line call' for every Markdown-rendering call given text that is not proven safe."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        rendered: list[ast.expr] = []
        if name in MARKDOWN_CALLS:
            rendered += node.args[:1] + [k.value for k in node.keywords if k.arg in ("body", "label")]
        if name == "progress":
            rendered += [k.value for k in node.keywords if k.arg == "text"]
        found += [f"{filename}:{node.lineno} {name}" for value in rendered if not _is_safe(value)]
    return found


def ui_files() -> list[Path]:
    return [
        ROOT / "app.py",
        *sorted((ROOT / "app_pages").glob("*.py")),
        *sorted((ROOT / "dashboard").glob("*.py")),
    ]


def test_no_page_puts_unescaped_text_into_markdown():
    found = [hit for path in ui_files() for hit in unsafe_markdown(path.read_text(), path.name)]
    assert found == []


@pytest.mark.parametrize(
    "line",
    [
        "st.write(reason)",
        "st.markdown(f'**{row[\"Weight\"]}**')",
        "st.sidebar.warning(message, icon='x')",
        "column.number_input(label_text, value=None)",
        "progress.progress(0.5, text=f'Loading {version}')",
        "st.caption('Source: ' + result.describe())",
        "st.subheader(label=title)",
    ],
)
def test_the_scan_catches_each_way_text_reaches_markdown(line):
    assert unsafe_markdown(line) == [f"<page>:1 {line.split('(')[0].split('.')[-1]}"]


@pytest.mark.parametrize(
    "line",
    [
        "st.write('Plain words')",
        "st.markdown(formatting.markdown('**{}** · {:g}', weight, value))",
        "st.info(formatting.escape_markdown(notice), icon='x')",
        "st.dataframe(table)",
    ],
)
def test_the_scan_allows_literals_and_the_escaping_builders(line):
    assert unsafe_markdown(line) == []


def test_markdown_escapes_every_value_but_keeps_the_template():
    name = "[login](https://evil.example/login) **bold** <script>x</script>"
    text = formatting.markdown("**{}** · Acc@1 {:g}", name, 80.858)
    assert text.startswith("**") and "\\[login\\]\\(https\\:" in text and "\\*\\*bold\\*\\*" in text
    assert "\\<script\\>" in text and text.endswith("80\\.858")


def test_no_address_in_a_value_can_become_a_link():
    """Streamlit links bare URLs, www. names and e-mail addresses even when escaped; the word joiner
    (seen to stop it in Chromium, tests/e2e/test_hostile_page.py) sits inside each such pattern."""
    text = formatting.escape_markdown("see https://evil.example/x, www.evil.example and me@evil.example")
    joiner = formatting.WORD_JOINER
    assert "://" not in text and ":" + joiner + "//" in text
    assert "www\\." not in text and "www" + joiner + "\\." in text
    assert joiner + "@" in text
    assert (
        text.replace(joiner, "").replace("\\", "")
        == "see https://evil.example/x, www.evil.example and me@evil.example"
    )


def test_markdown_list_escapes_the_heading_and_every_item():
    text = formatting.markdown_list("2 parts:", ["[x](javascript:alert(1))", "**bold**"])
    assert text == "2 parts\\:\n\n- \\[x\\]\\(javascript\\:alert\\(1\\)\\)\n- \\*\\*bold\\*\\*"
