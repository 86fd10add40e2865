"""The network a weight names, and an input like the one its weights expect (imports torch).

Each builder is called with the weight itself, so it does everything that weight makes it do:
auxiliary heads (FCN, DeepLabV3), FrozenBatchNorm2d (the v1 detection models), GoogLeNet's and
Inception's pretrained settings, `num_classes`, `image_size`, the quantization backend. Only the
download and loading of the state dict are skipped (speed does not depend on the values), so nothing
is fetched and the parameters keep the builder's initial values.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from torchvision.models._api import WeightsEnum

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


def memory_format(dimensions: int) -> torch.memory_format:
    """channels_last for images (NCHW), channels_last_3d for video clips (NCDHW)."""
    return torch.channels_last_3d if dimensions == 5 else torch.channels_last


def make_input(
    target: Target,
    shape: tuple[int, ...],
    device: torch.device,
    channels_last: bool,
    dtype: torch.dtype = torch.float32,
) -> Any:
    """Random pixels of `shape` (dtype: the model's, when it was cast)."""
    if target.category in DETECTION_CATEGORIES:
        # The detector batches and resizes photos itself; its backbone's layout is the model's.
        return [torch.rand(shape[1:], device=device, dtype=dtype) for _ in range(shape[0])]
    tensor = torch.rand(shape, device=device, dtype=dtype)
    if channels_last:
        tensor = tensor.contiguous(memory_format=memory_format(tensor.dim()))
    return tensor


class _NotLoaded(dict):
    """What the weight's state dict is replaced by: empty, and recognised by load_state_dict."""


@contextlib.contextmanager
def state_dict_not_loaded() -> Iterator[None]:
    """Inside, a builder given a weight builds everything the weight asks for, but fetches and
    loads no state dict. Both sides are intercepted: WeightsEnum.get_state_dict (the download)
    returns a marker, and Module.load_state_dict skips that marker alone, so a builder that
    renames keys first (DenseNet) or loads into a submodule works as it does with real weights."""
    fetch, load = WeightsEnum.get_state_dict, torch.nn.Module.load_state_dict

    def no_fetch(self: WeightsEnum, *args: Any, **kwargs: Any) -> dict:
        return _NotLoaded()

    def load_unless_skipped(self: torch.nn.Module, state_dict: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(state_dict, _NotLoaded):
            return torch.nn.modules.module._IncompatibleKeys([], [])
        return load(self, state_dict, *args, **kwargs)

    WeightsEnum.get_state_dict = no_fetch
    torch.nn.Module.load_state_dict = load_unless_skipped
    try:
        yield
    finally:
        WeightsEnum.get_state_dict, torch.nn.Module.load_state_dict = fetch, load


def builder_arguments(target: Target, weights: Any) -> dict[str, Any]:
    """What the builder is called with: the weight itself, and for a quantized weight quantize=True
    (its backend then comes from the weight)."""
    builder = getattr(importlib.import_module(target.module), target.model)
    arguments: dict[str, Any] = {"weights": weights}
    if "quantize" in inspect.signature(builder).parameters:
        arguments["quantize"] = True
    return arguments


MIRROR = "TVSTATS_WEIGHTS_URL"  # a folder of torchvision's weight files, in place of download.pytorch.org


class PretrainedUnavailable(RuntimeError):
    """The weight's state dict is neither in the torch hub cache nor downloadable; str() says so."""


@contextlib.contextmanager
def state_dict_from_mirror(base_url: str) -> Iterator[None]:
    """Inside, weights are downloaded from `base_url` (same file names, so the hash each name
    carries is still checked) into the torch hub cache."""
    fetch = WeightsEnum.get_state_dict

    def from_mirror(self: WeightsEnum, *args: Any, **kwargs: Any) -> dict:
        name = self.url.rsplit("/", 1)[-1]
        return torch.hub.load_state_dict_from_url(
            f"{base_url.rstrip('/')}/{name}", *args, file_name=name, **kwargs
        )

    WeightsEnum.get_state_dict = from_mirror
    try:
        yield
    finally:
        WeightsEnum.get_state_dict = fetch


def build(target: Target, weights: Any, pretrained: bool = False) -> torch.nn.Module:
    """The weight's own network, in eval mode, on the CPU: with the builder's initial values, or
    with `pretrained`, its state dict loaded through torchvision (the torch hub cache; downloaded
    when it is not there, from TVSTATS_WEIGHTS_URL when that is set)."""
    builder = getattr(importlib.import_module(target.module), target.model)
    if not pretrained:
        with state_dict_not_loaded():
            return builder(**builder_arguments(target, weights)).eval()
    mirror = os.environ.get(MIRROR, "").strip()
    cache = Path(torch.hub.get_dir()) / "checkpoints"
    try:
        with state_dict_from_mirror(mirror) if mirror else contextlib.nullcontext():
            return builder(**builder_arguments(target, weights)).eval()
    except OSError as error:  # urllib's URLError and HTTPError are OSErrors: offline, refused, 404
        raise PretrainedUnavailable(
            f"the pretrained weights are not in the torch hub cache ({cache}) and could not be "
            f"downloaded: {_first_line(error)}"
        ) from error
    except RuntimeError as error:
        if "invalid hash value" not in str(error):
            raise
        raise PretrainedUnavailable(
            f"the downloaded weights do not match their hash: {_first_line(error)}"
        ) from error


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
