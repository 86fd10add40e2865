"""Plotly figures from (table, view): pure functions, no Streamlit.

Scraped names are escaped before they reach a hover label: Plotly renders a subset of HTML
there, and a weight name is data, never markup.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from torchvision_stats import registry
from torchvision_stats.questions import analysis
from torchvision_stats.questions.limits import Limit
from torchvision_stats.questions.quantization import ACC1_CHANGE
from torchvision_stats.registry import number_text
from torchvision_stats.views.explore import NO_SIZE, ExploreView

WEIGHT, FAMILY = registry.WEIGHT.label, registry.FAMILY.label

# 32 colours for the ~30 classification families, each as far as could be (in CIELAB) from all
# before it, from those neither too light nor too dark to read on white, and away from the
# frontier's orange: any two are told apart, neighbours in the legend most of all. Made by greedy
# farthest-point selection on a 15-step sRGB grid, starting from Plotly's blue.
FAMILY_COLORS = (
    "#1e78b4", "#00e100", "#4b00ff", "#ff0fb4", "#69780f", "#00e1a5", "#9669f0", "#d27896",
    "#ffb400", "#00695a", "#b4d200", "#2dd2e1", "#784b2d", "#ff1e69", "#f0b478", "#f000ff",
    "#00960f", "#d2b4ff", "#962d87", "#96b487", "#ff87f0", "#a56900", "#0087ff", "#a52d3c",
    "#694b78", "#96d269", "#ff0000", "#8700c3", "#004bff", "#96c3f0", "#00e169", "#2d965a",
)  # fmt: skip
MARKER_SIZE = 10
SIZE_RANGE = (6.0, 34.0)
FRONTIER_COLOR = "#e4572e"
GAIN_COLOR = "#2d965a"  # an accuracy gain, beside the frontier's orange for a loss


def family_colors(families: list[str]) -> dict[str, str]:
    """Family → colour, by the family's place in `families` (a fixed order: see
    snapshot.bundled_families), so a family keeps its colour across releases and filters."""
    return {family: FAMILY_COLORS[index % len(FAMILY_COLORS)] for index, family in enumerate(families)}


def log_ticks(values: list[float]) -> tuple[list[float], list[str]]:
    """Ticks of a log axis at 1, 2, 5 × 10^k around the values, written in full ("0.05", not "5"):
    only powers of ten when the values span more than four of them, more when they span about one."""
    positive = [value for value in values if value == value and value > 0]
    if not positive:
        return [], []
    low, high = min(positive), max(positive)
    if high / low < 2:  # not even a 1-2-5 step apart (two close points): evenly stepped ticks
        return _narrow_ticks(low, high)
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    decades = math.log10(high / low)
    mantissas = (1,) if last - first > 4 else (1, 2, 5) if decades > 1.2 else (1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9)
    ticks = [
        float(f"{mantissa * 10.0**exponent:.6g}")
        for exponent in range(first, last + 1)
        for mantissa in mantissas
        if low / 2.5 <= mantissa * 10.0**exponent <= high * 2.5
    ]
    return ticks, [number_text(tick, trimmed=True) for tick in ticks]


def _narrow_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Three to six ticks at a round step (1, 2 or 5 × 10^k) around values that lie close
    together, so an axis over two points a few percent apart still reads."""
    span = max(high - low, high * 0.2)  # one value, or nearly: a window of ±10 % around it
    raw = span / 4
    exponent = math.floor(math.log10(raw))
    step = min((m * 10.0**exponent for m in (1, 2, 5, 10) if m * 10.0**exponent >= raw), default=raw)
    middle = (low + high) / 2
    start = math.floor((middle - span / 2) / step) * step
    ticks = [
        float(f"{start + index * step:.6g}")
        for index in range(7)
        if start + index * step <= middle + span / 2 + step / 2
    ]
    ticks = [tick for tick in ticks if tick > 0]
    return ticks, [number_text(tick, trimmed=True) for tick in ticks]


def _axis(label: str, log: bool, values: list[float]) -> dict:
    axis: dict = {"title": {"text": registry.axis_title(label)}, "type": "log" if log else "linear"}
    if log:
        axis["tickvals"], axis["ticktext"] = log_ticks(values)
        positive = [value for value in values if value == value and value > 0]
        if positive and max(positive) / min(positive) < 2 and axis["tickvals"]:
            # Close values: the axis spans the ticks, so more than one of them is in view.
            axis["range"] = [math.log10(axis["tickvals"][0]), math.log10(axis["tickvals"][-1])]
    return axis


