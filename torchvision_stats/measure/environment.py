"""Whether torch is installed, and which devices it can measure on."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def native_bfloat16() -> bool:
    """Whether the CUDA device computes in bfloat16 natively (not emulated) (imports torch)."""
    import torch

    try:
        return torch.cuda.is_bf16_supported(including_emulation=False)
    except TypeError:  # torch before 2.3 has no including_emulation: it reported native support only
        return torch.cuda.is_bf16_supported()


def cpu_name() -> str:
    """The CPU model as the OS names it (platform.processor() is empty on Linux, "i386" on macOS)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    if sys.platform == "darwin":
        named = _sysctl("machdep.cpu.brand_string")
        if named:
            return named
    return platform.processor() or platform.machine() or "unknown CPU"


def _sysctl(name: str) -> str:
    try:
        done = subprocess.run(["sysctl", "-n", name], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def usable_cpus() -> set[int] | None:
    """The logical CPUs this process may run on (an affinity mask may allow fewer than all); None
    where the OS does not say."""
    return set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None


def logical_cpus() -> int:
    """The logical CPUs this process may run on."""
    allowed = usable_cpus()
    return len(allowed) if allowed else (os.cpu_count() or 1)


def physical_cores(cpuinfo: str | None = None, allowed: set[int] | None = None) -> int:
    """The physical cores this process may use: torch's own default thread count (two logical
    CPUs of one core, hyper-threads, count once). Linux reads /proc/cpuinfo, macOS sysctl; elsewhere
    the logical CPU count."""
    if cpuinfo is None and Path("/proc/cpuinfo").exists():
        cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    allowed = usable_cpus() if allowed is None else allowed
    if cpuinfo:
        cores, processor, package = set(), None, "0"
        for line in [*cpuinfo.splitlines(), ""]:
            key, _, value = (part.strip() for part in line.partition(":"))
            if key == "processor":
                processor, package = int(value), "0"
            elif key == "physical id":
                package = value
            elif key == "core id" and (allowed is None or processor in allowed):
                cores.add((package, value))
        if cores:
            return len(cores)
    if sys.platform == "darwin":
        counted = _sysctl("hw.physicalcpu")
        if counted.isdigit():
            return int(counted)
    return len(allowed) if allowed else (os.cpu_count() or 1)


def run_context(device: str, device_name: str, settings: Any) -> dict[str, str]:
    """The settings a run records in every row (registry.RUN_SETTINGS), as the CSV writes them:
    what --resume compares with the file's rows (imports torch and torchvision)."""
    import torch
    import torchvision

    return {
        "Device": device,
        "Device name": device_name,
        "Batch": f"max ≤ {settings.max_batch}" if settings.find_batch else str(settings.batch_size),
        "Dtype": settings.dtype,
        "Precision": settings.precision if settings.lower_precision else "none",
        "Threads": str(settings.threads),
        "Channels last": "yes" if settings.channels_last else "no",
        "Compile": settings.compile or "no",
        "Weights from": settings.weights_from,
        # Plain str: torch's own TorchVersion, pickled into the row, made the parent import torch.
        "Torch": str(torch.__version__),
        "Torchvision": str(torchvision.__version__),
    }


def device_name(device: str) -> str:
    """The CPU or GPU model the device names (imports torch for a GPU)."""
    if device == "cuda":
        import torch

        return torch.cuda.get_device_name(torch.device(device))
    if device == "mps":
        return "Apple GPU (MPS)"
    return cpu_name()


def may_have_a_gpu() -> bool:
    """Whether this machine shows any sign of a GPU torch could use (an NVIDIA or AMD driver, an
    Apple silicon Mac): without one, the devices are known without importing torch."""
    if sys.platform == "darwin":
        return platform.machine() == "arm64"
    signs = ("/proc/driver/nvidia/gpus", "/dev/nvidia0", "/dev/nvidiactl", "/dev/kfd", "/dev/dxg")
    return any(Path(sign).exists() for sign in signs) or shutil.which("nvidia-smi") is not None


def devices_here() -> list[str]:
    """available_devices(); just the CPU, at once and without importing torch (2–3 s), on a machine
    with no sign of a GPU."""
    return available_devices() if may_have_a_gpu() else ["cpu"]


def available_devices_in_child() -> list[str]:
    """available_devices() asked of a child process, so the asking process never imports torch;
    just the CPU, at once, on a machine with no sign of a GPU."""
    if not may_have_a_gpu():
        return ["cpu"]
    script = (
        "import json; from torchvision_stats.measure.environment import available_devices; "
        "print(json.dumps(available_devices()))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else ["cpu"]
