"""Analysis, view state and snippets on the real main page."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import parsed_tables
from tests.test_app import OBJECT_DETECTION_FRONTIER
from torchvision_stats import registry
from torchvision_stats.output import snippets
from torchvision_stats.questions import analysis
from torchvision_stats.questions.limits import Limit
from torchvision_stats.views.explore import EXPLORE, PARETO_MODES, ExploreView

TABLES = parsed_tables("main")


def test_pareto_frontier_of_object_detection_matches_the_hand_worked_set():
    table = TABLES["object_detection"]
    on_frontier = analysis.pareto_frontier(table, ["GFLOPS", "Box MAP"])
    assert set(table.loc[on_frontier, "Weight"]) == OBJECT_DETECTION_FRONTIER


def test_pareto_directions_come_from_the_registry():
    table = pd.DataFrame(
        {"Weight": list("abcd"), "Params (M)": [1.0, 2.0, 3.0, 1.0], "Acc@1": [70.0, 80.0, 75.0, 60.0]}
    )
    # c costs more than b and is worse; d costs the same as a and is worse.
    assert analysis.pareto_frontier(table, ["Params (M)", "Acc@1"]).tolist() == [True, True, False, False]
    # Two quality metrics: both higher-better.
    table["Acc@5"] = [90.0, 85.0, 95.0, 99.0]
    assert analysis.pareto_frontier(table, ["Acc@1", "Acc@5"]).tolist() == [False, True, True, True]


def test_missing_values_are_never_on_the_frontier_and_ties_both_stay():
    table = pd.DataFrame({"Params (M)": [1.0, 1.0, float("nan")], "Acc@1": [70.0, 70.0, 99.0]})
    assert analysis.pareto_frontier(table, ["Params (M)", "Acc@1"]).tolist() == [True, True, False]


def test_range_filter_keeps_missing_values_only_at_full_range():
    table = TABLES["classification"]
    full = analysis.metric_range(table, "Acc@1")
    at_the_data_ends = Limit("Acc@1", *full).open_at(*full)  # how a view holds the full range: open
    assert len(analysis.filter_rows(table, analysis.Filters(limits=(at_the_data_ends,)))) == 115
    narrowed = analysis.filter_rows(table, analysis.Filters(limits=(Limit("Acc@1", 80.0, 100.0),)))
    assert narrowed["Acc@1"].between(80, 100).all() and len(narrowed) < 114


def test_family_filter_and_search_combine():
    shown = analysis.filter_rows(
        TABLES["classification"], analysis.Filters("v2", ("EfficientNet V2", "Swin V2"))
    )
    assert set(shown["Family"]) == {"EfficientNet V2", "Swin V2"} and len(shown) == 6


def test_best_in_rows_by_direction():
    rows = [("classification", TABLES["classification"].iloc[i]) for i in range(3)]
    side = analysis.comparison(rows)
    best = analysis.best_in_rows(side)
    assert side.loc["Acc@1", best.loc["Acc@1"]].tolist() == [side.loc["Acc@1"].astype(float).max()]
    assert side.loc["GFLOPS", best.loc["GFLOPS"]].tolist() == [side.loc["GFLOPS"].astype(float).min()]
    assert not best.loc["Family"].any()


def test_view_round_trips_through_the_url():
    view = ExploreView(
        "semantic_segmentation",
        "Params (M)",
        "pixelwise Acc",
        logx=False,
        logy=True,
        color="none",
        size="GFLOPS",
        q="re:deeplab",
        family=("DeepLabV3", "FCN"),
        pareto="only",
    )
    assert EXPLORE.from_query(EXPLORE.to_query(view), TABLES) == (view, [])


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(EXPLORE.url_keys()),
        st.one_of(st.text(), st.lists(st.text(), max_size=3)),
    )
)
def test_any_query_gives_a_valid_view(params):
    view, notices = EXPLORE.from_query(params, TABLES)
    metrics = registry.metric_columns(TABLES[view.category])
    assert view.x in metrics and view.y in metrics and view.pareto in PARETO_MODES
    assert set(view.family) <= set(TABLES[view.category]["Family"])
    assert isinstance(notices, list)


def test_snippets_for_every_real_weight_are_plain_python():
    for table in TABLES.values():
        for row in table.itertuples(index=False):
            snippet = snippets.code_snippet(row.Weight, row.Model, row.Module)
            assert snippet is not None
            compile(snippet, "<snippet>", "exec")


@pytest.mark.parametrize("weight", ["X_Weights.A; import os", "X_Weights.<img>", "os.system('x')_Weights.A"])
def test_hostile_names_get_no_snippet(weight):
    assert snippets.code_snippet(weight, "resnet50", "torchvision.models") is None
