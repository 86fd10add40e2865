"""Each page's view as URL query parameters, validated both ways, by one mechanism.

A page declares its view as a frozen dataclass and a `Codec`: one `Field` per part of the view,
in order, each knowing its URL key, its default, how to read and write it, and the widget(s) that
hold it. A field may depend on those before it (the axes on the category). Reading never raises:
a value that cannot be used falls back to its default with a notice in words. A shared link
reproduces the view; the Streamlit glue binds widgets to it with no page-specific code.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.output import controls
from torchvision_stats.questions.history import budget_metrics, oldest_first
from torchvision_stats.questions.limits import Limit
from torchvision_stats.registry import exact_text

DEFAULT_CATEGORY = "classification"
PARETO_MODES = ("off", "frontier", "only")
COLOR_CHOICES = (registry.FAMILY.label, "none")
NO_SIZE = "none"
MAX_SEARCH_LENGTH = 200
MAX_NUMBER_LENGTH = 40  # a number longer than this is no number a person typed
MAX_COMPARED = 6

Params = Mapping[str, object]
Tables = Mapping[str, pd.DataFrame]
View = TypeVar("View")


class Fallback(ValueError):
    """A URL value that cannot be used; str() is the notice for the user."""


def single(params: Params, key: str) -> str | None:
    """One value of a query parameter (the last when repeated)."""
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return None if value is None else str(value)


def _shown(text: str) -> str:
    return text[:40]


class Field:
    """One part of a view: its URL key, default, reading and writing, and its widget."""

    def __init__(self, name: str, default: Callable[[dict, Any], Any]):
        self.name = name  # the view's attribute, the URL key and the widget's name
        self._default = default

    def default(self, so_far: dict, context: Any) -> Any:
        return self._default(so_far, context)

    def decode(self, text: str, so_far: dict, context: Any) -> Any:
        raise NotImplementedError

    def encode(self, value: Any) -> dict[str, str]:
        return {self.name: str(value)}

    def read(self, params: Params, so_far: dict, context: Any, notices: list[str]) -> Any:
        text = single(params, self.name)
        if text is None:
            return self.default(so_far, context)
        try:
            return self.decode(text, so_far, context)
        except Fallback as fallback:
            notices.append(str(fallback))
            return self.default(so_far, context)

    # Widgets: by default one widget named like the field, holding the value itself.
    def widget_values(self, value: Any) -> dict[str, Any]:
        return {self.name: value}

    def params_from_widgets(self, widgets: Mapping[str, Any]) -> dict[str, str]:
        value = widgets.get(self.name)
        return {} if value is None else self.encode(value)

    def widget_names(self) -> list[str]:
        return [self.name]

    def url_keys(self) -> list[str]:
        return [self.name]


class Choice(Field):
    """One of the options the view before it allows (e.g. the axes a category's table has).
    `title` names it in a notice ("X axis"); `taken` says why a value is not an option, when the
    view before it took it (the Y axis cannot be the X axis)."""

    def __init__(
        self,
        name: str,
        options: Callable[[dict, Any], Sequence[str]],
        default,
        title: str = "",
        taken: Callable[[str, dict], str] | None = None,
    ):
        super().__init__(name, default)
        self.options = options
        self.title = title
        self.taken = taken

    def decode(self, text: str, so_far: dict, context: Any) -> str:
        if text in self.options(so_far, context):
            return text
        instead = self.default(so_far, context)
        reason = (self.taken(text, so_far) if self.taken else "") or "is not available here"
        if self.title:
            raise Fallback(f"{self.title}: {_shown(text)} {reason}; showing {instead}.")
        raise Fallback(f"“{self.name}={_shown(text)}” {reason}; using {instead}.")


class Flag(Field):
    def __init__(self, name: str, default: bool):
        super().__init__(name, lambda so_far, context: default)

    def decode(self, text: str, so_far: dict, context: Any) -> bool:
        if text in ("1", "0"):
            return text == "1"
        raise Fallback(
            f"“{self.name}={_shown(text)}” is not 1 or 0; using {int(self.default(so_far, context))}."
        )

    def encode(self, value: Any) -> dict[str, str]:
        return {self.name: "1" if value else "0"}


class Text(Field):
    """Free text, cut to a length; left out of the URL when empty."""

    def __init__(self, name: str, max_length: int, noun: str):
        super().__init__(name, lambda so_far, context: "")
        self.max_length = max_length
        self.noun = noun

    def read(self, params: Params, so_far: dict, context: Any, notices: list[str]) -> str:
        text = single(params, self.name) or ""
        if len(text) > self.max_length:
            notices.append(f"The {self.noun} was cut to {self.max_length} characters.")
        return text[: self.max_length]

    def decode(self, text: str, so_far: dict, context: Any) -> str:
        return text[: self.max_length]

    def encode(self, value: Any) -> dict[str, str]:
        return {self.name: value} if value else {}


class Names(Field):
    """Several of the options, comma-separated; unknown ones are dropped with a notice."""

    def __init__(
        self, name: str, noun: str, options: Callable[[dict, Any], Sequence[str]], default=None, limit=0
    ):
        super().__init__(name, default or (lambda so_far, context: ()))
        self.noun = noun  # what the names are, for notices: "families", "weights"
        self.options = options
        self.limit = limit

    def read(self, params: Params, so_far: dict, context: Any, notices: list[str]) -> tuple[str, ...]:
        text = single(params, self.name)
        if text is None:
            return tuple(self.default(so_far, context))
        requested = [name for name in text.split(",") if name.strip()]
        present = set(self.options(so_far, context))
        kept = tuple(dict.fromkeys(name for name in requested if name in present))
        if len(kept) < len(requested):
            unknown = ", ".join(_shown(name) for name in requested if name not in present)
            notices.append(f"Unknown {self.noun} ignored in {self.name}: {unknown}")
        if self.limit and len(kept) > self.limit:
            notices.append(f"Only the first {self.limit} of {self.name} are used.")
            kept = kept[: self.limit]
        return kept

    def encode(self, value: Any) -> dict[str, str]:
        return {self.name: ",".join(value)} if value else {}

    def widget_values(self, value: Any) -> dict[str, Any]:
        return {self.name: list(value)}

    def params_from_widgets(self, widgets: Mapping[str, Any]) -> dict[str, str]:
        return self.encode(tuple(widgets.get(self.name) or ()))


def number(text: str, key: str) -> float:
    try:
        value = float(text) if len(text) <= MAX_NUMBER_LENGTH else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise Fallback(f"“{key}={_shown(text)}” is not a number; that value was left out.")
    return value


class Number(Field):
    def __init__(self, name: str, default: Callable[[dict, Any], float | None]):
        super().__init__(name, default)

    def decode(self, text: str, so_far: dict, context: Any) -> float:
        value = number(text, self.name)
        if value < 0:
            raise Fallback(f"“{self.name}={_shown(text)}” is below 0; using the default.")
        return value

    def encode(self, value: Any) -> dict[str, str]:
        return {} if value is None else {self.name: exact_text(value)}


class PerMetric(Field):
    """A value per metric, under the metric's label in the URL and in a widget of its own named
    `widget`.<label>; the view holds (label, …) tuples for the metrics that have one."""

    def __init__(self, name: str, widget: str):
        super().__init__(name, lambda so_far, context: ())
        self.widget = widget

    def held(self, value: Any) -> Mapping[str, Any]:
        """Metric → what its widget holds, from the view's tuples."""
        raise NotImplementedError

    def widget_values(self, value: Any) -> dict[str, Any]:
        given = self.held(value)
        return {f"{self.widget}.{label}": given.get(label) for label in registry.METRICS}

    def widget_names(self) -> list[str]:
        return [f"{self.widget}.{label}" for label in registry.METRICS]

    def url_keys(self) -> list[str]:
        return list(registry.METRICS)


class Bounds(PerMetric):
    """A limit per metric of the category's table, each under the metric's label: ``GFLOPS=5``."""

    def __init__(self, name: str, metrics: Callable[[dict, Any], Sequence[str]], widget: str):
        super().__init__(name, widget)
        self.metrics = metrics

    def read(self, params: Params, so_far: dict, context: Any, notices: list[str]) -> tuple[Limit, ...]:
        bounds = []
        for label in self.metrics(so_far, context):
            text = single(params, label)
            if text is None:
                continue
            try:
                bounds.append(Limit.bound(label, number(text, label)))
            except Fallback:
                notices.append(f"“{label}={_shown(text)}” is not a number; that constraint was left out.")
        return tuple(bounds)

    def encode(self, value: Any) -> dict[str, str]:
        return {limit.metric: exact_text(limit.bound_value) for limit in value}

    def held(self, value: Any) -> Mapping[str, Any]:
        return {limit.metric: limit.bound_value for limit in value}

    def params_from_widgets(self, widgets: Mapping[str, Any]) -> dict[str, str]:
        return {
            label: exact_text(float(widgets[key]))
            for label in registry.METRICS
            if widgets.get(key := f"{self.widget}.{label}") is not None
        }


def _side(text: str, label: str) -> float | None:
    return number(text, label) if text.strip() else None


def _range(text: str, label: str, lowest: float, highest: float) -> Limit:
    """``"1,5"``, ``",5"`` or ``"1,"`` as a Limit, a side at or past the data's end open (None);
    Fallback, in words, for text that is no range or holds no weight."""
    sides = text.split(",")
    if len(sides) != 2:
        raise Fallback(f"“{label}={_shown(text)}” is not a range like 1,5 (or ,5 or 1,); left out.")
    try:
        low, high = _side(sides[0], label), _side(sides[1], label)
    except Fallback:
        raise Fallback(f"“{label}={_shown(text)}” is not a range of numbers like 1,5; left out.") from None
    limit = Limit(label, low, high)
    if not limit.holds_any_of(lowest, highest):
        ends = [registry.number_text(end, label, trimmed=True) for end in (lowest, highest)]
        raise Fallback(
            f"“{label}={_shown(text)}” holds no weight here ({label} runs from {ends[0]} to {ends[1]}); "
            "left out."
        )
    return limit.open_at(lowest, highest)


class Ranges(PerMetric):
    """A range per metric, under the metric's label: ``GFLOPS=,5`` (at most 5), ``Acc@1=80,`` (at
    least 80), ``GFLOPS=1,5``. A side at or past the data's own end is open (None), and a range
    open on both sides is no filter; each metric's widget holds (low, high)."""

    def __init__(
        self, name: str, spans: Callable[[dict, Any], Mapping[str, tuple[float, float]]], widget: str
    ):
        super().__init__(name, widget)
        self.spans = spans

    def read(self, params: Params, so_far: dict, context: Any, notices: list[str]) -> tuple[Limit, ...]:
        ranges = []
        for label, (lowest, highest) in self.spans(so_far, context).items():
            text = single(params, label)
            if text is None:
                continue
            try:
                limit = _range(text, label, lowest, highest)
            except Fallback as fallback:
                notices.append(str(fallback))
                continue
            if not limit.is_open:
                ranges.append(limit)
        return tuple(ranges)

    def encode(self, value: Any) -> dict[str, str]:
        return {limit.metric: f"{exact_text(limit.low)},{exact_text(limit.high)}" for limit in value}

    def held(self, value: Any) -> Mapping[str, Any]:
        return {limit.metric: (limit.low, limit.high) for limit in value}

    def params_from_widgets(self, widgets: Mapping[str, Any]) -> dict[str, str]:
        held = {label: widgets.get(f"{self.widget}.{label}") for label in registry.METRICS}
        return {label: f"{exact_text(pair[0])},{exact_text(pair[1])}" for label, pair in held.items() if pair}


@dataclass(frozen=True)
class Codec(Generic[View]):
    view: type[View]
    fields: tuple[Field, ...]

    def from_query(self, params: Params, context: Any) -> tuple[View, list[str]]:
        """The view a URL asks for, and a notice for each value that had to fall back."""
        so_far: dict[str, Any] = {}
        notices: list[str] = []
        for field in self.fields:
            so_far[field.name] = field.read(params, so_far, context, notices)
        return self.view(**so_far), notices

    def to_query(self, view: View) -> dict[str, str]:
        params: dict[str, str] = {}
        for field in self.fields:
            params.update(field.encode(getattr(view, field.name)))
        return params

    def to_widgets(self, view: View) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in self.fields:
            values.update(field.widget_values(getattr(view, field.name)))
        return values

    def query_from_widgets(self, widgets: Mapping[str, Any]) -> dict[str, str]:
        params: dict[str, str] = {}
        for field in self.fields:
            params.update(field.params_from_widgets(widgets))
        return params

    def widget_names(self) -> list[str]:
        return [name for field in self.fields for name in field.widget_names()]

    def url_keys(self) -> list[str]:
        """The URL keys the view uses (a Bounds field uses the metric labels)."""
        return [key for field in self.fields for key in field.url_keys()]

    def unknown_keys(self, params: Params, also: Sequence[str] = ()) -> list[str]:
        """Keys of `params` that this view (and `also`, e.g. the docs version) does not use."""
        known = {*self.url_keys(), *also}
        return [key for key in params if key not in known]

    def reset(self, view: View, names: Sequence[str], context: Any) -> View:
        """The view with `names` back at their defaults for the rest of the view (e.g. a new category)."""
        dropped = {key for field in self.fields if field.name in names for key in field.url_keys()}
        kept = {k: v for k, v in self.to_query(view).items() if k not in dropped}
        return self.from_query(kept, context)[0]


# ------------------------------------------------------------------ the pages' views


def _categories(so_far: dict, tables: Tables) -> list[str]:
    return [slug for slug in registry.CATEGORIES if slug in tables]


def _default_category(so_far: dict, tables: Tables) -> str:
    available = _categories(so_far, tables)
    return DEFAULT_CATEGORY if DEFAULT_CATEGORY in available else available[0]


def _metrics(so_far: dict, tables: Tables) -> list[str]:
    return registry.metric_columns(tables[so_far["category"]])


def _spans(so_far: dict, tables: Tables) -> dict[str, tuple[float, float]]:
    """Each metric's range control's ends: the data's own lowest and highest value."""
    return {
        label: (control.low, control.high)
        for label, control in controls.range_controls(tables[so_far["category"]]).items()
    }


def _families(so_far: dict, tables: Tables) -> list[str]:
    return sorted(tables[so_far["category"]][registry.FAMILY.label].dropna().unique())


def default_axes(category: registry.Category, table: pd.DataFrame) -> tuple[str, str]:
    """Cost on x and the main quality metric on y, as far as this release's table has them."""
    metrics = registry.metric_columns(table)
    y = category.main_metric if category.main_metric in metrics else metrics[0]
    return category.cost_in(metrics), y


def _default_x(so_far: dict, tables: Tables) -> str:
    slug = so_far["category"]
    return default_axes(registry.CATEGORIES[slug], tables[slug])[0]


def _y_options(so_far: dict, tables: Tables) -> list[str]:
    """Any metric but the X axis's: a metric against itself says nothing."""
    return [label for label in _metrics(so_far, tables) if label != so_far["x"]]


def _default_y(so_far: dict, tables: Tables) -> str:
    slug = so_far["category"]
    y = default_axes(registry.CATEGORIES[slug], tables[slug])[1]
    return y if y != so_far["x"] else (_y_options(so_far, tables) or [y])[0]


def _on_x(text: str, so_far: dict) -> str:
    return "is already the X axis" if text == so_far.get("x") else ""


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


EXPLORE = Codec(
    ExploreView,
    (
        Choice("category", _categories, _default_category),
        Choice("x", _metrics, _default_x, title="X axis"),
        Choice("y", _y_options, _default_y, title="Y axis", taken=_on_x),
        Flag("logx", True),
        Flag("logy", False),
        Choice("color", lambda so_far, tables: COLOR_CHOICES, lambda so_far, tables: registry.FAMILY.label),
        Choice(
            "size",
            lambda so_far, tables: [NO_SIZE, *_metrics(so_far, tables)],
            lambda so_far, tables: NO_SIZE,
        ),
        Text("q", MAX_SEARCH_LENGTH, noun="search text"),
        Names("family", "families", _families),
        Choice("pareto", lambda so_far, tables: PARETO_MODES, lambda so_far, tables: "off"),
        Ranges("ranges", _spans, widget="range"),
    ),
)


def default_view(category_slug: str, tables: Tables) -> ExploreView:
    return EXPLORE.from_query({"category": category_slug}, tables)[0]


def with_category(view: ExploreView, category_slug: str, tables: Tables) -> ExploreView:
    """Switch category: axes, size and families that the new table lacks go back to its defaults."""
    return EXPLORE.reset(replace(view, category=category_slug), ("x", "y", "family", "ranges"), tables)


@dataclass(frozen=True)
class PickView:
    """The Pick a model page: a category, bounds per metric (max or min by the metric's
    direction), families to include or exclude. URL: ``?category=…&GFLOPS=5&Acc@1=80&exclude=VGG``."""

    category: str
    bounds: tuple[Limit, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


PICK = Codec(
    PickView,
    (
        Choice("category", _categories, _default_category),
        Bounds("bounds", _metrics, widget="bound"),
        Names("include", "families", _families),
        Names("exclude", "families", _families),
    ),
)


def _weights(so_far: dict, tables: Tables) -> list[str]:
    return [weight for table in tables.values() for weight in table[registry.WEIGHT.label]]


@dataclass(frozen=True)
class CompareView:
    """Compare: the weights side by side, from any categories. URL: ``?weights=A,B``."""

    weights: tuple[str, ...] = ()


COMPARE = Codec(CompareView, (Names("weights", "weights", _weights, limit=MAX_COMPARED),))


@dataclass(frozen=True)
class HistoryContext:
    releases: list[str]  # every release that can be chosen, newest first
    bundled: list[str]  # the default choice: the releases that load offline
    # (category, budget metric) → a budget some weight fits (history.typical_budget)
    budgets: Mapping[tuple[str, str], float] = dataclasses.field(default_factory=dict)


ALL_CATEGORIES = "all"


@dataclass(frozen=True)
class HistoryView:
    """History: a category across releases, a budget, two releases diffed (in every category, or
    one). URL: ``?category=video_classification&releases=0.13,main&budget=100&diff_from=0.13``
    ``&diff_to=main&diff_category=all``."""

    category: str
    releases: tuple[str, ...]
    budget_metric: str
    budget: float
    diff_from: str | None
    diff_to: str | None
    diff_category: str = ALL_CATEGORIES


def _history_budget_metrics(so_far: dict, context: HistoryContext) -> list[str]:
    """What a budget can cap in the category's own metrics (the page narrows it to the releases
    that loaded, by the same rule)."""
    category = registry.CATEGORIES[so_far["category"]]
    return budget_metrics(category)


HISTORY = Codec(
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
            _history_budget_metrics,
            lambda so_far, context: _history_budget_metrics(so_far, context)[0],
        ),
        Number(
            "budget",
            lambda so_far, context: context.budgets.get((so_far["category"], so_far["budget_metric"]), 5.0),
        ),
        Choice(
            "diff_from",
            lambda so_far, context: so_far["releases"],
            lambda so_far, context: (oldest_first(so_far["releases"]) or [None])[0],
        ),
        Choice(
            "diff_to",
            lambda so_far, context: so_far["releases"],
            lambda so_far, context: (oldest_first(so_far["releases"]) or [None])[-1],
        ),
        Choice(
            "diff_category",
            lambda so_far, context: [ALL_CATEGORIES, *registry.CATEGORIES],
            lambda so_far, context: ALL_CATEGORIES,
        ),
    ),
)

CODECS: dict[str, Codec] = {"explore": EXPLORE, "pick": PICK, "compare": COMPARE, "history": HISTORY}