def _left_margin(axis: dict, values: list[float]) -> int:
    """The left margin the y axis's tick labels and title take in the browser, or a few pixels
    more: a figure whose margins already hold its axes is drawn once, while Plotly draws one
    whose axes push a margin out twice (~35 ms of a chart's ~75 in Chromium). Too small a guess
    costs only that second pass. Measured in Chromium with Streamlit's chart theme (12 px Source
    Sans): 65 px beside "85", 71 beside "100", 74 beside "44.5", 80 beside "1,000" — a y-title
    band of 53 px, 6 px a digit, 3 px a point or comma."""
    return 53 + max((_label_width(label) for label in _tick_labels(axis, values)), default=12)


def _tick_labels(axis: dict, values: list[float]) -> list[str]:
    """The widest labels a y axis over `values` can show. Plotly pads the markers' range (5 % of
    the axis and a marker's radius: ~7 % of the values' span; 8 % here) and, on a linear axis,
    puts ticks on it at a tenth of its span rounded up to 2, 5 or 10 × 10^k, written in
    thousands ("14k") once the range reaches 10,000; a log axis shows its own tick texts in range."""
    finite = [value for value in values if value == value and (value > 0 or axis["type"] != "log")]
    if not finite:
        return []
    if axis["type"] == "log":
        low, high = axis.get("range") or _padded(math.log10(min(finite)), math.log10(max(finite)))
        ticks = zip(axis["tickvals"], axis["ticktext"], strict=True)
        return [text for tick, text in ticks if low <= math.log10(tick) <= high]
    low, high = _padded(min(finite), max(finite))
    rough = (high - low) / 10
    base = 10.0 ** math.floor(math.log10(rough))
    step = base * next(m for m in (2, 5, 10) if m >= rough / base)
    range_exponent = math.floor(math.log10(max(abs(low), abs(high))) + 0.01)
    exponent = 3 * round((range_exponent - 1) / 3) if range_exponent > 3 else 0
    suffix = {0: "", 3: "k", 6: "M"}.get(exponent, "B")
    decimals = max(0, exponent - math.floor(math.log10(step)))
    ends = (math.ceil(low / step) * step + 0.0, math.floor(high / step) * step)  # + 0.0: no "-0"
    return [f"{end / 10**exponent:.{decimals}f}{suffix}" for end in ends]


def _padded(low: float, high: float) -> tuple[float, float]:
    if low == high:  # one value: Plotly spans one unit either side of it
        return low - 1, high + 1
    pad = (high - low) * 0.08
    return low - pad, high + pad


def _label_width(label: str) -> int:
    return sum(3 if character in ".," else 6 for character in label)


def _formatted(label: str, values: list) -> list[str]:
    name = html.escape(label)
    return [f"{name}: {number_text(value, label, unit=True)}" for value in values]


def hover_texts(table: pd.DataFrame, measured_on: str = "") -> list[str]:
    """One label per row: the weight in bold, its family, every metric of the row, a noisy
    latency's mark, where its speed was measured (`measured_on`, for rows with a latency) and its
    licence mark, if it has one."""
    weights = [f"<b>{html.escape(str(w))}</b>" for w in table[WEIGHT].fillna("").tolist()]
    families = [f"Family: {html.escape(str(f))}" for f in table[FAMILY].fillna("–").tolist()]
    metric_lines = [_formatted(label, table[label].tolist()) for label in registry.metric_columns(table)]
    labels = ["<br>".join(parts) for parts in zip(weights, families, *metric_lines, strict=True)]
    latency = table[registry.LATENCY.label].tolist() if registry.LATENCY.label in table.columns else []
    timing = (
        table[registry.TIMING.label].fillna("").tolist() if registry.TIMING.label in table.columns else []
    )
    licences = table["License"].fillna("").tolist() if "License" in table.columns else []
    for index in range(len(labels)):
        if timing and timing[index].startswith("⚠"):
            labels[index] += f"<br>{html.escape(timing[index])}: read this latency with care"
        if measured_on and latency and latency[index] == latency[index]:
            labels[index] += f"<br>Measured on {html.escape(measured_on)}"
        if licences and licences[index]:
            labels[index] += f"<br>⚠ {html.escape(registry.licence_mark(licences[index]))}"
    return labels


