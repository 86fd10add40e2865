"""Each weight's facts as an installed torchvision's own metadata gives them (imports torchvision).

scripts/make_weight_facts.py writes them for every weight of the bundled docs versions into the
file data/facts.py ships, so the app shows them without torch.
"""

from __future__ import annotations

import math
from typing import Any

from torchvision_stats.measure.model import eval_transform, weights_enum
from torchvision_stats.measure.target import Target


def _side(size: Any) -> float:
    if size is None:
        return math.nan
    return float(size[0] if isinstance(size, list | tuple) else size)


def weight_facts(target: Target) -> dict[str, Any]:
    """File size, input sizes, interpolation, categories and licence of one weight (registry labels)."""
    weights = weights_enum(target)
    meta = weights.meta
    transform = eval_transform(weights)
    interpolation = getattr(transform, "interpolation", None)
    min_size = meta.get("min_size")
    return {
        "Weight": target.weight,
        "File size (MB)": float(meta["_file_size"]) if "_file_size" in meta else math.nan,
        "Min input size (px)": float(min(min_size)) if min_size else math.nan,
        "Crop size (px)": _side(getattr(transform, "crop_size", None)),
        "Resize size (px)": _side(getattr(transform, "resize_size", None)),
        "Interpolation": interpolation.value if interpolation is not None else "",
        "Categories": float(len(meta["categories"])) if meta.get("categories") else math.nan,
        "License": meta.get("license", ""),
    }
