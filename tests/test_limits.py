"""One limit type for Explore's ranges, Pick's bounds and History's budget (questions.limits)."""

from __future__ import annotations

import math

import pandas as pd

from torchvision_stats.questions.limits import Limit

VALUES = pd.Series([0.5, 2.0, 5.0, math.nan, 9.0])


def test_a_bound_goes_the_metric_s_way():
    assert Limit.bound("GFLOPS", 5.0) == Limit("GFLOPS", None, 5.0)  # a cost: at most
    assert Limit.bound("Acc@1", 80.0) == Limit("Acc@1", 80.0, None)  # a quality: at least
    assert Limit.bound("GFLOPS", 5.0).bound_value == 5.0 and Limit.bound("Acc@1", 80.0).bound_value == 80.0


def test_a_side_at_or_past_the_data_s_end_is_open():
    assert Limit("GFLOPS", 0.5, 9.0).open_at(0.5, 9.0) == Limit("GFLOPS")
    assert Limit("GFLOPS", 0.1, 12.0).open_at(0.5, 9.0).is_open
    assert Limit("GFLOPS", 1.0, 5.0).open_at(0.5, 9.0) == Limit("GFLOPS", 1.0, 5.0)
    assert Limit("GFLOPS", None, 5.0).open_at(0.5, 9.0) == Limit("GFLOPS", None, 5.0)


def test_whether_a_limit_holds_any_value_between_the_data_s_ends():
    assert Limit("GFLOPS", None, 5.0).holds_any_of(0.5, 9.0)
    assert not Limit("GFLOPS", 10.0, None).holds_any_of(0.5, 9.0)
    assert not Limit("GFLOPS", None, 0.1).holds_any_of(0.5, 9.0)
    assert not Limit("GFLOPS", 6.0, 4.0).holds_any_of(0.5, 9.0)


def test_a_limit_as_a_range_control_holds_it():
    assert Limit("GFLOPS").within(0.5, 9.0) == (0.5, 9.0)
    assert Limit("GFLOPS", 2.0, None).within(0.5, 9.0) == (2.0, 9.0)
    assert Limit("GFLOPS", 20.0, None).within(0.5, 9.0) == (9.0, 9.0)


def test_which_values_fit_and_a_missing_one_fits_only_no_limit():
    assert Limit("GFLOPS", None, 5.0).fits(VALUES).tolist() == [True, True, True, False, False]
    assert Limit("GFLOPS", 2.0, 5.0).fits(VALUES).tolist() == [False, True, True, False, False]
    assert Limit("GFLOPS").fits(VALUES).tolist() == [True] * 5


def test_how_far_a_value_misses():
    assert Limit("GFLOPS", None, 5.0).shortfall(VALUES).tolist() == [0.0, 0.0, 0.0, math.inf, 0.8]
    assert Limit("Acc@1", 4.0, None).shortfall(VALUES).tolist() == [0.875, 0.5, 0.0, math.inf, 0.0]


def test_a_limit_in_words():
    assert Limit("GFLOPS", None, 5.0).words() == "GFLOPS up to 5"
    assert Limit("Acc@1", 80.0, None).words() == "Acc@1 from 80"
    assert Limit("GFLOPS", 1.0, 4.333333).words() == "GFLOPS 1 to 4.33"  # at the metric's precision
    assert Limit("GFLOPS").words() == "any GFLOPS"
    assert Limit("GFLOPS", None, 5.0).value_text() == "5 GFLOPS"
