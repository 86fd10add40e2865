"""Quantized weights next to the float weights they were made from.

Pairing rule (the docs' per-weight pages call the float weight "unquantized"): same model class,
``QuantizedWeights`` → ``Weights``, and the backend part of the member dropped:
``ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2`` ↔ ``ResNet50_Weights.IMAGENET1K_V2``.
"""

from __future__ import annotations

import re

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.questions import analysis

WEIGHT, FAMILY = registry.WEIGHT.label, registry.FAMILY.label

_QUANTIZED = re.compile(r"^(?P<prefix>\w+?)_QuantizedWeights\.(?P<member>\w+)$")
_BACKEND = re.compile(r"(?:FBGEMM|QNNPACK|X86|ONEDNN)_")
COMPARED = ("Acc@1", "Acc@5")
ACC1_CHANGE = registry.delta_label("Acc@1")
LATENCY = registry.LATENCY.label
SPEED_UP = registry.SPEED_UP.label


def float_counterpart(quantized_weight: str) -> str | None:
    match = _QUANTIZED.match(quantized_weight)
    if match is None:
        return None
    return f"{match.group('prefix')}_Weights.{_BACKEND.sub('', match.group('member'), count=1)}"


def pair_with_float(quantized: pd.DataFrame, floats: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(pairs, unpaired quantized rows). A pair row holds both weights, their accuracies and the
    change (quantized − float), params of each, GFLOPS of the float and GIPS of the quantized one."""
    by_weight = floats.set_index(WEIGHT)
    rows = []
    unpaired = []
    for _, row in quantized.iterrows():
        counterpart = float_counterpart(str(row[WEIGHT]))
        if counterpart is None or counterpart not in by_weight.index:
            unpaired.append(row)
            continue
        base = by_weight.loc[counterpart]
        pair = {
            "Quantized weight": row[WEIGHT],
            "Float weight": counterpart,
            FAMILY: row[FAMILY],
        }
        for label in COMPARED:
            if label in quantized.columns and label in floats.columns:
                pair[f"{label} float"] = base[label]
                pair[f"{label} quantized"] = row[label]
                pair[registry.delta_label(label)] = round(row[label] - base[label], 3)
        pair["Params (M) float"] = base.get("Params (M)")
        pair["Params (M) quantized"] = row.get("Params (M)")
        if "GFLOPS" in floats.columns:
            pair["GFLOPS float"] = base["GFLOPS"]
        if "GIPS" in quantized.columns:
            pair["GIPS quantized"] = row["GIPS"]
        if LATENCY in quantized.columns and LATENCY in floats.columns:
            # Both measured in the active set (a CPU set: quantized weights run on the CPU only).
            pair[f"{LATENCY} float"] = base[LATENCY]
            pair[f"{LATENCY} quantized"] = row[LATENCY]
            pair[SPEED_UP] = base[LATENCY] / row[LATENCY] if row[LATENCY] > 0 else float("nan")
        rows.append(pair)
    # What the page is about first: the quantized weight, its accuracy and what quantizing cost.
    leading = ["Quantized weight"]
    for label in COMPARED:
        leading += [f"{label} quantized", registry.delta_label(label), f"{label} float"]
    leading.append(SPEED_UP)
    pairs = pd.DataFrame(rows)
    pairs = analysis.columns_first(pairs, leading) if rows else pairs
    return pairs, pd.DataFrame(unpaired, columns=quantized.columns)


def summary(pairs: pd.DataFrame) -> tuple[int, float, float]:
    """(pairs, median Acc@1 change, largest Acc@1 drop) — the changes in points, NaN when none."""
    change = pairs.get(ACC1_CHANGE, pd.Series(dtype=float))
    return len(pairs), float(change.median()), float(change.min())


def same_operation_counts(pairs: pd.DataFrame) -> bool:
    """Whether every quantized weight's GIPS equal its float model's GFLOPS (False if either is missing)."""
    if pairs.empty or not {"GIPS quantized", "GFLOPS float"} <= set(pairs.columns):
        return False
    return bool((pairs["GIPS quantized"] == pairs["GFLOPS float"]).all())
