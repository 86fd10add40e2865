"""The one description of every weight category, metric and column.

The parser's column mapping, CSV headers, axis labels, widget choices, slider ranges, table
formats, the About page and the Pareto directions all read this module. A new metric is one
`Metric` entry in METRICS (and its label in the categories that report it); a new category is
one `Category` entry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from numbers import Real
from typing import Any


class Better(Enum):
    HIGHER = "higher"
    LOWER = "lower"


MAIN_METRIC = "<main metric>"


class Dtype(Enum):
    """What a column's cells hold: how it is parsed from a file and written as text."""

    TEXT = "text"
    FLOAT = "float"  # NaN when missing
    WHOLE = "whole number"  # a count (batch size, pixels, classes): float64 in tables, NaN when missing
    FLAG = "flag"  # True/False


@dataclass(frozen=True)
class Precision:
    """How many digits a metric's values carry: `digits` decimals (80.858 at 3), or `digits`
    significant ones (0.08711 at 4); `signed` writes the sign of a change (+0.125)."""

    digits: int
    significant: bool = False
    signed: bool = False

    @property
    def printf(self) -> str:
        """The printf format (Streamlit's number columns and inputs take one): "%.3f", "%+.3f", "%.4g"."""
        return f"%{'+' if self.signed else ''}.{self.digits}{'g' if self.significant else 'f'}"

    def rounded(self, value: float) -> float:
        """`value` at this precision; NaN stays NaN."""
        if value != value:
            return value
        return float(f"{value:.{self.digits}g}") if self.significant else round(value, self.digits)


@dataclass(frozen=True, kw_only=True)
class Column:
    """A column of the tables people see: read from the docs page, derived from another column,
    or computed by a question (Pareto-optimal, Misses)."""

    label: str  # display label: CSV header, table header, URL value
    description: str
    source_headers: tuple[str, ...] = ()  # lower-case header texts on the docs page that hold it
    is_link: bool = False
    # What the parser takes from the page's cell: its text, or the target of its first link.
    reads: str = "text"
    # The column that receives the cell's link target as an absolute URL (Weight → Docs).
    link_to: str | None = None
    dtype: Dtype = Dtype.TEXT

    @property
    def is_flag(self) -> bool:
        """True/False, shown as a check box."""
        return self.dtype is Dtype.FLAG

    @property
    def is_number(self) -> bool:
        return self.dtype in (Dtype.FLOAT, Dtype.WHOLE)


@dataclass(frozen=True, kw_only=True)
class Metric(Column):
    """A numeric column: a float per weight, NaN when missing."""

    unit: str  # "" when the number has no unit
    better: Better
    precision: Precision = Precision(2)
    dtype: Dtype = Dtype.FLOAT
    # Printed with a magnitude suffix on the page ("25.6M") and kept in millions.
    in_millions: bool = False
    # A derived metric: numerator / denominator, computed from a table's columns. MAIN_METRIC as
    # the numerator stands for the category's main quality metric.
    ratio_of: tuple[str, str] | None = None

    @property
    def is_derived(self) -> bool:
        return self.ratio_of is not None

    @property
    def higher_is_better(self) -> bool:
        return self.better is Better.HIGHER

    @property
    def bound_word(self) -> str:
        """How a limit on it reads: "Max" for costs, "Min" for quality."""
        return "Min" if self.higher_is_better else "Max"

    def with_unit(self) -> str:
        """Axis and widget title: the label with its unit, unless the label already says it."""
        return f"{self.label} ({self.unit})" if self.unit and self.unit not in self.label else self.label

    def rounded(self, values: Any) -> Any:
        """A pandas Series at the metric's precision: what CSV cells hold, so no false digits
        (31.666666666666668) reach a report."""
        if self.precision.significant:
            return values.map(self.precision.rounded)
        return values.round(self.precision.digits)

    def best(self, values: Any) -> float:
        """The best of a pandas Series of values by this metric's direction; NaN when it has none."""
        present = values.dropna()
        if present.empty:
            return math.nan
        return float(present.max() if self.higher_is_better else present.min())

    def oriented(self, values: Any) -> Any:
        """Values turned so that bigger is better (for dominance tests)."""
        return values if self.higher_is_better else -values


