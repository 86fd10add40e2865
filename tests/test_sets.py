"""Measurement sets, every way an upload can be wrong and every action on a set: header-only files,
ragged rows, each formula prefix neutralised in the bytes a download returns, the 50-set limit at
50, rename, delete and download, the read-only reference sets."""

from __future__ import annotations

import csv
import io

import pytest
import streamlit as st

from tests.test_app import downloads, run_page  # noqa: F401  (fixture)
from tests.test_speed_page import BUILD_SET, csv_with, rows_of, two_row_upload
from torchvision_stats.data import measurement_store
from torchvision_stats.data.measurement_file import MeasurementFileError
from torchvision_stats.data.measurement_store import SetStore

BUILD = "reference-build-machine-batch1-float32"


@pytest.fixture(autouse=True)
def fresh_streamlit_caches():
    st.cache_data.clear()
    st.cache_resource.clear()


def test_a_file_with_the_columns_and_no_rows_is_refused():
    header = BUILD_SET.read_bytes().splitlines(keepends=True)[0]
    with pytest.raises(MeasurementFileError, match=r"^The file has the right columns but no rows\.$"):
        SetStore().add(header, "empty", "upload")
    assert not list(SetStore().folder.glob("*"))


def test_a_ragged_row_is_refused_with_its_line():
    raw = BUILD_SET.read_bytes().splitlines(keepends=True)
    ragged = raw[0] + raw[1] + b"AlexNet_Weights.IMAGENET1K_V1,24.1,25.8\n"
    # The build machine's set has the current engine's 27 columns.
    with pytest.raises(MeasurementFileError, match=r"^Line 3 has 3 cells instead of 27\.$"):
        SetStore().add(ragged, "ragged", "upload")


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_prefix_is_neutralised_in_the_downloaded_bytes(prefix):
    rows = rows_of(BUILD_SET)[:1]
    rows[0]["Device name"] = f"{prefix}cmd|' /C calc'!A0"
    info, _ = SetStore().add(csv_with(rows), "formula", "upload")
    downloaded = list(csv.DictReader(io.StringIO(SetStore().csv_bytes(info.id).decode("utf-8"), newline="")))
    assert downloaded[0]["Device name"] == f"'{prefix}cmd|' /C calc'!A0"


def test_the_fiftieth_set_is_stored_and_the_fifty_first_refused():
    assert measurement_store.MAX_STORED == 50
    store = SetStore()
    upload = two_row_upload()
    for number in range(49):
        store.add(upload, f"set {number}", "upload")
    store.start_run("the fiftieth")
    with pytest.raises(MeasurementFileError, match=r"^50 sets are stored already; delete one first\.$"):
        store.add(upload, "one too many", "upload")
    with pytest.raises(MeasurementFileError, match="delete one first"):
        store.start_run("another run")
    assert len(list(store.folder.glob("*.json"))) == 50


def test_download_returns_the_sets_csv_and_references_are_read_only(downloads):  # noqa: F811
    app = run_page("speed")
    app.file_uploader(key="speed.upload").upload("laptop.csv", two_row_upload(), "text/csv").run()
    mine = app.selectbox(key="speed").value
    app.selectbox(key="speed.manage").set_value(mine).run()
    assert downloads[f"{mine}.csv"] == SetStore().csv_bytes(mine)
    assert [row["Weight"] for row in csv.DictReader(io.StringIO(downloads[f"{mine}.csv"].decode()))] == [
        row["Weight"] for row in csv.DictReader(io.StringIO(two_row_upload().decode()))
    ]
    app.selectbox(key="speed.manage").set_value(BUILD).run()
    assert app.button(key="speed.delete").disabled and app.button(key="speed.rename").disabled
    assert any("Reference sets ship with the app" in c.value for c in app.caption)
    assert downloads[f"{BUILD}.csv"] == BUILD_SET.read_bytes()  # a reference downloads as shipped
    with pytest.raises(MeasurementFileError):
        SetStore().delete(BUILD)


def test_delete_can_be_called_off():
    app = run_page("speed")
    app.file_uploader(key="speed.upload").upload("keep.csv", two_row_upload(), "text/csv").run()
    mine = app.selectbox(key="speed").value
    app.selectbox(key="speed.manage").set_value(mine).run()
    app.button(key="speed.delete").click().run()
    app.button(key="speed.confirm-no").click().run()
    assert mine in {info.id for info in SetStore().list()}
    assert not [w for w in app.warning if "Delete “" in w.value]
