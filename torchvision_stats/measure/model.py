"""A torchvision model with random weights, and an input like the one its weights expect (imports torch).

Speed does not depend on the weights' values, so nothing is downloaded: builders get weights=None,
and detection and segmentation builders weights_backbone=None too (else they fetch a backbone).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import torch

from torchvision_stats.measure.target import Target

# Detection models take photos of any size and resize them internally (to 800 px on the short side);
# the input is a typical photo. Video models are evaluated on 16-frame clips (the docs' clip length).
PHOTO_SHAPE = (3, 480, 640)
VIDEO_FRAMES = 16
IMAGE_CATEGORIES = ("classification", "quantized_classification")
DETECTION_CATEGORIES = ("object_detection", "instance_segmentation", "keypoint_detection")


def weights_enum(target: Target) -> Any:
    """The torchvision weights enum member the docs name."""
    class_name, _, member = target.weight.partition(".")
    return getattr(importlib.import_module(target.module), class_name)[member]


def _side(size: Any) -> int:
    return int(size[0] if isinstance(size, list | tuple) else size)


def eval_transform(weights: Any) -> Any:
    """The weight's own eval transform (ImageClassification, SemanticSegmentation, …)."""
    return weights.transforms()


def input_shape(target: Target, weights: Any, batch_size: int) -> tuple[int, ...]:
    """The input's shape; detection models get `batch_size` photos of PHOTO_SHAPE."""
    transform = eval_transform(weights)
    if target.category in IMAGE_CATEGORIES:
        crop = _side(transform.crop_size)
        return (batch_size, 3, crop, crop)
    if target.category == "semantic_segmentation":
        side = _side(transform.resize_size)
        return (batch_size, 3, side, side)
    if target.category in DETECTION_CATEGORIES:
        return (batch_size, *PHOTO_SHAPE)
    if target.category == "video_classification":
        crop = _side(transform.crop_size)
        return (batch_size, 3, VIDEO_FRAMES, crop, crop)
    raise ValueError(f"no input is known for the category {target.category!r}")


def make_input(target: Target, shape: tuple[int, ...], device: torch.device, channels_last: bool) -> Any:
    if target.category in DETECTION_CATEGORIES:
        return [torch.rand(shape[1:], device=device) for _ in range(shape[0])]
    tensor = torch.rand(shape, device=device)
    if channels_last and tensor.dim() == 4:
        tensor = tensor.contiguous(memory_format=torch.channels_last)
    return tensor


def build(target: Target, weights: Any) -> torch.nn.Module:
    """The model with random weights, in eval mode, on the CPU."""
    builder = getattr(importlib.import_module(target.module), target.model)
    accepted = inspect.signature(builder).parameters
    arguments: dict[str, Any] = {"weights": None}
    if "weights_backbone" in accepted:
        arguments["weights_backbone"] = None
    if "quantize" in accepted:
        arguments["quantize"] = True  # the int8 model, with the weight's own backend
    if target.model.startswith("vit_"):
        arguments["image_size"] = _side(eval_transform(weights).crop_size)  # 384 and 518 for SWAG
    return builder(**arguments).eval()
