"""The generic view codec: a page's view as URL query parameters and as its widgets' values,
validated both ways, by one mechanism — and the widget keys, handed out by name.

A page declares its view as a frozen dataclass and a `Codec`: one `Field` per part of the view, in
order, each knowing its URL key, its default, how to read and write it, and the widget(s) that hold
it. A field may depend on those before it (the axes on the category): it names them in `needs`,
checked when the declaration is imported, and reads them as attributes of `so_far`. Reading never
raises: a value that cannot be used falls back to its default with a notice in words.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from torchvision_stats import registry
from torchvision_stats.questions.limits import Limit
from torchvision_stats.registry import exact_text
from torchvision_stats.views.keys import PageKeys

MAX_NUMBER_LENGTH = 40  # a number longer than this is no number a person typed

Params = Mapping[str, object]
View = TypeVar("View")


class SoFar:
    """The fields a field `needs`, read before it, as attributes (`so_far.category`): one it did not
    name is an AttributeError that says so, not a silent KeyError-turned-default."""

    def __init__(self, values: Mapping[str, Any], field: str):
        self._values = dict(values)
        self._field = field

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(
                f"the field {self._field!r} reads {name!r} but does not name it in needs"
            ) from None


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

    def __init__(self, name: str, default: Callable[[SoFar, Any], Any], needs: tuple[str, ...] = ()):
        self.name = name  # the view's attribute, the URL key and the widget's name
        self._default = default
        self.needs = needs  # the fields before it that its options or default read

    def default(self, so_far: SoFar, context: Any) -> Any:
        return self._default(so_far, context)

    def decode(self, text: str, so_far: SoFar, context: Any) -> Any:
        raise NotImplementedError

    def encode(self, value: Any) -> dict[str, str]:
        return {self.name: str(value)}

    def read(self, params: Params, so_far: SoFar, context: Any, notices: list[str]) -> Any:
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
        options: Callable[[SoFar, Any], Sequence[str]],
        default,
        title: str = "",
        taken: Callable[[str, SoFar], str] | None = None,
        needs: tuple[str, ...] = (),
        absent: str = "is not available here",
        instead: Callable[[Any], str] | None = None,
        left_out_at: str | None = None,
    ):
        super().__init__(name, default, needs)
        self.options = options
        self.title = title
        self.taken = taken
        self.absent = absent  # why a value that is no option falls back, in words
        self.instead = instead  # what is shown instead, in words ("the server's default")
        self.left_out_at = left_out_at  # a value the URL leaves out (main, the docs' default)

    def decode(self, text: str, so_far: SoFar, context: Any) -> str:
        if text in self.options(so_far, context):
            return text
        instead = self.default(so_far, context)
        reason = (self.taken(text, so_far) if self.taken else "") or self.absent
        if self.title:
            raise Fallback(f"{self.title}: {_shown(text)} {reason}; showing {instead}.")
        if self.instead:
            raise Fallback(f"“{self.name}={_shown(text)}” {reason}; showing {self.instead(instead)}.")
        raise Fallback(f"“{self.name}={_shown(text)}” {reason}; using {instead}.")

    def encode(self, value: Any) -> dict[str, str]:
        return {} if value is None or value == self.left_out_at else {self.name: str(value)}


class Flag(Field):
    def __init__(self, name: str, default: bool):
        super().__init__(name, lambda so_far, context: default)

    def decode(self, text: str, so_far: SoFar, context: Any) -> bool:
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

    def read(self, params: Params, so_far: SoFar, context: Any, notices: list[str]) -> str:
        text = single(params, self.name) or ""
        if len(text) > self.max_length:
            notices.append(f"The {self.noun} was cut to {self.max_length} characters.")
        return text[: self.max_length]

    def decode(self, text: str, so_far: SoFar, context: Any) -> str:
        return text[: self.max_length]

    def encode(self, value: Any) -> dict[str, str]:
        return {self.name: value} if value else {}


class Names(Field):
    """Several of the options, comma-separated; unknown ones are dropped with a notice."""

    def __init__(
        self,
        name: str,
        noun: str,
        options: Callable[[SoFar, Any], Sequence[str]],
        default=None,
        limit=0,
        needs: tuple[str, ...] = (),
    ):
        super().__init__(name, default or (lambda so_far, context: ()), needs)
        self.noun = noun  # what the names are, for notices: "families", "weights"
        self.options = options
        self.limit = limit

    def read(self, params: Params, so_far: SoFar, context: Any, notices: list[str]) -> tuple[str, ...]:
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
    def __init__(self, name: str, default: Callable[[SoFar, Any], float | None], needs: tuple[str, ...] = ()):
        super().__init__(name, default, needs)

    def decode(self, text: str, so_far: SoFar, context: Any) -> float:
        value = number(text, self.name)
        if value < 0:
            raise Fallback(f"“{self.name}={_shown(text)}” is below 0; using the default.")
        return value

    def encode(self, value: Any) -> dict[str, str]:
        return {} if value is None else {self.name: exact_text(value)}


class PerMetric(Field):
    """A value per metric, under the metric's label in the URL and in a widget of its own named
    `widget`.<label>; the view holds (label, …) tuples for the metrics that have one."""

    def __init__(self, name: str, widget: str, needs: tuple[str, ...] = ()):
        super().__init__(name, lambda so_far, context: (), needs)
        self.widget = widget  # the widget family: one widget per metric

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

    def __init__(
        self,
        name: str,
        metrics: Callable[[SoFar, Any], Sequence[str]],
        widget: str,
        needs: tuple[str, ...] = (),
    ):
        super().__init__(name, widget, needs)
        self.metrics = metrics

    def read(self, params: Params, so_far: SoFar, context: Any, notices: list[str]) -> tuple[Limit, ...]:
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
        self,
        name: str,
        spans: Callable[[SoFar, Any], Mapping[str, tuple[float, float]]],
        widget: str,
        needs: tuple[str, ...] = (),
    ):
        super().__init__(name, widget, needs)
        self.spans = spans

    def read(self, params: Params, so_far: SoFar, context: Any, notices: list[str]) -> tuple[Limit, ...]:
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


# Every page keeps its view and the notices a link gave (dashboard.url_state).
STATE_NAMES = ("view", "link-notices")


class Codec(Generic[View]):
    """A page's view: its fields, and the keys of all the page's widgets (the fields' own, and
    `widgets` and widget `families` the page draws besides), handed out by `keys`."""

    def __init__(
        self,
        page: str,
        view: type[View],
        fields: tuple[Field, ...],
        widgets: Iterable[str] = (),
        families: Iterable[str] = (),
    ):
        self.page = page
        self.view = view
        self.fields = fields
        self._check(view, fields)
        single = [
            name for field in fields if not isinstance(field, PerMetric) for name in field.widget_names()
        ]
        per_metric = [field.widget for field in fields if isinstance(field, PerMetric)]
        self.keys = PageKeys(page, [*STATE_NAMES, *single, *widgets], [*per_metric, *families])

    @staticmethod
    def _check(view: type, fields: tuple[Field, ...]) -> None:
        """At import: one field per attribute of the view, and each field needs only fields before it."""
        names = [field.name for field in fields]
        attributes = [attribute.name for attribute in dataclasses.fields(view)]
        if names != attributes:
            raise TypeError(f"{view.__name__}: fields {names} are not its attributes {attributes}, in order")
        for index, field in enumerate(fields):
            unknown = set(field.needs) - set(names[:index])
            if unknown:
                raise TypeError(f"{view.__name__}.{field.name} needs {sorted(unknown)}, not fields before it")

    def from_query(self, params: Params, context: Any) -> tuple[View, list[str]]:
        """The view a URL asks for, and a notice for each value that had to fall back."""
        read: dict[str, Any] = {}
        notices: list[str] = []
        for field in self.fields:
            so_far = SoFar({name: read[name] for name in field.needs}, field.name)
            read[field.name] = field.read(params, so_far, context, notices)
        return self.view(**read), notices

    def to_query(self, view: View) -> dict[str, str]:
        params: dict[str, str] = {}
        for field in self.fields:
            params.update(field.encode(getattr(view, field.name)))
        return params

    def to_widgets(self, view: View) -> dict[str, Any]:
        """Each widget's value for the view, by the widget's name (keys(name) is its key)."""
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
        """Keys of `params` that this view (and `also`, e.g. the sidebar's) does not use."""
        known = {*self.url_keys(), *also}
        return [key for key in params if key not in known]

    def reset(self, view: View, names: Sequence[str], context: Any) -> View:
        """The view with `names` back at their defaults for the rest of the view (e.g. a new category)."""
        dropped = {key for field in self.fields if field.name in names for key in field.url_keys()}
        kept = {k: v for k, v in self.to_query(view).items() if k not in dropped}
        return self.from_query(kept, context)[0]
