"""The Explore figure: valid Plotly, one point per drawable row, hover text escaped."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from tests.conftest import parsed_tables
from tests.test_app import OBJECT_DETECTION_FRONTIER
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
