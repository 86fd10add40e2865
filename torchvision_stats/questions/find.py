"""Finding a weight the way people write model names: ResNet-50, ViT-B/16, convnext tiny.

A name's *spelling* is its letters and digits, lower-cased: "ResNet-50", "resnet50" and
"ResNet50_Weights" all spell "resnet50…". A query matches a weight when its spelling is part of
the weight's or its builder's; the best match comes first (the builder named exactly, the main
table before the quantized one, the newest recipe).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from torchvision_stats import registry

_NOT_LETTER_OR_DIGIT = re.compile(r"[^0-9a-z]+")
_RECIPE_VERSION = re.compile(r"_V(\d+)$")


def spelling(text: str) -> str:
    """The letters and digits of `text`, lower-cased: how a name is spelled whatever its separators."""
    return _NOT_LETTER_OR_DIGIT.sub("", text.lower())


@dataclass(frozen=True)
class Candidate:
    weight: str  # ResNet50_Weights.IMAGENET1K_V2
    builder: str  # resnet50
    category: str  # slug

    @property
    def enum_spelling(self) -> str:
        """The weight's enum class without "Weights": ResNet50_QuantizedWeights → resnet50quantized."""
        return spelling(self.weight.split(".")[0].replace("Weights", ""))


def candidates(tables: Mapping[str, pd.DataFrame]) -> list[Candidate]:
    """Every weight of every category's table, as find_weights searches them."""
    return [
        Candidate(row[registry.WEIGHT.label], row[registry.MODEL.label], slug)
        for slug, table in tables.items()
        for row in table[[registry.WEIGHT.label, registry.MODEL.label]].to_dict("records")
    ]


def _closeness(query: str, candidate: Candidate) -> int | None:
    """0: the builder or enum named exactly; 1: a name starts with the query; 2: contains it."""
    names = (spelling(candidate.builder), candidate.enum_spelling, spelling(candidate.weight))
    if query in names[:2]:
        return 0
    if any(name.startswith(query) for name in names):
        return 1
    if any(query in name for name in names):
        return 2
    return None


def find_weights(query: str, candidates: Iterable[Candidate]) -> list[str]:
    """The weights `query` names, best first; [] when its spelling is empty or nothing matches."""
    wanted = spelling(query)
    if not wanted:
        return []
    order = list(registry.CATEGORIES)
    ranked = []
    for candidate in candidates:
        closeness = _closeness(wanted, candidate)
        if closeness is None:
            continue
        version = _RECIPE_VERSION.search(candidate.weight)
        ranked.append(
            (
                closeness,
                order.index(candidate.category) if candidate.category in order else len(order),
                len(spelling(candidate.builder)),
                -int(version.group(1)) if version else 0,  # the newest recipe of a weight first
                len(candidate.weight),  # the plain recipe before its variants (SWAG, …)
                candidate.weight,
            )
        )
    return [entry[-1] for entry in sorted(ranked)]
