"""History's view: a category across releases, a budget, two releases diffed (in every category,
or one). URL: ``?category=video_classification&releases=0.13,main&budget=100&diff_from=0.13``
``&diff_to=main&diff_category=all``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from torchvision_stats import registry
from torchvision_stats.questions.history import budget_metrics, oldest_first
from torchvision_stats.views.category_fields import DEFAULT_CATEGORY
from torchvision_stats.views.codec import Choice, Codec, Names, Number, SoFar

ALL_CATEGORIES = "all"


@dataclass(frozen=True)
class HistoryContext:
    releases: list[str]  # every release that can be chosen, newest first
    bundled: list[str]  # the default choice: the releases that load offline
    # (category, budget metric) → a budget some weight fits (history.typical_budget)
    budgets: Mapping[tuple[str, str], float] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class HistoryView:
    category: str
    releases: tuple[str, ...]
    budget_metric: str
    budget: float
    diff_from: str | None
    diff_to: str | None
    diff_category: str = ALL_CATEGORIES


def _budget_metrics(so_far: SoFar, context: HistoryContext) -> list[str]:
    """What a budget can cap in the category's own metrics (the page narrows it to the releases
    that loaded, by the same rule)."""
    return budget_metrics(registry.CATEGORIES[so_far.category])


def _typical_budget(so_far: SoFar, context: HistoryContext) -> float:
    return context.budgets.get((so_far.category, so_far.budget_metric), 5.0)


def _releases(so_far: SoFar, context: HistoryContext) -> tuple[str, ...]:
    return so_far.releases


HISTORY = Codec(
    "history",
    HistoryView,
    (
        Choice(
            "category",
            lambda so_far, context: list(registry.CATEGORIES),
            lambda so_far, context: DEFAULT_CATEGORY,
        ),
        Names(
            "releases",
            "releases",
            lambda so_far, context: context.releases,
            lambda so_far, context: tuple(context.bundled),
            limit=6,
        ),
        Choice(
            "budget_metric",
            _budget_metrics,
            lambda so_far, context: _budget_metrics(so_far, context)[0],
            needs=("category",),
        ),
        Number("budget", _typical_budget, needs=("category", "budget_metric")),
        Choice(
            "diff_from",
            _releases,
            lambda so_far, context: (oldest_first(so_far.releases) or [None])[0],
            needs=("releases",),
        ),
        Choice(
            "diff_to",
            _releases,
            lambda so_far, context: (oldest_first(so_far.releases) or [None])[-1],
            needs=("releases",),
        ),
        Choice(
            "diff_category",
            lambda so_far, context: [ALL_CATEGORIES, *registry.CATEGORIES],
            lambda so_far, context: ALL_CATEGORIES,
        ),
    ),
    widgets=("chart", "download"),
)
