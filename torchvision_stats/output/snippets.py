"""The two lines of Python that load a weight, as the docs would write them."""

from __future__ import annotations

import re

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def code_snippet(weight: str, model: str | None, module: str | None) -> str | None:
    """``from torchvision.models import resnet50, ResNet50_Weights`` / ``model = resnet50(weights=...)``.

    None when the names are not plain Python identifiers (a changed or hostile page): a
    snippet people paste into their code must never carry anything else.
    """
    weights_class, _, member = weight.partition(".")
    module = module or "torchvision.models"
    if not (
        model
        and _IDENTIFIER.match(model)
        and _IDENTIFIER.match(weights_class)
        and _IDENTIFIER.match(member)
        and _MODULE.match(module)
    ):
        return None
    # Quantized builders return a float model unless asked for the int8 one.
    quantize = ", quantize=True" if module.endswith(".quantization") else ""
    return (
        f"from {module} import {model}, {weights_class}\n"
        f"model = {model}(weights={weights_class}.{member}{quantize})"
    )
