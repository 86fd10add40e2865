"""One weight to measure, as the docs list it (no torch here: the parent process plans with it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    weight: str  # e.g. ResNet50_Weights.IMAGENET1K_V2
    model: str  # the builder, e.g. resnet50
    module: str  # e.g. torchvision.models.quantization
    category: str  # the registry slug
