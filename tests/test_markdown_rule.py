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
# Streamlit calls whose text arguments (every positional one, `body`, `label`, `help` …) are
# rendered as Markdown.
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
SAFE_BUILDERS = {"markdown", "escape_markdown", "markdown_list"}  # of the module `formatting` only
# Widgets whose options are drawn as Markdown labels (through format_func when it is given).
OPTION_LABELS = {"radio": 1, "pills": 1, "segmented_control": 1, "tabs": 0}
# Keyword arguments drawn as Markdown: the text itself, tooltips, progress text, option captions.
RENDERED_KEYWORDS = {"body", "label", "help", "text", "captions"}


def _is_builder(node: ast.expr) -> bool:
    """formatting.markdown / escape_markdown / markdown_list, and nothing else of those names."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr in SAFE_BUILDERS
        and isinstance(node.value, ast.Name)
        and node.value.id == "formatting"
    )


def _is_safe(node: ast.expr) -> bool:
    """A string literal, None, or text a builder escaped; either side of a conditional or an `or`."""
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, str)
    if isinstance(node, ast.Call):
        return _is_builder(node.func)
    if isinstance(node, ast.IfExp):
        return _is_safe(node.body) and _is_safe(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(_is_safe(value) for value in node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return all(_is_safe(element) for element in node.elts)
    return False


def _safe_labeller(node: ast.expr) -> bool:
    """A format_func whose labels are safe: an escaping builder, or `.get` of a dict of literals."""
    if _is_builder(node):
        return True
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "get"
        and isinstance(node.value, ast.Dict)
        and all(_is_safe(value) for value in node.value.values)
    )


def _callee_names(func: ast.expr) -> list[str]:
    """The names a call may be calling: st.error → error; (st.error if c else st.info) → both."""
    if isinstance(func, ast.Attribute):
        return [func.attr]
    if isinstance(func, ast.Name):
        return [func.id]
    if isinstance(func, ast.IfExp):
        return _callee_names(func.body) + _callee_names(func.orelse)
    if isinstance(func, ast.BoolOp):
        return [name for value in func.values for name in _callee_names(value)]
    if isinstance(func, ast.Subscript):  # {"e": st.error}[kind](…)
        mapping = func.value
        if isinstance(mapping, ast.Dict):
            return [name for value in mapping.values for name in _callee_names(value)]
    return []


def _rendered(node: ast.Call, name: str) -> list[ast.expr]:
    """The arguments of a call to `name` that Streamlit draws as Markdown."""
    rendered: list[ast.expr] = []
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    if name in OPTION_LABELS:
        position = OPTION_LABELS[name]
        options = node.args[position] if len(node.args) > position else keywords.get("options")
        labeller = keywords.get("format_func")
        if options is not None and not (labeller is not None and _safe_labeller(labeller)):
            rendered.append(options)
        rendered += node.args[:position]
    elif name == "write":
        rendered += node.args  # every positional argument: st.write("x", scraped) draws both
    elif name in MARKDOWN_CALLS and not (name == "markdown" and _is_builder(node.func)):
        rendered += node.args[:1]  # the body or label; a widget's options are plain text
    elif name == "progress":
        rendered += node.args[1:2]
    if name in MARKDOWN_CALLS or name in OPTION_LABELS or name == "progress":
        rendered += [value for key, value in keywords.items() if key in RENDERED_KEYWORDS]
    return rendered


def unsafe_markdown(source: str, filename: str = "<page>") -> list[str]:
    """'file:line call' for every Markdown-rendering call given text that is not proven safe."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        for name in dict.fromkeys(_callee_names(node.func)):
            if any(not _is_safe(value) for value in _rendered(node, name)):
                found.append(f"{filename}:{node.lineno} {name}")
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
        "st.write('Scraped: ', name)",  # a second positional argument
        "st.write(formatting.markdown('{}', a), b)",
        "st.selectbox('Weight', names, help=description)",  # a tooltip
        "st.button('Go', help=f'Runs {name}')",
        "st.radio('Release', releases)",  # option labels
        "st.pills('Matches', offered, format_func=str)",
        "st.segmented_control('Mode', modes, format_func=lambda m: m.title())",
        "st.tabs(names)",
        "st.tabs(['Fixed', name])",
        "st.radio('Pick', ['a', 'b'], captions=notes)",
        "st.markdown(markdown(name))",  # a builder of that name, but not formatting's
        "st.markdown(text.markdown())",
        "st.info(other.escape_markdown(name))",
    ],
)
def test_the_scan_catches_each_way_text_reaches_markdown(line):
    name = line.split("(")[0].split(".")[-1]
    found = unsafe_markdown(line)
    # The call that renders is caught (a nested call of the same name may be caught as well).
    assert found and set(found) == {f"<page>:1 {name}"}


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("(st.error if failed else st.info)(message)", ["error", "info"]),
        ("{'error': st.error, 'info': st.info}[kind](message)", ["error", "info"]),
        ("(column or st).warning(message)", ["warning"]),
    ],
)
def test_the_scan_catches_calls_through_an_expression(line, names):
    assert unsafe_markdown(line) == [f"<page>:1 {name}" for name in names]


@pytest.mark.parametrize(
    "line",
    [
        "st.write('Plain words')",
        "st.markdown(formatting.markdown('**{}** · {:g}', weight, value))",
        "st.info(formatting.escape_markdown(notice), icon='x')",
        "st.dataframe(table)",
        "st.button('Delete', help=formatting.escape_markdown(why) or None)",
        "st.segmented_control('Pareto', modes, format_func={'off': 'Off', 'on': 'Show'}.get)",
        "st.pills('Matches', offered, format_func=formatting.escape_markdown)",
        "st.radio('Latency', ['per batch', 'per input'])",
        "(st.error if failed else st.info)(formatting.escape_markdown(message))",
        "st.caption(formatting.markdown('{}', a) if a else 'none')",
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