def _marker_sizes(values: pd.Series, full_range: tuple[float, float] | None) -> list[float]:
    low, high = full_range if full_range else (0.0, 1.0)
    span = math.sqrt(high) - math.sqrt(low) if high > low else 1.0
    sizes = []
    for value in values.tolist():
        if value is None or math.isnan(value):
            sizes.append(SIZE_RANGE[0])
        else:
            share = (math.sqrt(max(value, 0.0)) - math.sqrt(max(low, 0.0))) / span
            sizes.append(SIZE_RANGE[0] + share * (SIZE_RANGE[1] - SIZE_RANGE[0]))
    return sizes


def scatter_figure(
    table: pd.DataFrame,
    view: ExploreView,
    *,
    size_range: tuple[float, float] | None = None,
    families: list[str] | None = None,
    measured_on: str = "",
    hovers: Mapping[str, str] | None = None,
) -> go.Figure:
    """A scatter of `view.y` against `view.x`, one trace per family when coloured by family.

    Only rows with both values are drawn; callers say how many were left out. Each point's
    customdata is its weight name, so a chart selection maps back to rows. `families` (all of
    the category's, in order) keeps a family's colour when filters hide others; `size_range`
    (the category's full range of the size metric) keeps marker sizes comparable likewise.
    `hovers`: weight → its hover_texts label, made once for the category (a page's rerun then
    formats no number); made here for the drawn rows otherwise.
    """
    palette = family_colors(families or [])
    drawn = table[analysis.plottable(table, [view.x, view.y])]
    if hovers is None:
        hovers = dict(zip(drawn[WEIGHT].tolist(), hover_texts(drawn, measured_on), strict=True))
    # Plain lists picked per family: a groupby and its frames took half the figure's 5 ms a rerun.
    weights, xs, ys = drawn[WEIGHT].tolist(), drawn[view.x].tolist(), drawn[view.y].tolist()
    sizes = _marker_sizes(drawn[view.size], size_range) if view.size != NO_SIZE else None
    rows_of: dict[str | None, list[int]] = {}  # family (None: none known) → its rows, in order
    for row, family in enumerate(drawn[FAMILY].tolist() if view.color == FAMILY else ["weights"] * len(xs)):
        rows_of.setdefault(None if pd.isna(family) else family, []).append(row)
    traces = []
    for number, family in enumerate(sorted(rows_of, key=lambda name: (name is None, name or ""))):
        rows = rows_of[family]
        marker: dict = {
            "size": MARKER_SIZE if sizes is None else [sizes[row] for row in rows],
            "color": palette.get(family, FAMILY_COLORS[number % len(FAMILY_COLORS)]),
            "line": {"width": 0.5, "color": "rgba(0,0,0,0.4)"},
            "opacity": 0.9,
        }
        traces.append(
            {
                "type": "scatter",
                "x": [xs[row] for row in rows],
                "y": [ys[row] for row in rows],
                "mode": "markers",
                "name": html.escape(str(family)) if family is not None else "nan",
                "marker": marker,
                "text": [hovers[weights[row]] for row in rows],
                "customdata": [weights[row] for row in rows],
                "hovertemplate": "%{text}<extra></extra>",
                "showlegend": view.color == FAMILY,
            }
        )
    if view.pareto != "off":
        line = analysis.frontier_line(drawn, view.x, view.y)
        traces.append(
            {
                "type": "scatter",
                "x": line[view.x].tolist(),
                "y": line[view.y].tolist(),
                "mode": "lines",
                "line": {"shape": _step_shape(view), "color": FRONTIER_COLOR, "width": 2, "dash": "dot"},
                "name": "Pareto frontier",
                "hoverinfo": "skip",
            }
        )
    measured = [label for label in (view.x, view.y, view.size) if label in registry.MEASURED_METRICS]
    y_axis = _axis(view.y, view.logy, ys)
    layout = {
        "xaxis": _axis(view.x, view.logx, xs),
        "yaxis": y_axis,
        "legend": {"title": {"text": FAMILY if view.color == FAMILY else ""}},
        # A measured metric names its machine over the chart, and so on the PNG it exports.
        **(
            {"title": {"text": _measured_title(measured, measured_on), "font": {"size": 13}}}
            if measured
            else {}
        ),
        # Room for the axes as they will be drawn (65 px under the x axis: one line of ticks and
        # the title), so Plotly need not draw twice; the legend still sizes the right margin.
        "margin": {"l": _left_margin(y_axis, ys), "r": 10, "t": 40 if measured else 30, "b": 65},
        "height": 560,
        "hovermode": "closest",
        "dragmode": "zoom",
    }
    # Built from plain dicts without Plotly's per-property validation, which costs ~20 ms a
    # rerun for 30 traces; tests validate the same figure with validation on.
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _measured_title(labels: list[str], measured_on: str) -> str:
    """ "Latency (ms) measured on <set>": the chart's title when it shows measured numbers."""
    return f"{html.escape(' and '.join(labels))} measured on {html.escape(measured_on or 'no set')}"


