"""The network measured is the one the docs' weight names: for every weight of the bundled main
docs, the engine's model has torchvision's own parameter count (meta["num_params"]) and the module
types of the model the builder returns with that weight's state dict loaded; the reference sets
measured with the old builders (weights=None) hold no row of a weight whose network that changed;
and the set re-measured by this engine ran every weight on its own network."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import parsed_tables, require_torch
from torchvision_stats.measure import model as models
from torchvision_stats.measure.target import Target

torch, torchvision = require_torch()
from torchvision.models._api import WeightsEnum  # noqa: E402  (after the skip-or-fail)

TARGETS = [
    Target(row.Weight, row.Model, row.Module, slug)
    for slug, table in parsed_tables("main").items()
    for row in table.itertuples()
]
REFERENCES = Path(__file__).parent.parent / "torchvision_stats" / "data" / "reference_speed"
QUANTIZED_MODULES = ("googlenet", "inception", "mobilenetv2", "resnet", "shufflenetv2")  # not v3: QAT, cheap
OLD_BUILDERS_SETS = (
    "h200-batch1-float32.csv",
    "h200-batch64-bfloat16.csv",
    "xeon16-batch1-float32.csv",
)


def quantized(target: Target) -> bool:
    return target.module.endswith(".quantization")


@contextlib.contextmanager
def uninitialised() -> Iterator[None]:
    """Builders skip initialising parameters: a model's architecture does not depend on the values,
    and drawing hundreds of millions of random numbers is most of a build's time. For float
    networks only; a quantized builder's calibration needs real numbers."""
    functions = {name: getattr(torch.nn.init, name) for name in dir(torch.nn.init) if name.endswith("_")}
    methods = {name: getattr(torch.Tensor, name) for name in ("normal_", "uniform_", "zero_", "fill_")}
    for name in functions:
        setattr(torch.nn.init, name, lambda tensor, *args, **kwargs: tensor)
    for name in methods:
        setattr(torch.Tensor, name, lambda self, *args, **kwargs: self)
    try:
        yield
    finally:
        for name, function in functions.items():
            setattr(torch.nn.init, name, function)
        for name, method in methods.items():
            setattr(torch.Tensor, name, method)


def cheaply(target: Target, build):
    """`build()`, uninitialised for a float network."""
    if quantized(target):
        return build()
    with uninitialised():
        return build()


def architecture(network) -> tuple[int, list[tuple[str, str]]]:
    """The parameter count and each module's type, by name."""
    count = sum(parameter.numel() for parameter in network.parameters())
    return count, [(name, type(module).__name__) for name, module in network.named_modules()]


def builder(target: Target):
    return getattr(importlib.import_module(target.module), target.model)


def pretrained_model(target: Target):
    """The builder given the weight, as a user calls it (quantize=True for quantized weights), its
    state dict loaded for real: the download alone is replaced, by the state dict of the model as
    the builder made it before loading (a checkpoint has exactly those keys), so the real, strict
    load_state_dict runs with its key-renaming hooks and the builder's steps after loading (the
    aux heads GoogLeNet drops, the eps the v1 detectors set)."""
    weights = models.weights_enum(target)
    arguments = {"weights": weights, **({"quantize": True} if quantized(target) else {})}
    load = torch.nn.Module.load_state_dict

    class Download(dict):
        pass

    def load_as_downloaded(self, state_dict, *args, **kwargs):
        if isinstance(state_dict, Download):
            state_dict = self.state_dict()  # what the checkpoint holds: the keys of this model
        return load(self, state_dict, *args, **kwargs)

    fetch = WeightsEnum.get_state_dict
    WeightsEnum.get_state_dict = lambda self, *args, **kwargs: Download()
    torch.nn.Module.load_state_dict = load_as_downloaded
    try:
        return cheaply(target, lambda: builder(target)(**arguments).eval())
    finally:
        WeightsEnum.get_state_dict, torch.nn.Module.load_state_dict = fetch, load


