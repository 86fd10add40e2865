"""The Explore figure: valid Plotly, one point per drawable row, hover text escaped, room for its axes."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from tests.conftest import parsed_tables
from tests.test_app import OBJECT_DETECTION_FRONTIER
from torchvision_stats.data.measurement_store import SetStore, with_measurements
from torchvision_stats.data.snapshot import load_snapshot
from torchvision_stats.output import charts
from torchvision_stats.views.explore import EXPLORE

TABLES = parsed_tables("main")


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"pareto": "frontier", "size": "Params (M)"},
        {"color": "none", "logy": "1"},
        {"category": "object_detection", "pareto": "frontier"},
    ],
)
def test_figure_passes_plotlys_validation(query):
    view, _ = EXPLORE.from_query(query, TABLES)
    figure = charts.scatter_figure(TABLES[view.category], view)
    validated = go.Figure(figure.to_dict())  # raises on any invalid property
    assert validated.layout.xaxis.title.text == view.x


def test_points_are_the_rows_with_both_values_and_the_frontier_is_a_line():
    view, _ = EXPLORE.from_query({"category": "object_detection", "pareto": "frontier"}, TABLES)
    figure = charts.scatter_figure(TABLES["object_detection"], view)
    markers = [t for t in figure.data if t.mode == "markers"]
    assert sum(len(t.x) for t in markers) == 9
    frontier = [t for t in figure.data if t.mode == "lines"]
    assert len(frontier) == 1 and len(frontier[0].x) == len(OBJECT_DETECTION_FRONTIER)


def test_hover_escapes_scraped_markup():
    table = TABLES["classification"].head(1).copy()
    table.loc[table.index[0], "Weight"] = "<img src=x onerror=alert(1)>"
    text = charts.hover_texts(table)[0]
    assert text.startswith("<b>&lt;img src=x onerror=alert(1)&gt;</b><br>Family: AlexNet")
    assert "<img" not in text


@pytest.mark.parametrize(
    ("query", "margin"),
    [
        # Left margins Plotly pushed out to in Chromium under Streamlit's chart theme, read from
        # the drawn charts (`_fullLayout._size.l`) before the figure gave any: the widest y tick
        # label decides it.
        ({}, 65),  # Acc@1, "55" … "90"
        ({"y": "Acc@5"}, 71),  # "100": the padded range reaches past 98.7
        ({"x": "Acc@1", "y": "GFLOPS", "logy": "1"}, 80),  # "1,000"
        ({"category": "video_classification", "y": "Params (M)", "logy": "1"}, 71),  # "100"
        ({"category": "keypoint_detection", "x": "GFLOPS", "y": "Params (M)"}, 74),  # one value: "58.5"
        ({"category": "keypoint_detection", "x": "Box MAP", "y": "GFLOPS"}, 80),  # "134.5"
    ],
)
def test_the_figure_leaves_its_axes_the_room_they_take(query, margin):
    """A figure whose margins already hold its axes is drawn once; Plotly draws one twice whose
    axes push them out (tests/e2e/test_browser.py checks the same in the browser)."""
    view, _ = EXPLORE.from_query(query, TABLES)
    figure = charts.scatter_figure(TABLES[view.category], view)
    assert (figure.layout.margin.l, figure.layout.margin.b) == (margin, 65)


@pytest.mark.parametrize(
    ("query", "margin"),
    [
        # Read likewise from Chromium, on the build machine's reference set (the server's default).
        ({"y": "Latency (ms)"}, 71),  # "14k": Plotly writes thousands once the range reaches 10,000
        ({"y": "Latency (ms)", "logy": "1"}, 86),  # "10,000"
        ({"category": "object_detection", "y": "Peak memory (MB)"}, 71),  # "900": no tick at 1,000
        ({"category": "video_classification", "y": "Throughput (inputs/s)"}, 68),  # "1.5"
    ],
)
def test_measured_axes_get_the_room_they_take(query, margin):
    tables = with_measurements(
        load_snapshot("main"), SetStore().load("reference-build-machine-batch1-float32")
    ).tables
    view, _ = EXPLORE.from_query({"x": "Params (M)", "logx": "1", **query}, tables)
    assert charts.scatter_figure(tables[view.category], view).layout.margin.l == margin