@dataclass(frozen=True, kw_only=True)
class Category:
    slug: str
    title: str
    dataset: str
    # Every word must appear (case-insensitively) in the heading above the table.
    heading_words: tuple[str, ...]
    metric_labels: tuple[str, ...]
    main_metric: str  # the quality metric people rank by; default y axis
    cost_metric: str  # the budget metric; default x axis
    description: str = ""
    # The cost a release without `cost_metric` falls back to (0.13 has no GFLOPS).
    fallback_cost_metric: str = field(default="Params (M)")

    def cost_in(self, columns: Iterable[str]) -> str:
        """The cost metric this table has: its own, else the fallback."""
        return self.cost_metric if self.cost_metric in set(columns) else self.fallback_cost_metric


# What torchvision's own metadata says of each weight (data/facts.py ships them for the bundled
# docs versions; measure/metadata.py reads them from an installed torchvision).
# fmt: off
FILE_SIZE = Metric(label="File size (MB)", unit="MB", better=Better.LOWER, precision=Precision(1),
                   description="Size of the weights file torchvision downloads, in megabytes "
                   "(torchvision's metadata).")
# fmt: on
def _text_columns(descriptions: dict[str, str], whole_numbers: tuple[str, ...] = ()) -> dict[str, Column]:
    """Columns from label → description: text, but for the counts named in `whole_numbers`."""
    dtypes = {label: Dtype.WHOLE if label in whole_numbers else Dtype.TEXT for label in descriptions}
    return {
        label: Column(label=label, description=text, dtype=dtypes[label])
        for label, text in descriptions.items()
    }


FACT_COLUMNS = {
    FILE_SIZE.label: FILE_SIZE,
    **_text_columns(
        {
            "Min input size (px)": "The smallest input height and width the model accepts.",
            "Crop size (px)": "The square crop of the weight's own eval transforms.",
            "Resize size (px)": "The resize of the weight's own eval transforms.",
            "Interpolation": "The interpolation of the weight's own eval transforms.",
            "Categories": "How many classes the weight predicts.",
        },
        whole_numbers=("Min input size (px)", "Crop size (px)", "Resize size (px)", "Categories"),
    ),
    "License": Column(
        label="License",
        description="The weight's own licence, when it has one (e.g. the SWAG weights: CC-BY-NC 4.0).",
        is_link=True,
    ),
}

# One row of a measurement CSV (python -m torchvision_stats measure): the measured numbers, then
# what they were measured on. Latency, throughput and peak memory are metrics of the tables too.
# fmt: off
THROUGHPUT = Metric(label="Throughput (inputs/s)", unit="inputs/s", better=Better.HIGHER,
                    precision=Precision(2),
                    description="Inputs per second at the batch size: batch size / median latency.")
PEAK_MEMORY = Metric(label="Peak memory (MB)", unit="MB", better=Better.LOWER, precision=Precision(1),
                     description="Memory the inference held at its peak, weights included. GPU: the most "
                     "memory torch allocated while timing. CPU: the process's peak resident memory while "
                     "timing (its high-water mark reset after building) over what it held before building.")
WEIGHTS_MEMORY = Metric(label="Weights (MB)", unit="MB", better=Better.LOWER, precision=Precision(1),
                        description="Bytes of the model's parameters and buffers as it ran (int8 for "
                        "quantized weights).")
LATENCY = Metric(label="Latency (ms)", unit="ms", better=Better.LOWER, precision=Precision(3),
                 description="Median wall time of one forward pass of a batch, over single calls each "
                 "synchronised on its device, after warm-up.")
