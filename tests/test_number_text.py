"""The one path from number to text (registry.number_text), each way it is used."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from torchvision_stats.registry import exact_text, number_text


@pytest.mark.parametrize(
    ("value", "label", "options", "text"),
    [
        (80.8, "Acc@1", {}, "80.800"),  # a cell: the metric's precision, trailing zeros kept
        (80.8, "Acc@1", {"trimmed": True}, "80.8"),  # a control's stop: that precision, no trailing zeros
        (0.087112, "Quality per GFLOP", {"trimmed": True}, "0.08711"),  # 4 significant digits
        (19.7697, "Quality per GFLOP", {}, "19.77"),
        (4.091, "GFLOPS", {"unit": True}, "4.09"),  # the label says the unit
        (12.5, "Latency (ms)", {"unit": True}, "12.500"),  # so does "(ms)"
        (76.13, "Acc@1", {"unit": True}, "76.130 %"),
        (0.125, "Δ Acc@1", {}, "+0.125"),  # a change says its sign
        (71.87849, "Acc@1 float", {}, "71.878"),  # a pair's side is its metric
        (224.0, "Crop size (px)", {}, "224"),  # a count is whole
        (1000.0, "Categories", {}, "1000"),
        (16.0, "Batch size", {}, "16"),
        (25.6, None, {}, "25.6"),  # no column: as short as it reads
        (1234567.8, None, {}, "1,234,568"),
        (1000.0, None, {"trimmed": True}, "1,000"),  # an axis tick from 1,000 grouped
        (0.05, None, {"trimmed": True}, "0.05"),
        (7, None, {}, "7"),
        (math.nan, "Acc@1", {}, "–"),
        (None, "GFLOPS", {"unit": True}, "–"),
        (pd.NA, None, {}, "–"),
        ("ResNet50_Weights.IMAGENET1K_V2", "Weight", {}, "ResNet50_Weights.IMAGENET1K_V2"),
        (True, "Pareto-optimal", {}, "True"),
    ],
)
def test_number_text(value, label, options, text):
    assert number_text(value, label, **options) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(5.0, "5"), (4.3, "4.3"), (0.0871234567, "0.0871234567"), (1016.123456789, "1016.123456789")],
)
def test_exact_text_reads_back_exactly_and_short(value, text):
    assert exact_text(value) == text
    assert float(exact_text(value)) == value


def test_exact_text_of_an_open_side_is_empty():
    assert exact_text(None) == ""
