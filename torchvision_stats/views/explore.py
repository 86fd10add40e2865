"""Explore's view: a category, two axes, colour, size, search, families, Pareto and metric ranges.
URL: ``?category=object_detection&x=GFLOPS&y=Box MAP&q=rcnn&GFLOPS=,5``."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.questions.limits import Limit
from torchvision_stats.views import controls
from torchvision_stats.views.category_fields import Tables, categories, default_category, families, metrics
from torchvision_stats.views.codec import Choice, Codec, Flag, Names, Ranges, SoFar, Text

PARETO_MODES = ("off", "frontier", "only")
COLOR_CHOICES = (registry.FAMILY.label, "none")
NO_SIZE = "none"
MAX_SEARCH_LENGTH = 200


def default_axes(category: registry.Category, table: pd.DataFrame) -> tuple[str, str]:
    """Cost on x and the main quality metric on y, as far as this release's table has them."""
    labels = registry.metric_columns(table)
    y = category.main_metric if category.main_metric in labels else labels[0]
    return category.cost_in(labels), y


def _default_x(so_far: SoFar, tables: Tables) -> str:
    return default_axes(registry.CATEGORIES[so_far.category], tables[so_far.category])[0]


def _y_options(so_far: SoFar, tables: Tables) -> list[str]:
    """Any metric but the X axis's: a metric against itself says nothing."""
    return [label for label in metrics(so_far, tables) if label != so_far.x]


def _default_y(so_far: SoFar, tables: Tables) -> str:
    y = default_axes(registry.CATEGORIES[so_far.category], tables[so_far.category])[1]
    return y if y != so_far.x else (_y_options(so_far, tables) or [y])[0]


def _on_x(text: str, so_far: SoFar) -> str:
    return "is already the X axis" if text == so_far.x else ""


def _spans(so_far: SoFar, tables: Tables) -> dict[str, tuple[float, float]]:
    """Each metric's range control's ends: the data's own lowest and highest value."""
    return {
        label: (control.low, control.high)
        for label, control in controls.range_controls(tables[so_far.category]).items()
    }


@dataclass(frozen=True)
class ExploreView:
    category: str
    x: str
    y: str
    logx: bool = True  # costs span three orders of magnitude (0.04 to 1016 GFLOPS)
    logy: bool = False
    color: str = registry.FAMILY.label
    size: str = NO_SIZE
    q: str = ""
    family: tuple[str, ...] = ()
    pareto: str = "off"
    ranges: tuple[Limit, ...] = ()

    def limit_on(self, metric: str) -> Limit:
        """The view's limit on `metric`; an open one when it has none."""
        return next((limit for limit in self.ranges if limit.metric == metric), Limit(metric))

    @property
    def pareto_axes(self) -> tuple[str, str] | None:
        """The axes whose frontier alone is shown, when "Pareto only" is on."""
        return (self.x, self.y) if self.pareto == "only" else None


CATEGORY = ("category",)
EXPLORE = Codec(
    "explore",
    ExploreView,
    (
        Choice("category", categories, default_category),
        Choice("x", metrics, _default_x, title="X axis", needs=CATEGORY),
        Choice("y", _y_options, _default_y, title="Y axis", taken=_on_x, needs=("category", "x")),
        Flag("logx", True),
        Flag("logy", False),
        Choice("color", lambda so_far, tables: COLOR_CHOICES, lambda so_far, tables: registry.FAMILY.label),
        Choice(
            "size",
            lambda so_far, tables: [NO_SIZE, *metrics(so_far, tables)],
            lambda so_far, tables: NO_SIZE,
            needs=CATEGORY,
        ),
        Text("q", MAX_SEARCH_LENGTH, noun="search text"),
        Names("family", "families", families, needs=CATEGORY),
        Choice("pareto", lambda so_far, tables: PARETO_MODES, lambda so_far, tables: "off"),
        Ranges("ranges", _spans, widget="range", needs=CATEGORY),
    ),
    widgets=("chart", "show-table", "download", "download-selection", "snippet-weight", "ranges-open"),
)


def default_view(category_slug: str, tables: Tables) -> ExploreView:
    return EXPLORE.from_query({"category": category_slug}, tables)[0]


def with_category(view: ExploreView, category_slug: str, tables: Tables) -> ExploreView:
    """Switch category: axes, size and families that the new table lacks go back to its defaults."""
    return EXPLORE.reset(replace(view, category=category_slug), ("x", "y", "family", "ranges"), tables)
