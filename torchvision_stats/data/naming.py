"""Names derived from a weight: its architecture family, builder and module.

The family rule reads the weights enum's class name (``ResNet50_Weights`` → ``ResNet50``):
take its first ``_``-separated part, drop the size digits at its end (``ResNet50`` →
``ResNet``, ``SSDLite320`` → ``SSDLite``, but not a version such as ``DeepLabV3``), and keep a
version part that follows it (``EfficientNet_V2_S`` → ``EfficientNet V2``). The names people
write differently from the class names are listed in ``FAMILY_EXCEPTIONS``.
"""

from __future__ import annotations

import re

# First part of the class name → the family as the literature names it.
FAMILY_EXCEPTIONS = {
    "Wide": "Wide ResNet",
    "FasterRCNN": "Faster R-CNN",
    "MaskRCNN": "Mask R-CNN",
    "KeypointRCNN": "Keypoint R-CNN",
    "R2Plus1D": "R(2+1)D",
    "MC3": "MC3",
    "MaxVit": "MaxViT",
}

_WEIGHTS_CLASS = re.compile(r"^(?P<prefix>\w+?)_(?:Quantized)?Weights\.")
_SIZE_DIGITS = re.compile(r"(?<=[A-Za-z])(?<![Vv])\d+$")
_VERSION = re.compile(r"^V\d+$")
_BUILDER_PAGE = re.compile(r"(?:^|/)(?P<qualified>torchvision\.models(?:\.\w+)*)\.(?P<builder>\w+)\.html")


def weights_class_prefix(weight: str) -> str | None:
    """``ResNet50_QuantizedWeights.X`` → ``ResNet50``; None when the name has no such form."""
    match = _WEIGHTS_CLASS.match(weight)
    return match.group("prefix") if match else None


def family_of(weight: str) -> str | None:
    prefix = weights_class_prefix(weight)
    if prefix is None:
        return None
    parts = prefix.split("_")
    head = parts[0]
    if head in FAMILY_EXCEPTIONS:
        return FAMILY_EXCEPTIONS[head]
    family = _SIZE_DIGITS.sub("", head)
    if len(parts) > 1 and _VERSION.match(parts[1]):
        family = f"{family} {parts[1]}"
    return family


def builder_of(docs_href: str) -> tuple[str, str] | None:
    """``.../torchvision.models.detection.ssd300_vgg16.html#...`` → (module, builder)."""
    match = _BUILDER_PAGE.search(docs_href.split("#", 1)[0])
    if match is None:
        return None
    return match.group("qualified"), match.group("builder")