LATENCY_P90 = Metric(label="Latency p90 (ms)", unit="ms", better=Better.LOWER, precision=Precision(3),
                     description="90th percentile of the single-call times: nine calls in ten were faster.")
SPREAD = Metric(label="Spread (%)", unit="%", better=Better.LOWER, precision=Precision(1),
                description="How noisy the timing was: the interquartile range of the single-call times "
                "over their median, in percent. Over 10 % the weight is timed again and the steadier "
                "round kept; a row still over 10 % is marked noisy.")
BUILD_TIME = Metric(label="Build time (s)", unit="s", better=Better.LOWER, precision=Precision(2),
                    description="Time to build the model as its weight's builder does (state dict not "
                    "loaded), on the CPU.")
# fmt: on
# A latency whose spread is over this is marked noisy wherever it shows.
NOISY_SPREAD_PERCENT = 10.0


def is_noisy(spread_percent: float) -> bool:
    """True for a spread over the noise limit; False for a steady one and for a missing one (NaN)."""
    return spread_percent > NOISY_SPREAD_PERCENT


TIMING = Column(
    label="Timing",
    description=f"“⚠ noisy” when the single-call times spread over {NOISY_SPREAD_PERCENT:g} % of their "
    "median even after a second round: read that latency with care. “steady” otherwise.",
)


def timing_mark(spread_percent: float) -> str:
    """What a latency's Timing column says: "⚠ noisy (spread 14.2 %)", "steady", or "" when the
    spread is unknown (a file from before per-call timing)."""
    if spread_percent != spread_percent:
        return ""
    return f"⚠ noisy (spread {spread_percent:.1f} %)" if is_noisy(spread_percent) else "steady"


_ACCURACY = "Share of validation images whose correct class is the top prediction"
_COCO_MAP = "COCO mean average precision of the predicted"
_PER_QUALITY = "The category's main quality metric (Acc@1, Mean IoU, Box, Mask or Keypoint MAP) divided by"
_OPERATIONS = "Billions of {} operations for one forward pass"
_HIGHER, _LOWER = Better.HIGHER, Better.LOWER
_TENTHS, _FOUR_DIGITS = Precision(1), Precision(4, significant=True)
# Written as a table, one metric an entry.
# fmt: off
METRICS: dict[str, Metric] = {
    metric.label: metric
    for metric in (
        Metric(label="Acc@1", source_headers=("acc@1",), unit="%", better=_HIGHER, precision=Precision(3),
               description=_ACCURACY + " (top-1 accuracy)."),
        Metric(label="Acc@5", source_headers=("acc@5",), unit="%", better=_HIGHER, precision=Precision(3),
               description=f"{_ACCURACY.replace('the top prediction', 'among the top five predictions')}."),
        Metric(label="Mean IoU", source_headers=("mean iou",), unit="%", better=_HIGHER, precision=_TENTHS,
               description="Intersection over union of predicted and true masks, averaged over classes."),
        Metric(label="pixelwise Acc", source_headers=("pixelwise acc",), unit="%", better=_HIGHER,
               precision=_TENTHS, description="Share of pixels whose class is predicted correctly."),
        Metric(label="Box MAP", source_headers=("box map",), unit="", better=_HIGHER, precision=_TENTHS,
               description=f"{_COCO_MAP} boxes (IoU 0.50:0.95)."),
        Metric(label="Mask MAP", source_headers=("mask map",), unit="", better=_HIGHER, precision=_TENTHS,
               description=f"{_COCO_MAP} instance masks."),
        Metric(label="Keypoint MAP", source_headers=("keypoint map",), unit="", better=_HIGHER,
               precision=_TENTHS, description=f"{_COCO_MAP} keypoints (OKS)."),
        Metric(label="Params (M)", source_headers=("params",), unit="M", better=_LOWER, precision=_TENTHS,
               in_millions=True, description="Number of trainable parameters, in millions."),
        Metric(label="GFLOPS", source_headers=("gflops",), unit="GFLOPS", better=_LOWER,
               description=f"{_OPERATIONS.format('floating-point')} at the eval resolution."),
        Metric(label="GIPS", source_headers=("gips",), unit="GIPS", better=_LOWER,
               description=f"{_OPERATIONS.format('integer')} of the quantized model."),
        # Not on the docs page: joined from the weight facts and the active measurement set.
        FILE_SIZE,
        LATENCY,
        THROUGHPUT,
        PEAK_MEMORY,
        Metric(label="Quality per GFLOP", unit="per GFLOP", better=_HIGHER, precision=_FOUR_DIGITS,
               ratio_of=(MAIN_METRIC, "GFLOPS"),
               description=f"{_PER_QUALITY} GFLOPS: quality bought per unit of compute."),
        Metric(label="Quality per M params", unit="per M params", better=_HIGHER, precision=_FOUR_DIGITS,
               ratio_of=(MAIN_METRIC, "Params (M)"),
               description=f"{_PER_QUALITY} Params (M): quality bought per million parameters."),
        Metric(label="Quality per ms", unit="per ms", better=_HIGHER, precision=_FOUR_DIGITS,
               ratio_of=(MAIN_METRIC, "Latency (ms)"),
               description=f"{_PER_QUALITY} the measured latency: quality bought per millisecond."),
    )
}
# The measured metrics a measurement set adds to the tables (rows without a measurement: NaN), and
# the columns that say how far to trust each latency.
MEASURED_METRICS = (LATENCY.label, THROUGHPUT.label, PEAK_MEMORY.label)
MEASURED_DETAILS = (LATENCY_P90.label, SPREAD.label)
# Beside every measured number in a table or export: what it was measured on.
MEASURED_ON = "Measured on"
MEASURED_CONTEXT = (MEASURED_ON, "Device name", "Batch size", "Dtype", "Input shape")
# fmt: on
DERIVED_METRICS = tuple(metric for metric in METRICS.values() if metric.is_derived)

