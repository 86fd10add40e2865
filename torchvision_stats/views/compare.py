"""Compare's view: the weights side by side, from any categories. URL: ``?weights=A,B``."""

from __future__ import annotations

from dataclasses import dataclass

from torchvision_stats import registry
from torchvision_stats.views.category_fields import Tables
from torchvision_stats.views.codec import Codec, Names, SoFar

MAX_COMPARED = 6


def _weights(so_far: SoFar, tables: Tables) -> list[str]:
    return [weight for table in tables.values() for weight in table[registry.WEIGHT.label]]


@dataclass(frozen=True)
class CompareView:
    weights: tuple[str, ...] = ()


COMPARE = Codec(
    "compare",
    CompareView,
    (Names("weights", "weights", _weights, limit=MAX_COMPARED),),
    widgets=("find", "download"),
)
