"""Elements several pages draw the same way: tables, CSV downloads, code snippets, URL notices."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from torchvision_stats import registry
from torchvision_stats.output import export, formatting, snippets


def column_config(table: pd.DataFrame) -> dict:
    """Links as links, numbers in each metric's format, labels with units — from the registry."""
    config: dict = {}
    for label in table.columns:
        column = registry.column(label)
        if isinstance(column, registry.Metric):
            config[label] = st.column_config.NumberColumn(
                column.with_unit(), format=column.number_format, help=column.description
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


def csv_download(label: str, table: pd.DataFrame, file_name: str, key: str) -> None:
    st.download_button(
        formatting.escape_markdown(label),
        data=export.csv_bytes(table),
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
    for notice in notices:
        st.info(formatting.escape_markdown(notice), icon=":material/link_off:")


def range_sliders(
    sliders: dict[str, tuple[float, float, float]], ranges: dict[str, tuple[float, float]], key_of
) -> None:
    """A row of range sliders, one per metric: (low, high, step) bounds, the ranges held now."""
    for column, (label, (low, high, step)) in zip(
        st.columns(max(len(sliders), 1)), sliders.items(), strict=False
    ):
        column.slider(
            formatting.escape_markdown(registry.axis_title(label)),
            min_value=low,
            max_value=high,
            value=ranges[label],
            step=step,
            key=key_of(label),
            format=registry.METRICS[label].number_format,
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