WEIGHT = Column(
    label="Weight",
    description="The weights enum value, e.g. ResNet50_Weights.IMAGENET1K_V2.",
    source_headers=("weight",),
    link_to="Docs",
)
MODEL = Column(label="Model", description="The model builder function, e.g. resnet50.")
FAMILY = Column(label="Family", description="The architecture as people name it, e.g. ResNet or Swin V2.")
MODULE = Column(
    label="Module", description="The module that holds the builder, e.g. torchvision.models.detection."
)
RECIPE = Column(
    label="Recipe",
    description="Link to the training recipe.",
    source_headers=("recipe",),
    is_link=True,
    reads="href",
)
DOCS = Column(label="Docs", description="Link to the weight's documentation page.", is_link=True)

# Order of the columns in every normalised table: these, with the metrics between Module and Recipe.
LEADING_TEXT_COLUMNS = (WEIGHT, MODEL, FAMILY, MODULE)
TRAILING_TEXT_COLUMNS = (RECIPE, DOCS)
TEXT_COLUMNS = {column.label: column for column in LEADING_TEXT_COLUMNS + TRAILING_TEXT_COLUMNS}


COMPILE_TIME = Metric(
    label="Compile time (s)",
    unit="s",
    better=Better.LOWER,
    precision=Precision(2),
    description="torch.compile's first call: tracing, code generation and that call.",
)
MEASUREMENT_COLUMNS = {
    WEIGHT.label: WEIGHT,
    LATENCY.label: LATENCY,
    LATENCY_P90.label: LATENCY_P90,
    SPREAD.label: SPREAD,
    **_text_columns({"Samples": "How many single calls were timed."}, whole_numbers=("Samples",)),
    THROUGHPUT.label: THROUGHPUT,
    PEAK_MEMORY.label: PEAK_MEMORY,
    WEIGHTS_MEMORY.label: WEIGHTS_MEMORY,
    BUILD_TIME.label: BUILD_TIME,
    COMPILE_TIME.label: COMPILE_TIME,
    **_text_columns(
        {
            "Batch size": "Inputs per forward pass.",
            "Batch": "The batch the run asked for: a number, or “max ≤ N” — the batch of the best "
            "throughput, doubling from 1.",
            "Input shape": "The input the model was given, e.g. 1x3x224x224.",
            "Device": "cpu, cuda or mps.",
            "Device name": "The CPU or GPU model.",
            "Threads": "CPU threads torch used.",
            "Dtype": "float32, bfloat16 or float16, or int8 for quantized weights.",
            "Precision": "How bfloat16/float16 applied: autocast (float32 weights) or cast (weights and "
            "input converted); none for float32 and int8.",
            "Channels last": "Whether the model and input used the channels_last layout "
            "(channels_last_3d for video).",
            "Compile": "The torch.compile mode, or no (eager).",
            "Weights from": "random: the builder's initial values (speed does not depend on them); "
            "pretrained: the weight's own state dict.",
            "cuDNN benchmark": "Whether cuDNN chose its convolution algorithms by timing them (CUDA runs).",
            "TF32": "Which float32 operations CUDA let run in TF32: cuDNN (convolutions), matmul, or no.",
            "Torch": "The torch version.",
            "Torchvision": "The torchvision version.",
            "Measured at": "When the weight finished measuring (UTC).",
            "Error": "Why the weight could not be measured; empty when it was.",
        },
        whole_numbers=("Batch size", "Threads"),
    ),
}
_ADDED_WITH_PER_CALL_TIMING = ("Spread (%)", "Samples", "Weights (MB)", "cuDNN benchmark", "TF32")
_ADDED_WITH_DEPLOYMENT_MODES = ("Compile time (s)", "Batch", "Precision", "Compile", "Weights from")
# The columns of files the measuring tool wrote before per-call timing (they still load; the
# columns they lack show as missing).
FIRST_MEASUREMENT_COLUMNS = tuple(
    label
    for label in MEASUREMENT_COLUMNS
    if label not in _ADDED_WITH_PER_CALL_TIMING + _ADDED_WITH_DEPLOYMENT_MODES
)
# The settings every row of one measurement file shares: a file never mixes runs made otherwise.
# (Batch is what the run asked for; with "max" each row's Batch size is its own.)
RUN_SETTINGS = (
    "Device",
    "Device name",
    "Batch",
    "Dtype",
    "Precision",
    "Threads",
    "Channels last",
    "Compile",
    "Weights from",
    "Torch",
    "Torchvision",
)
# Settings an int8 (quantized) row does not share with the run: it runs in int8 whatever it asked.
QUANTIZED_OWN_SETTINGS = ("Dtype", "Precision")

