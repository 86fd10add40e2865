"""The one description of every weight category and metric.

The parser's column mapping, CSV headers, axis labels, widget choices, slider ranges,
the About page and the Pareto directions all read this module. Adding a metric or a
category is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Better(Enum):
    HIGHER = "higher"
    LOWER = "lower"


MAIN_METRIC = "<main metric>"


@dataclass(frozen=True)
class Metric:
    """A numeric column of a weight table."""

    label: str  # display label: CSV header, axis title, URL value
    source_headers: tuple[str, ...]  # header texts on the docs page that hold it
    unit: str  # "" when the number has no unit
    better: Better
    description: str
    number_format: str = "%.2f"
    # Printed with a magnitude suffix on the page ("25.6M") and kept in millions.
    in_millions: bool = False
    # A derived metric: numerator / denominator, computed from a table's columns. MAIN_METRIC as
    # the numerator stands for the category's main quality metric.
    ratio_of: tuple[str, str] | None = None

    @property
    def is_derived(self) -> bool:
        return self.ratio_of is not None

    is_quality: bool = False  # an accuracy / mAP style metric (main quality candidates)


@dataclass(frozen=True)
class TextColumn:
    """A non-numeric column of a normalised weight table."""

    label: str
    description: str
    is_link: bool = False


@dataclass(frozen=True)
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
    extra_cost_metrics: tuple[str, ...] = field(default=())

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return tuple(METRICS[label] for label in self.metric_labels)


_ACCURACY = "Share of validation images whose correct class is the top prediction"
METRICS: dict[str, Metric] = {
    metric.label: metric
    for metric in (
        Metric(
            "Acc@1", ("acc@1",), "%", Better.HIGHER, _ACCURACY + " (top-1 accuracy).", "%.3f", is_quality=True
        ),
        Metric(
            "Acc@5",
            ("acc@5",),
            "%",
            Better.HIGHER,
            "Share of validation images whose correct class is among the top five predictions.",
            "%.3f",
            is_quality=True,
        ),
        Metric(
            "Mean IoU",
            ("mean iou",),
            "%",
            Better.HIGHER,
            "Intersection over union of predicted and true masks, averaged over classes.",
            "%.1f",
            is_quality=True,
        ),
        Metric(
            "pixelwise Acc",
            ("pixelwise acc",),
            "%",
            Better.HIGHER,
            "Share of pixels whose class is predicted correctly.",
            "%.1f",
            is_quality=True,
        ),
        Metric(
            "Box MAP",
            ("box map",),
            "",
            Better.HIGHER,
            "COCO mean average precision of the predicted boxes (IoU 0.50:0.95).",
            "%.1f",
            is_quality=True,
        ),
        Metric(
            "Mask MAP",
            ("mask map",),
            "",
            Better.HIGHER,
            "COCO mean average precision of the predicted instance masks.",
            "%.1f",
            is_quality=True,
        ),
        Metric(
            "Keypoint MAP",
            ("keypoint map",),
            "",
            Better.HIGHER,
            "COCO mean average precision of the predicted keypoints (OKS).",
            "%.1f",
            is_quality=True,
        ),
        Metric(
            "Params (M)",
            ("params",),
            "M",
            Better.LOWER,
            "Number of trainable parameters, in millions.",
            "%.1f",
            in_millions=True,
        ),
        Metric(
            "GFLOPS",
            ("gflops",),
            "GFLOPS",
            Better.LOWER,
            "Billions of floating-point operations for one forward pass at the eval resolution.",
            "%.2f",
        ),
        Metric(
            "GIPS",
            ("gips",),
            "GIPS",
            Better.LOWER,
            "Billions of integer operations for one forward pass of the quantized model.",
            "%.2f",
        ),
        Metric(
            "Quality per GFLOP",
            (),
            "per GFLOP",
            Better.HIGHER,
            "The category's main quality metric (Acc@1, Mean IoU, Box, Mask or Keypoint MAP) "
            "divided by GFLOPS: quality bought per unit of compute.",
            "%.2f",
            ratio_of=(MAIN_METRIC, "GFLOPS"),
        ),
        Metric(
            "Quality per M params",
            (),
            "per M params",
            Better.HIGHER,
            "The category's main quality metric divided by Params (M): quality bought per million "
            "parameters.",
            "%.2f",
            ratio_of=(MAIN_METRIC, "Params (M)"),
        ),
    )
}
DERIVED_METRICS = tuple(metric for metric in METRICS.values() if metric.is_derived)

WEIGHT = TextColumn("Weight", "The weights enum value, e.g. ResNet50_Weights.IMAGENET1K_V2.")
MODEL = TextColumn("Model", "The model builder function, e.g. resnet50.")
FAMILY = TextColumn("Family", "The architecture as people name it, e.g. ResNet or Swin V2.")
MODULE = TextColumn("Module", "The module that holds the builder, e.g. torchvision.models.detection.")
RECIPE = TextColumn("Recipe", "Link to the training recipe.", is_link=True)
DOCS = TextColumn("Docs", "Link to the weight's documentation page.", is_link=True)

# Order of the columns in every normalised table: these, with the metrics between Module and Recipe.
LEADING_TEXT_COLUMNS = (WEIGHT, MODEL, FAMILY, MODULE)
TRAILING_TEXT_COLUMNS = (RECIPE, DOCS)
TEXT_COLUMNS = {column.label: column for column in LEADING_TEXT_COLUMNS + TRAILING_TEXT_COLUMNS}


def table_columns(metric_labels: tuple[str, ...] | list[str]) -> list[str]:
    """Column order of a normalised table holding these metrics."""
    return [
        *(c.label for c in LEADING_TEXT_COLUMNS),
        *metric_labels,
        *(c.label for c in TRAILING_TEXT_COLUMNS),
    ]


# Header text on the page for the columns the parser reads besides metrics.
WEIGHT_SOURCE_HEADER = "weight"
RECIPE_SOURCE_HEADER = "recipe"

_IMAGENET = "ImageNet-1K, single crops"
_COCO = "COCO val2017"
CATEGORIES: dict[str, Category] = {
    category.slug: category
    for category in (
        Category(
            "classification",
            "Classification",
            _IMAGENET,
            ("classification",),
            ("Acc@1", "Acc@5", "Params (M)", "GFLOPS"),
            "Acc@1",
            "GFLOPS",
            "Image classifiers trained on ImageNet-1K.",
        ),
        Category(
            "quantized_classification",
            "Quantized classification",
            _IMAGENET,
            ("quantized", "classification"),
            ("Acc@1", "Acc@5", "Params (M)", "GIPS"),
            "Acc@1",
            "GIPS",
            "Int8 post-training-quantized or QAT versions of the classifiers.",
        ),
        Category(
            "semantic_segmentation",
            "Semantic segmentation",
            "COCO val2017 subset with the 20 Pascal VOC categories",
            ("semantic", "segmentation"),
            ("Mean IoU", "pixelwise Acc", "Params (M)", "GFLOPS"),
            "Mean IoU",
            "GFLOPS",
            "Per-pixel class labels.",
        ),
        Category(
            "object_detection",
            "Object detection",
            _COCO,
            ("object", "detection"),
            ("Box MAP", "Params (M)", "GFLOPS"),
            "Box MAP",
            "GFLOPS",
            "Boxes and classes for every object.",
        ),
        Category(
            "instance_segmentation",
            "Instance segmentation",
            _COCO,
            ("instance", "segmentation"),
            ("Box MAP", "Mask MAP", "Params (M)", "GFLOPS"),
            "Mask MAP",
            "GFLOPS",
            "A mask for every object.",
        ),
        Category(
            "keypoint_detection",
            "Keypoint detection",
            _COCO,
            ("keypoint", "detection"),
            ("Box MAP", "Keypoint MAP", "Params (M)", "GFLOPS"),
            "Keypoint MAP",
            "GFLOPS",
            "Person boxes with body keypoints.",
        ),
        Category(
            "video_classification",
            "Video classification",
            "Kinetics-400, single crops, clip length 16",
            ("video", "classification"),
            ("Acc@1", "Acc@5", "Params (M)", "GFLOPS"),
            "Acc@1",
            "GFLOPS",
            "Action recognition on video clips.",
        ),
    )
}


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


def metric_for_header(header: str) -> Metric | None:
    normalised = " ".join(header.lower().split())
    for metric in METRICS.values():
        if normalised in metric.source_headers:
            return metric
    return None


def axis_title(label: str) -> str:
    """Axis / widget title: the label with its unit, unless the label already says it."""
    metric = METRICS.get(label)
    if metric is None or not metric.unit or metric.unit in label:
        return label
    return f"{label} ({metric.unit})"