def _step_shape(view: ExploreView) -> str:
    """Draw the frontier as the staircase the dominance rule makes, not as a slope."""
    x_lower_better = not registry.METRICS[view.x].higher_is_better
    return "hv" if x_lower_better == registry.METRICS[view.y].higher_is_better else "vh"


def plotted_summary(shown: pd.DataFrame, table: pd.DataFrame, view: ExploreView, listed: bool) -> str:
    """How many weights the chart shows, and why any shown row is not drawn; `listed`: whether
    the page lists the filtered rows as a table."""
    drawable = analysis.plottable(shown, [view.x, view.y])
    summary = f"{int(drawable.sum())} of {len(table)} weights plotted"
    missing = int((~drawable).sum())
    if missing:
        verb = "is" if missing == 1 else "are"
        where = "listed below" if listed else "in the table (Show them as a table) and the CSV"
        summary += f"; {missing} without a {view.x} or {view.y} value {verb} {where}"
    return summary + "."


def budget_history_figure(best: pd.DataFrame, quality: str, budget: Limit) -> go.Figure:
    """The best `quality` within the budget, release by release (oldest left)."""
    budget_metric = budget.metric
    known = best[best[quality].notna()]
    hover = [
        f"<b>{html.escape(str(row['Best weight']))}</b><br>{html.escape(quality)}: "
        f"{number_text(row[quality], quality, unit=True)}<br>{html.escape(budget_metric)}: "
        f"{number_text(row[budget_metric], budget_metric, unit=True)}"
        for _, row in known.iterrows()
    ]
    trace = {
        "type": "scatter",
        "x": known["Version"].tolist(),
        "y": known[quality].tolist(),
        "mode": "lines+markers",
        "text": hover,
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {"size": 10, "color": FAMILY_COLORS[0]},
        "line": {"shape": "hv"},
    }
    layout = {
        "xaxis": {
            "title": {"text": "Docs release"},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": best["Version"].tolist(),
        },
        "yaxis": {"title": {"text": f"Best {registry.axis_title(quality)} with {budget.words()}"}},
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "height": 380,
    }
    return go.Figure({"data": [trace], "layout": layout}, _validate=False)


def _weight_bars(names: pd.Series, values: pd.Series, hover: list[str], gain_from: float) -> dict:
    """One horizontal bar a weight, from `gain_from` to its value: green past it, orange short of it."""
    return {
        "type": "bar",
        "orientation": "h",
        "y": names.map(lambda name: html.escape(str(name))).tolist(),
        "x": (values - gain_from).tolist(),
        "base": gain_from,
        "customdata": hover,  # not "text": a bar chart would print that on the bars
        "hovertemplate": "%{customdata}<extra></extra>",
        "marker": {"color": [GAIN_COLOR if value >= gain_from else FRONTIER_COLOR for value in values]},
    }