# Weights whose own licence restricts their use: the mark people must see before shipping them.
LICENCE_NAMES = {"https://github.com/facebookresearch/SWAG/blob/main/LICENSE": "CC-BY-NC 4.0"}


def licence_mark(url: str) -> str:
    """ "CC-BY-NC 4.0: not for commercial use" for a weight with its own licence; "" for none."""
    if not url:
        return ""
    name = LICENCE_NAMES.get(url, "its own licence")
    return f"{name}: not for commercial use" if "NC" in name else f"{name}: read it before use"


def delta_label(label: str) -> str:
    """The column of a change in `label` (quantized minus float)."""
    return f"Δ {label}"


# fmt: off
SPEED_UP = Metric(label="Speed-up (×)", unit="×", better=Better.HIGHER, precision=Precision(2),
                  description="The float weight's measured latency over the quantized weight's, "
                  "on the same machine.")
# fmt: on
# Columns the questions add to a table.
PARETO_OPTIMAL = Column(
    label="Pareto-optimal",
    description="No weight that fits is both better in the main metric and cheaper.",
    dtype=Dtype.FLAG,
)
MISSES = Column(label="Misses", description="The limits this weight misses, and its value for each.")
COMPUTED_COLUMNS = {
    column.label: column
    for column in (
        PARETO_OPTIMAL,
        MISSES,
        SPEED_UP,
        TIMING,
        Column(
            label=MEASURED_ON,
            description="The measurement set the row's speed comes from: its machine, "
            "device, batch size and dtype.",
        ),
        *(
            Metric(
                label=delta_label(label),
                unit="pp",
                better=Better.HIGHER,
                description=f"{label} of the quantized weight minus that of its float model, in points.",
                precision=Precision(3, signed=True),
            )
            for label in ("Acc@1", "Acc@5")
        ),
    )
}