def engine_model(target: Target):
    return cheaply(target, lambda: models.build(target, models.weights_enum(target)))


def old_model(target: Target):
    """The network the first measuring engine timed: the builder with weights=None (and
    weights_backbone=None, image_size= for ViT, quantize=True), as the reference sets were made."""
    weights = models.weights_enum(target)
    accepted = inspect.signature(builder(target)).parameters
    arguments = {"weights": None}
    if "weights_backbone" in accepted:
        arguments["weights_backbone"] = None
    if "quantize" in accepted:
        arguments["quantize"] = True
    if target.model.startswith("vit_"):
        arguments["image_size"] = weights.meta["min_size"][0]
    return builder(target)(**arguments).eval()


@contextlib.contextmanager
def float_networks_of_quantized_builders() -> Iterator[None]:
    """Quantized builders stop before quantizing: the old and the new builders are compared on the
    float network that quantize_model turns into int8 layer for layer, the same way for both."""
    modules = [
        importlib.import_module(f"torchvision.models.quantization.{name}") for name in QUANTIZED_MODULES
    ]
    saved = [module.quantize_model for module in modules]
    for module in modules:
        module.quantize_model = lambda model, backend: None
    try:
        with uninitialised():
            yield
    finally:
        for module, function in zip(modules, saved, strict=True):
            module.quantize_model = function


@pytest.mark.parametrize("target", TARGETS, ids=[target.weight for target in TARGETS])
def test_the_engine_builds_the_network_the_weight_names(target):
    built = architecture(engine_model(target))
    if not quantized(target):  # int8 layers hold packed weights, not parameters
        assert built[0] == models.weights_enum(target).meta["num_params"]
    assert built == architecture(pretrained_model(target))


def test_the_old_builders_sets_hold_no_weight_whose_network_changed():
    with float_networks_of_quantized_builders():
        changed = {
            t.weight
            for t in TARGETS
            if architecture(old_model(t)) != architecture(models.build(t, models.weights_enum(t)))
        }
    # The 16 the issue names: FCN and DeepLabV3 (aux heads), GoogLeNet and the quantized GoogLeNet
    # and Inception V3 (pretrained settings), the v1 detection builders (FrozenBatchNorm2d).
    assert len(changed) == 16
    manifest = json.loads((REFERENCES / "sets.json").read_text(encoding="utf-8"))
    dropped = {entry["file"]: set(entry.get("dropped", [])) for entry in manifest["sets"]}
    for name in OLD_BUILDERS_SETS:
        held = set(pd.read_csv(REFERENCES / name)["Weight"])
        assert not held & changed, name
        assert dropped[name] and dropped[name] <= changed, name  # each drop said, and only those


def test_the_build_machines_set_ran_every_weight_on_its_own_network():
    """Re-measured by this engine: every weight of the main docs, none failed, and each float
    weight's bytes as it ran those of torchvision's parameter count in float32 (buffers, such as
    BatchNorm's statistics, add under 3 %, and the int64 relative-position index of each Swin3D
    block 8–15 %; `Weights (MB)` has one decimal). The old builders' GoogLeNet, with its
    training-time aux heads, would read +96 %, and FCN's and DeepLabV3's +4–7 %."""
    rows = pd.read_csv(REFERENCES / "build-machine-batch1-float32.csv", dtype={"Error": str})
    assert sorted(rows["Weight"]) == sorted(t.weight for t in TARGETS)
    assert rows["Error"].isna().all() and (rows["Samples"] >= 20).all()
    megabytes = rows.set_index("Weight")["Weights (MB)"]
    for target in TARGETS:
        if quantized(target):  # int8, packed: bytes are not parameters × 4
            continue
        float32_mb = models.weights_enum(target).meta["num_params"] * 4 / 1e6
        buffers = 1.15 if target.model.startswith("swin3d") else 1.03
        assert float32_mb - 0.05 <= megabytes[target.weight] <= float32_mb * buffers + 0.05, target.weight
