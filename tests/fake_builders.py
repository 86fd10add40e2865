"""Builders that fail the ways a real model can, for the measuring engine's tests: imported by the
worker as a weight's module (its `Target.module`). Each "weights enum" is a mapping whose member
the worker looks up; the builder is what fails."""

from __future__ import annotations

import os
import time

Fails_Weights = {"V1": None}


def exit_silently(**arguments):
    """A crash in native code: the process ends at once, with a code and no word."""
    os._exit(3)


def exhaust_memory(**arguments):
    """More memory than any machine has."""
    return bytearray(1 << 50)


def hang(**arguments):
    """A build that never ends (a deadlock, a download that never comes)."""
    time.sleep(3600)
