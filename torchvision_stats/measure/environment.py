"""Whether torch is installed, and which devices it can measure on."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

DEVICES = ("cpu", "cuda", "mps")
INSTALL_HINT = (
    "measuring needs torch and torchvision: pip install 'torchvision-stats[measure]' "
    "(in this repo: make install-measure)"
)


SWITCH = "TVSTATS_MEASURE"  # "off" on shared deployments: no runs from the dashboard


def measuring_allowed() -> bool:
    """False when TVSTATS_MEASURE=off: the dashboard offers upload and viewing, not runs."""
    return os.environ.get(SWITCH, "").strip().lower() != "off"


def torch_available() -> bool:
    """True when torch and torchvision can be imported; imports neither."""
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "torchvision"))


def available_devices() -> list[str]:
    """The devices torch reports available here, cpu first (imports torch)."""
    import torch

    found = ["cpu"]
    if torch.cuda.is_available():
        found.append("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        found.append("mps")
    return found


def cpu_name() -> str:
    """The CPU model as the OS names it (platform.processor() is empty on Linux)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine() or "unknown CPU"


def available_devices_in_child() -> list[str]:
    """available_devices() asked of a child process, so the asking process never imports torch."""
    script = (
        "import json; from torchvision_stats.measure.environment import available_devices; "
        "print(json.dumps(available_devices()))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else ["cpu"]
