"""Pick a model's view: a category, a limit per metric (max or min by the metric's direction),
families to include or exclude. URL: ``?category=…&GFLOPS=5&Acc@1=80&exclude=VGG``."""

from __future__ import annotations

from dataclasses import dataclass

from torchvision_stats.questions.limits import Limit
from torchvision_stats.views.category_fields import categories, default_category, families, metrics
from torchvision_stats.views.codec import Bounds, Choice, Codec, Names


@dataclass(frozen=True)
class PickView:
    category: str
    bounds: tuple[Limit, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


PICK = Codec(
    "pick",
    PickView,
    (
        Choice("category", categories, default_category),
        Bounds("bounds", metrics, widget="bound", needs=("category",)),
        Names("include", "families", families, needs=("category",)),
        Names("exclude", "families", families, needs=("category",)),
    ),
    widgets=("download",),
)
