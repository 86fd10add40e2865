"""Measure one weight in this process and print the result as one JSON line (imports torch).

Run by the runner as a child process, one per weight: memory is returned when it exits, and a
crash or an out-of-memory kill costs only that weight's row.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
import warnings
from datetime import UTC, datetime
from typing import Any

RESULT_MARKER = "TVSTATS-RESULT "
QUANTIZED_DTYPE = "int8"


def _synchronizer(torch: Any, device: Any) -> Any:
    """Waits for the device's queued work (a GPU call returns before its kernels finish)."""
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    if device.type == "mps":
        return torch.mps.synchronize
    return lambda: None


def _autocast(torch: Any, device: Any, dtype: str) -> Any:
    """Mixed precision as people run it: autocast around float32 weights; nothing for float32."""
    if dtype not in ("bfloat16", "float16"):
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=getattr(torch, dtype))


def _autocast_enabled(torch: Any, device_type: str) -> bool:
    try:
        return torch.is_autocast_enabled(device_type)
    except TypeError:  # torch before 2.4 has no device argument: CUDA's, or the CPU's own function
        return torch.is_autocast_cpu_enabled() if device_type == "cpu" else torch.is_autocast_enabled()


def _cuda_settings(torch: Any, device: Any) -> tuple[str, str]:
    """(cuDNN benchmark, TF32) as the row records them; set up as PyTorch's own benchmarks run."""
    if device.type != "cuda":
        return "no", "no"
    torch.backends.cudnn.benchmark = True  # the fastest algorithm per input shape, chosen in warm-up
    with warnings.catch_warnings():  # newer torch prefers fp32_precision, and says so when read
        warnings.simplefilter("ignore")
        uses = [
            name
            for name, allowed in (
                ("cuDNN", torch.backends.cudnn.allow_tf32),
                ("matmul", torch.backends.cuda.matmul.allow_tf32),
            )
            if allowed
        ]
    return "yes", ", ".join(uses) or "no"


def _start_inference(torch: Any, device: Any, cpu_peak: Any) -> None:
    """From here on the peak counts: the build and warm-up's transients are forgotten."""
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    elif cpu_peak is not None:
        cpu_peak.start_inference()


def _peak_megabytes(torch: Any, device: Any, cpu_peak: Any) -> float:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 1e6
    if device.type == "mps":
        # MPS has no peak counter: what the Metal driver holds for this process after timing
        # (the allocator keeps what the inference needed at its peak).
        return torch.mps.driver_allocated_memory() / 1e6
    return cpu_peak.megabytes()


def _text(value: float, digits: int) -> str:
    return "" if value != value else f"{value:.{digits}f}"


def measure(request: dict[str, Any]) -> dict[str, str]:
    """Build, warm up and time one weight as `request` says; the CSV row (numbers as text)."""
    import torch

    from torchvision_stats.measure import environment, memory, timing
    from torchvision_stats.measure import model as models
    from torchvision_stats.measure.settings import Settings
    from torchvision_stats.measure.target import Target

    target = Target(**request["target"])
    settings = Settings(**request["settings"])
    device = torch.device(settings.device)
    torch.set_num_threads(settings.threads)
    cpu_peak = memory.CpuPeak() if device.type == "cpu" else None
    weights = models.weights_enum(target)
    started = time.perf_counter()
    network = models.build(target, weights)
    build_seconds = time.perf_counter() - started
    quantized = target.module.endswith(".quantization")
    dtype = QUANTIZED_DTYPE if quantized else settings.dtype
    shape = models.input_shape(target, weights, settings.batch_size)
    network = network.to(device)
    if settings.channels_last:
        network = network.to(memory_format=models.memory_format(len(shape)))
    example = models.make_input(target, shape, device, settings.channels_last)
    cudnn_benchmark, tf32 = _cuda_settings(torch, device)
    synchronize = _synchronizer(torch, device)
    with torch.inference_mode(), _autocast(torch, device, dtype):
        if dtype in ("bfloat16", "float16") and not _autocast_enabled(torch, device.type):
            raise RuntimeError(f"autocast to {dtype} did not take effect on {device.type}")
        for _ in range(settings.warmup):
            network(example)
        synchronize()
        _start_inference(torch, device, cpu_peak)
        rounds = timing.time_steadily(
            lambda: network(example), synchronize, min_run_time=settings.min_run_time
        )
        kept = timing.steadier(*rounds)
        peak_mb = _peak_megabytes(torch, device, cpu_peak)
    context = environment.run_context(settings.device, environment.device_name(settings.device), settings)
    return {
        "Weight": target.weight,
        "Latency (ms)": f"{kept.median * 1000:.3f}",
        "Latency p90 (ms)": f"{kept.p90 * 1000:.3f}",
        "Spread (%)": f"{kept.spread_percent:.1f}",
        "Samples": str(len(kept.samples)),
        "Throughput (inputs/s)": f"{shape[0] / kept.median:.2f}",
        "Peak memory (MB)": _text(peak_mb, 1),
        "Weights (MB)": f"{memory.weights_megabytes(network):.1f}",
        "Build time (s)": f"{build_seconds:.2f}",
        **context,
        "Input shape": "x".join(str(side) for side in shape),
        "Dtype": dtype,
        "cuDNN benchmark": cudnn_benchmark,
        "TF32": tf32,
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
