"""Measure one weight in this process and print the result as one JSON line (imports torch).

Run by the runner as a child process, one per weight: memory is returned when it exits, and a
crash or an out-of-memory kill costs only that weight's row.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import time
from datetime import UTC, datetime
from typing import Any

RESULT_MARKER = "TVSTATS-RESULT "
DTYPES = ("float32", "bfloat16", "float16")


def _rss_bytes() -> int:
    """The process's current resident memory (Linux); 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # kilobytes on Linux


def _device_name(torch: Any, device: Any) -> str:
    from torchvision_stats.measure.environment import cpu_name

    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (MPS)"
    return cpu_name()


def measure(request: dict[str, Any]) -> dict[str, str]:
    """Build, warm up and time one weight as `request` says; the CSV row (numbers as text)."""
    import numpy as np
    import torch
    import torchvision
    from torch.utils import benchmark

    from torchvision_stats.measure import model as models
    from torchvision_stats.measure.target import Target

    target = Target(**request["target"])
    device = torch.device(request["device"])
    threads = int(request["threads"])
    torch.set_num_threads(threads)
    rss_start = _rss_bytes()
    weights = models.weights_enum(target)
    started = time.perf_counter()
    network = models.build(target, weights)
    build_seconds = time.perf_counter() - started
    quantized = target.module.endswith(".quantization")
    dtype = "int8" if quantized else request["dtype"]
    shape = models.input_shape(target, weights, int(request["batch_size"]))
    network = network.to(device)
    if request["channels_last"]:
        network = network.to(memory_format=torch.channels_last)
    example = models.make_input(target, shape, device, request["channels_last"])
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    # Mixed precision as people run it: autocast around float32 weights.
    autocast = (
        torch.autocast(device_type=device.type, dtype=getattr(torch, dtype))
        if dtype in ("bfloat16", "float16")
        else contextlib.nullcontext()
    )
    with torch.inference_mode(), autocast:
        for _ in range(int(request["warmup"])):
            network(example)
        # The Timer sets torch's thread count while timing (1 unless told) and synchronises CUDA.
        timer = benchmark.Timer(
            stmt="network(example)", globals={"network": network, "example": example}, num_threads=threads
        )
        measurement = timer.blocked_autorange(min_run_time=float(request["min_run_time"]))
    median = measurement.median
    p90 = float(np.percentile(measurement.times, 90))
    if device.type == "cuda":
        peak_mb = torch.cuda.max_memory_allocated(device) / 1e6
    else:
        peak_mb = max(_peak_rss_bytes() - rss_start, 0) / 1e6
    return {
        "Weight": target.weight,
        "Latency (ms)": f"{median * 1000:.3f}",
        "Latency p90 (ms)": f"{p90 * 1000:.3f}",
        "Throughput (inputs/s)": f"{shape[0] / median:.2f}",
        "Peak memory (MB)": f"{peak_mb:.1f}",
        "Build time (s)": f"{build_seconds:.2f}",
        "Batch size": str(shape[0]),
        "Input shape": "x".join(str(side) for side in shape),
        "Device": device.type,
        "Device name": _device_name(torch, device),
        "Threads": str(torch.get_num_threads()),
        "Dtype": dtype,
        "Channels last": "yes" if request["channels_last"] else "no",
        "Torch": torch.__version__,
        "Torchvision": torchvision.__version__,
        "Measured at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Error": "",
    }


def describe_error(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return "out of memory"
    if type(error).__name__ == "OutOfMemoryError":
        return "out of GPU memory"
    first_line = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first_line}"[:300]


def main() -> int:
    request = json.loads(sys.argv[1])
    try:
        row = measure(request)
    except Exception as error:  # one weight's failure is its row's Error, never the run's end
        row = {"Weight": request["target"]["weight"], "Error": describe_error(error)}
    print(RESULT_MARKER + json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