def table_columns(metric_labels: Iterable[str]) -> list[str]:
    """Column order of a normalised table holding these metrics."""
    return [
        *(c.label for c in LEADING_TEXT_COLUMNS),
        *metric_labels,
        *(c.label for c in TRAILING_TEXT_COLUMNS),
    ]


def metric_columns(table: Any) -> list[str]:
    """The table's metric columns, in registry order (a release may lack some)."""
    return [label for label in METRICS if label in table.columns]


# Columns that hold a metric of one side of a pair ("Acc@1 float", "Latency (ms) quantized").
PAIR_SIDES = (" float", " quantized")


def metric_of(label: str) -> Metric | None:
    """The metric a column holds: its own, a computed one's, or a pair side's ("Acc@1 float")."""
    found = column(label)
    if isinstance(found, Metric):
        return found
    for side in PAIR_SIDES:
        if label.endswith(side) and label[: -len(side)] in METRICS:
            return METRICS[label[: -len(side)]]
    return None


def column(label: str) -> Column | None:
    """The description of any declared column, by label."""
    for columns in (METRICS, TEXT_COLUMNS, COMPUTED_COLUMNS, FACT_COLUMNS, MEASUREMENT_COLUMNS):
        if label in columns:
            return columns[label]
    return None


_IMAGENET = "ImageNet-1K, single crops"
_COCO = "COCO val2017"
_CLASSIFIER_METRICS = ("Acc@1", "Acc@5", "Params (M)", "GFLOPS")


def _coco(**fields: Any) -> Category:
    """A category evaluated on COCO val2017 and costed in GFLOPS."""
    return Category(dataset=_COCO, cost_metric="GFLOPS", **fields)


# Written as a table, one category an entry.
# fmt: off
CATEGORIES: dict[str, Category] = {
    category.slug: category
    for category in (
        Category(slug="classification", title="Classification", dataset=_IMAGENET,
                 heading_words=("classification",), metric_labels=_CLASSIFIER_METRICS,
                 main_metric="Acc@1", cost_metric="GFLOPS",
                 description="Image classifiers trained on ImageNet-1K."),
        Category(slug="quantized_classification", title="Quantized classification", dataset=_IMAGENET,
                 heading_words=("quantized", "classification"), cost_metric="GIPS",
                 metric_labels=("Acc@1", "Acc@5", "Params (M)", "GIPS"), main_metric="Acc@1",
                 description="Int8 post-training-quantized or QAT versions of the classifiers."),
        Category(slug="semantic_segmentation", title="Semantic segmentation",
                 dataset="COCO val2017 subset with the 20 Pascal VOC categories",
                 heading_words=("semantic", "segmentation"),
                 metric_labels=("Mean IoU", "pixelwise Acc", "Params (M)", "GFLOPS"), main_metric="Mean IoU",
                 cost_metric="GFLOPS", description="Per-pixel class labels."),
        _coco(slug="object_detection", title="Object detection", heading_words=("object", "detection"),
              metric_labels=("Box MAP", "Params (M)", "GFLOPS"), main_metric="Box MAP",
              description="Boxes and classes for every object."),
        _coco(slug="instance_segmentation", title="Instance segmentation", main_metric="Mask MAP",
              heading_words=("instance", "segmentation"), description="A mask for every object.",
              metric_labels=("Box MAP", "Mask MAP", "Params (M)", "GFLOPS")),
        _coco(slug="keypoint_detection", title="Keypoint detection", heading_words=("keypoint", "detection"),
              metric_labels=("Box MAP", "Keypoint MAP", "Params (M)", "GFLOPS"), main_metric="Keypoint MAP",
              description="Person boxes with body keypoints."),
        Category(slug="video_classification", title="Video classification",
                 dataset="Kinetics-400, single crops, clip length 16",
                 heading_words=("video", "classification"), metric_labels=_CLASSIFIER_METRICS,
                 main_metric="Acc@1", cost_metric="GFLOPS", description="Action recognition on video clips."),
    )
}
# fmt: on
QUANTIZED = "quantized_classification"
FLOAT_OF_QUANTIZED = "classification"  # the category whose weights the quantized ones were made from


