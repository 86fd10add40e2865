"""Memory of one inference: the process's resident memory on the CPU, torch's allocator on a GPU.

On Linux the kernel keeps a high-water mark of the process's resident memory (VmHWM) that writing
5 to /proc/self/clear_refs resets: reset after building, the mark read after timing is the peak of
the inference alone, not of the build's temporaries. Elsewhere (macOS, Windows) there is no reset;
the CPU's peak is then left missing rather than reported wrong.
"""

from __future__ import annotations

import gc
import math
from pathlib import Path
from typing import Any

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")
_RESET_PEAK = "5"  # the value that resets VmHWM (proc(5))


def _status_bytes(field: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024  # kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def available_bytes() -> int | None:
    """Memory the system can give without swapping (MemAvailable); None where it cannot be read."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def resident_bytes() -> int | None:
    """The process's resident memory now; None where it cannot be read."""
    return _status_bytes("VmRSS")


def reset_peak() -> bool:
    """Reset the process's resident high-water mark to what it holds now; False where the OS
    offers no reset."""
    try:
        _CLEAR_REFS.write_text(_RESET_PEAK)
    except OSError:
        return False
    return True


def peak_bytes() -> int | None:
    """The process's resident high-water mark since the last reset."""
    return _status_bytes("VmHWM")


class CpuPeak:
    """The peak resident memory of what happens after `start_inference`, over what the process held
    before the model was built (so the weights count, as they do on a GPU)."""

    def __init__(self) -> None:
        # Garbage freed later (a collection the build's allocations trigger) would lower the
        # process below this baseline and hide the inference's peak: collect it first.
        gc.collect()
        self._before_build = resident_bytes()
        self._reset = False

    def start_inference(self) -> None:
        self._reset = reset_peak()

    def megabytes(self) -> float:
        peak = peak_bytes()
        if not self._reset or peak is None or self._before_build is None:
            return math.nan
        return max(peak - self._before_build, 0) / 1e6


def tensor_bytes(value: Any) -> int:
    """Bytes of the tensors in a state-dict value (a tensor, or the tuples quantized layers pack)."""
    if isinstance(value, tuple | list):
        return sum(tensor_bytes(item) for item in value)
    if hasattr(value, "element_size") and hasattr(value, "numel"):
        return value.numel() * value.element_size()
    return 0


def weights_megabytes(model: Any) -> float:
    """Bytes of the model's parameters and buffers as it runs: its state dict, whose quantized
    layers hold their int8 weights packed (not as parameters)."""
    seen: set[int] = set()
    total = 0
    for value in model.state_dict().values():
        key = value.data_ptr() if hasattr(value, "data_ptr") else id(value)
        if key and key in seen:
            continue  # a tensor shared by two names (tied weights) is held once
        seen.add(key)
        total += tensor_bytes(value)
    return total / 1e6