def quantization_figure(pairs: pd.DataFrame) -> go.Figure:
    """Acc@1 change of each quantized weight against its float model, worst first."""
    ordered = pairs.sort_values(ACC1_CHANGE)
    hover = [
        f"<b>{html.escape(str(row['Quantized weight']))}</b>"
        f"<br>float: {html.escape(str(row['Float weight']))}"
        f"<br>Acc@1 {number_text(row['Acc@1 float'], 'Acc@1', trimmed=True)} → "
        f"{number_text(row['Acc@1 quantized'], 'Acc@1', trimmed=True)} "
        f"({number_text(row['Δ Acc@1'], 'Δ Acc@1')})"
        for _, row in ordered.iterrows()
    ]
    trace = _weight_bars(ordered["Quantized weight"], ordered[ACC1_CHANGE], hover, gain_from=0)
    layout = {
        "xaxis": {"title": {"text": "Acc@1 change vs. the float model (points)"}, "zeroline": True},
        "yaxis": {"automargin": True},
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "height": 60 + 28 * len(ordered),
    }
    return go.Figure({"data": [trace], "layout": layout}, _validate=False)


def proxy_figure(table: pd.DataFrame, proxy: str, measured: str, measured_on: str) -> go.Figure:
    """Measured latency against the docs' proxy, log-log, one point per weight with both."""
    both = table[table[[proxy, measured]].notna().all(axis=1)]
    trace = {
        "type": "scatter",
        "mode": "markers",
        "x": both[proxy].tolist(),
        "y": both[measured].tolist(),
        "text": hover_texts(both),
        "customdata": both[WEIGHT].tolist(),
        "hovertemplate": "%{text}<extra></extra>",
        "marker": {"size": MARKER_SIZE, "color": FAMILY_COLORS[0], "opacity": 0.85},
    }
    layout = {
        "xaxis": _axis(proxy, True, both[proxy].tolist()),
        "yaxis": _axis(measured, True, both[measured].tolist()),
        # The machine over the chart: as the axis title, a set's long name was cut off.
        "title": {"text": f"Measured on {html.escape(measured_on)}", "font": {"size": 13}},
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "height": 460,
        "hovermode": "closest",
    }
    return go.Figure({"data": [trace], "layout": layout}, _validate=False)


def across_sets_figure(latencies: pd.DataFrame) -> go.Figure:
    """Grouped bars: for each weight, its latency (per batch, or per input when the frame holds
    that column) on each set. The axis starts at 0, so a bar's length is its time."""
    value = next(label for label in latencies.columns if label.startswith("Latency"))
    traces = [
        {
            "type": "bar",
            "name": html.escape(str(label)),
            "x": rows[WEIGHT].tolist(),
            "y": rows[value].tolist(),
            "customdata": [
                f"{html.escape(str(name))}, batch {batch}, {html.escape(str(dtype))}"
                for name, batch, dtype in zip(
                    rows["Device name"], rows["Batch size"], rows["Dtype"], strict=True
                )
            ],
            "hovertemplate": "%{x}<br>%{y:.3f} ms on %{customdata}<extra></extra>",
            "marker": {"color": FAMILY_COLORS[number % len(FAMILY_COLORS)]},
        }
        for number, (label, rows) in enumerate(latencies.groupby("Set", sort=False))
    ]
    layout = {
        "barmode": "group",
        "yaxis": {"title": {"text": value}, "type": "linear", "rangemode": "tozero"},
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "height": 460,
        "legend": {"title": {"text": "Measured on"}},
    }
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def speed_up_figure(ups: pd.DataFrame, change: str) -> go.Figure:
    """Each weight's speed-up (questions.measured_speed.speed_ups) as a bar from 1×: right of the line the
    change (e.g. "Compile: no → default") made it faster, left slower."""
    speed_up = "Speed-up (×)"
    ordered = ups.sort_values(speed_up)
    latency = registry.LATENCY.label
    hover = [
        f"<b>{html.escape(str(row[WEIGHT]))}</b><br>{number_text(row['Latency before (ms)'], latency)} ms → "
        f"{number_text(row['Latency after (ms)'], latency)} ms: {number_text(row[speed_up], speed_up)}×"
        for _, row in ordered.iterrows()
    ]
    trace = _weight_bars(ordered[WEIGHT], ordered[speed_up], hover, gain_from=1)  # bars from 1×: no change
    layout = {
        "title": {"text": html.escape(change)},
        "xaxis": {"title": {"text": "Speed-up (before ÷ after latency, ×)"}},
        "yaxis": {"automargin": True},
        "shapes": [{"type": "line", "x0": 1, "x1": 1, "yref": "paper", "y0": 0, "y1": 1}],
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "height": 80 + 28 * len(ordered),
    }
    return go.Figure({"data": [trace], "layout": layout}, _validate=False)