def category_for_heading(heading: str) -> Category | None:
    """The category whose heading words all occur in `heading`; the most specific one wins.

    "quantized classification" and "video classification" both contain "classification",
    so the category that needs more words is preferred.
    """
    words = heading.lower()
    matches = [c for c in CATEGORIES.values() if all(w in words for w in c.heading_words)]
    if not matches:
        return None
    return max(matches, key=lambda c: len(c.heading_words))


def column_for_header(header: str) -> Column | None:
    """The column a header text on the docs page holds (text or metric); None when unknown."""
    normalised = " ".join(header.lower().split())
    for candidate in (*TEXT_COLUMNS.values(), *METRICS.values()):
        if normalised in candidate.source_headers:
            return candidate
    return None


def axis_title(label: str) -> str:
    """Axis / widget title: a metric's label with its unit; any other label as it is."""
    metric = METRICS.get(label)
    return metric.with_unit() if metric is not None else label


def counted(count: int, noun: str) -> str:
    """ "1 weight", "2 weights": a count with its noun in the right number."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# ------------------------------------------------------------------ numbers as text
# The one way a number becomes text — a table cell, a hover, a control's stop, a sentence, a URL —
# from the dtype and precision of the column it belongs to.

MISSING = "–"


def is_missing(value: object) -> bool:
    """None, pandas' NA or a NaN: shown as –."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    try:
        return bool(value != value)  # NaN of any float type; pandas.NA raises on bool()
    except TypeError:
        return True


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def number_text(value: object, label: str | None = None, *, unit: bool = False, trimmed: bool = False) -> str:
    """`value` of column `label` as text; – when missing.

    A metric in its precision ("80.800" for Acc@1), or with `trimmed` at that precision without
    trailing zeros ("80.8", a control's stop "0.0871"); with `unit`, followed by the metric's unit
    unless its label says it ("4.09 GFLOPS" is "4.09" under GFLOPS, "12.500 ms" under a latency).
    A count whole ("224"). Any other number as short as it reads: "25.6", and in a cell from a
    million up grouped ("1,234,568"); `trimmed` (a tick, a budget) groups whole numbers from 1,000.
    Text is returned as it is.
    """
    if is_missing(value):
        return MISSING
    if not _is_number(value):
        return str(value)
    number = float(value)
    declared = (metric_of(label) or column(label)) if label else None
    if isinstance(declared, Metric):
        precision = declared.precision
        text = f"{precision.rounded(number):g}" if trimmed else precision.printf % number
        return (
            f"{text} {declared.unit}"
            if unit and declared.unit and declared.unit not in declared.label
            else text
        )
    if declared is not None and declared.dtype is Dtype.WHOLE:
        return f"{number:.0f}"
    grouped = abs(number) >= 1e6 or (trimmed and abs(number) >= 1000 and number.is_integer())
    return f"{number:,.0f}" if grouped else f"{number:g}"


def exact_text(value: float | None) -> str:
    """A number as short as reads back exactly, for a URL (5, not 5.0; a data end to its last digit);
    "" for None (a range's open side)."""
    if value is None:
        return ""
    short = f"{value:g}"
    return short if float(short) == value else repr(float(value))
