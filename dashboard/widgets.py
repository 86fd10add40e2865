"""Elements several pages draw the same way: tables, CSV downloads, code snippets, URL notices."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import measurement_sets
from torchvision_stats import registry
from torchvision_stats.output import export, formatting, snippets
from torchvision_stats.questions.limits import Limit
from torchvision_stats.registry import number_text
from torchvision_stats.views.controls import RangeControl

# Names that identify a row: pinned at the left, so they stay in view while the table scrolls.
PINNED = (registry.WEIGHT.label, "Quantized weight")


def _width(header: str) -> int:
    """Pixels that show the whole header (~7 px a character and the sort icon), within bounds."""
    return min(max(7 * len(header) + 36, 80), 260)


def column_config(table: pd.DataFrame) -> dict:
    """Links as links, numbers in each metric's format, labels with units, the weight pinned and
    every header shown whole — from the registry."""
    config: dict = {}
    for label in table.columns:
        column = registry.column(label)
        metric = registry.metric_of(label)
        if label in PINNED:
            longest = int(table[label].astype(str).str.len().max()) if len(table) else 0
            config[label] = st.column_config.TextColumn(
                label,
                pinned=True,
                width=min(max(_width(label), 7 * longest + 24), 480),
                help=column.description if column else None,
            )
        elif metric is not None:
            header = label if column is None else metric.with_unit()
            config[label] = st.column_config.NumberColumn(
                header, format=metric.precision.printf, help=metric.description, width=_width(header)
            )
        elif column is not None and column.is_link:
            config[label] = st.column_config.LinkColumn(label, help=column.description, display_text="open")
        elif column is not None and column.is_flag:
            config[label] = st.column_config.CheckboxColumn(label, help=column.description)
        elif column is not None:
            config[label] = st.column_config.TextColumn(label, help=column.description)
    return config


def show_table(table: pd.DataFrame) -> None:
    """A weight table with the registry's formats, links and help."""
    st.dataframe(table, hide_index=True, column_config=column_config(table))


def show_plain_table(table: pd.DataFrame) -> None:
    """A small table as text, the way Compare shows it: a metric's numbers in its format, others
    without trailing zeros (a diff's column holds several metrics), missing as –. The grid shows a
    missing number as a grey "None" whatever a Styler says, so the cells are made text here."""
    text = pd.DataFrame(
        {label: [number_text(value, str(label)) for value in table[label]] for label in table.columns}
    )
    numeric = [label for label in table.columns if pd.api.types.is_numeric_dtype(table[label])]
    config = {label: st.column_config.TextColumn(str(label), alignment="right") for label in numeric}
    st.dataframe(text, hide_index=True, column_config=config)


def measured_caption(tables: list[pd.DataFrame]) -> None:
    """Say which machine the measured numbers on the page come from, when it shows any."""
    chosen = measurement_sets.selected()
    measured = [
        label
        for label in registry.MEASURED_METRICS
        if any(t.get(label, pd.Series()).notna().any() for t in tables)
    ]
    if chosen is not None and measured:
        st.caption(
            formatting.markdown(
                ":material/speed: {} measured on {} ({}).",
                ", ".join(measured),
                chosen.label,
                chosen.describe(),
            )
        )


def csv_download(label: str, table: pd.DataFrame, file_name: str, key: str) -> None:
    """A CSV of `table`, written when the button is clicked, not on every rerun (~9 ms on Explore)."""
    st.download_button(
        formatting.escape_markdown(label),
        data=lambda: export.csv_bytes(table),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def weight_snippet(row: pd.Series) -> bool:
    """The code that loads the row's weight; False (nothing drawn) when its names are not plain
    Python identifiers."""
    snippet = snippets.code_snippet(
        row[registry.WEIGHT.label], row[registry.MODEL.label], row[registry.MODULE.label]
    )
    if snippet:
        st.code(snippet, language="python")
    return snippet is not None


def url_notices(notices: list[str]) -> None:
    """What of the asked-for view could not be used, in one box however many there are."""
    if len(notices) == 1:
        st.info(formatting.escape_markdown(notices[0]), icon=":material/link_off:")
    elif notices:
        heading = f"{len(notices)} parts of the view could not be used:"
        st.info(formatting.markdown_list(heading, notices), icon=":material/link_off:")


def open_range_ends(key_prefix: str) -> None:
    """Before a page reads its view: a range end a control showed at the data's own lowest or
    highest becomes open (None), so it follows the data of another docs version instead of
    pinning the old numbers (main's full Acc@1 range holds no weight of 0.13's video table)."""
    drawn = st.session_state.get(f"{key_prefix}.drawn-ends", {})
    for label, (low, high) in drawn.items():
        held = st.session_state.get(key := f"{key_prefix}.{label}")
        if held is not None and None not in held:
            limit = Limit(label, *held).open_at(low, high)
            st.session_state[key] = (limit.low, limit.high)


def hold_range_ends(controls_by_metric: dict[str, RangeControl], key_prefix: str) -> None:
    """Remember the data's ends the range values of this run are held against (drawn or not), so
    that open_range_ends can tell an end at the data's from a limit on the next run."""
    st.session_state[f"{key_prefix}.drawn-ends"] = {
        c.label: (c.low, c.high) for c in controls_by_metric.values()
    }


def range_controls(controls_by_metric: dict[str, RangeControl], key_prefix: str) -> None:
    """A row of range controls, one per metric, holding (low, high) under `key_prefix`.<label>:
    a log-scale select slider of readable stops for metrics spanning decades, else a slider in
    steps of the metric's precision. Their values are set (by the page) before they are drawn."""
    per_row = 4  # a label such as "Throughput (inputs/s) (log scale)" on one line
    count = len(controls_by_metric)
    cells = [cell for _ in range(0, count, per_row) for cell in st.columns(per_row)]
    for column, control in zip(cells, controls_by_metric.values(), strict=False):
        key = f"{key_prefix}.{control.label}"
        metric = registry.METRICS[control.label]
        if control.is_log:
            column.select_slider(
                formatting.markdown("{} (log scale)", registry.axis_title(control.label)),
                options=control.stops_with(st.session_state[key]),
                value=st.session_state[key],  # a pair: what makes it a range control
                format_func=lambda value, label=control.label: number_text(value, label, trimmed=True),
                key=key,
            )
        else:
            column.slider(
                formatting.escape_markdown(registry.axis_title(control.label)),
                min_value=control.low,
                max_value=control.high,
                value=st.session_state[key],  # a pair: what makes it a range control
                step=control.step,
                key=key,
                format=metric.precision.printf,
            )


def code_for_a_chosen_weight(rows: pd.DataFrame, key: str) -> None:
    """A weight select; the code that loads the chosen one. The code element is heavy for the
    browser to load, so it appears only once a weight is chosen."""
    weight = st.selectbox(
        "Weight",
        rows[registry.WEIGHT.label].tolist(),
        index=None,
        key=key,
        placeholder="Choose a weight to get the code that loads it",
    )
    if weight is not None and not weight_snippet(rows[rows[registry.WEIGHT.label] == weight].iloc[0]):
        st.warning("This name is not a valid Python identifier, so no code snippet is offered.")
