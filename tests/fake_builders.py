"""Builders for the measuring engine's tests, imported by the worker as a weight's module (its
`Target.module`): ones that fail the ways a real model can, and one tiny real network. Each
"weights enum" is a mapping whose member the worker looks up."""

from __future__ import annotations

import os
import time

Fails_Weights = {"V1": None}


class _TinyWeights:
    """What the engine reads from a torchvision weight: its eval transform's crop size."""

    class _Transform:
        crop_size = (32,)  # torchvision keeps a list; the engine reads either

    def transforms(self) -> _Transform:
        return self._Transform()


Tiny_Weights = {"V1": _TinyWeights()}


def tiny_network(weights=None):
    """A real network (a convolution, an activation, a pooling and a classifier) that torch.compile
    turns into a couple of kernels in seconds, where a torchvision network takes half a minute."""
    import torch  # the worker has torch; the tests that only read this module's failures need none

    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3),
        torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(),
        torch.nn.Linear(8, 10),
    )


def exit_silently(**arguments):
    """A crash in native code: the process ends at once, with a code and no word."""
    os._exit(3)


def exhaust_memory(**arguments):
    """More memory than any machine has."""
    return bytearray(1 << 50)


def hang(**arguments):
    """A build that never ends (a deadlock, a download that never comes)."""
    time.sleep(3600)
