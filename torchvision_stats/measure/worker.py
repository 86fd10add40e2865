"""Measure one weight in this process (imports torch): build, cast, compile, find the batch, warm
up, time, and return the CSV row.

The runner runs each weight in a fresh child process forked from a server that imported torch
once (`run_child`): memory is returned when the child exits, and a crash or an out-of-memory kill
costs only that weight's row. `python -m torchvision_stats.measure.worker REQUEST` measures one
weight in a process of its own and prints the row (the benchmark's process-per-weight baseline).
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import sys
import time
import warnings
from datetime import UTC, datetime
from typing import Any

RESULT_MARKER = "TVSTATS-RESULT "
QUANTIZED_DTYPE = "int8"
BATCH_GROWTH = 1.05  # --batch-size max stops when doubling the batch buys less throughput than this
MEMORY_SHARE = 0.8  # a batch is tried on the CPU only when its predicted memory fits this share
# What a child takes from the parent's environment at the time of the run, not of the fork server's
# start: where the torch hub cache is, and a mirror of torchvision's weight files.
ENVIRONMENT = ("TORCH_HOME", "XDG_CACHE_HOME", "TVSTATS_WEIGHTS_URL")


def _synchronizer(torch: Any, device: Any) -> Any:
    """Waits for the device's queued work (a GPU call returns before its kernels finish)."""
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    if device.type == "mps":
        return torch.mps.synchronize
    return lambda: None


def _autocast(torch: Any, device: Any, dtype: str) -> Any:
    """Mixed precision: autocast around float32 weights."""
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


def _out_of_memory(torch: Any, error: BaseException) -> bool:
    return isinstance(error, MemoryError | torch.cuda.OutOfMemoryError) or "out of memory" in str(error)


def _best_batch(torch: Any, run: Any, example_for: Any, settings: Any, device: Any, synchronize: Any) -> int:
    """--batch-size max: batches 1, 2, 4 … up to settings.max_batch, each timed briefly; stop at
    out of memory (a GPU's caught and its cache emptied; on the CPU before the predicted memory would
    pass MEMORY_SHARE of what is available) or when the throughput grows by less than 5 %. The batch
    of the best throughput."""
    from torchvision_stats.measure import memory, timing
    from torchvision_stats.measure.settings import SEARCH_SAMPLES

    best, best_throughput, previous = 1, 0.0, 0.0
    batch, used = 1, 0  # bytes the last batch's calls took above what the process held (CPU)
    while batch <= settings.max_batch:
        before = memory.resident_bytes() if device.type == "cpu" else None
        available = memory.available_bytes()
        if device.type == "cpu" and available is not None and 2 * used > MEMORY_SHARE * available:
            break  # twice the batch would take about twice that: stop before the process would
        try:
            example = example_for(batch)
            memory.reset_peak()
            run(example)  # untimed: the allocator grows (and a compiled model meets the shape)
            timings = timing.time_calls(
                lambda example=example: run(example),
                synchronize,
                min_run_time=0.0,
                min_samples=SEARCH_SAMPLES,
            )
        except Exception as error:
            if not _out_of_memory(torch, error):
                raise
            if device.type == "cuda":
                torch.cuda.empty_cache()
            break
        throughput = batch / timings.median
        if throughput > best_throughput:
            best, best_throughput = batch, throughput
        if previous and throughput < previous * BATCH_GROWTH:
            break
        previous = throughput
        peak = memory.peak_bytes()
        if before is not None and peak is not None:
            used = max(peak - before, 0)
        del example
        batch *= 2
    return best


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
    network = models.build(target, weights, pretrained=settings.weights_from == "pretrained")
    build_seconds = time.perf_counter() - started
    quantized = target.module.endswith(".quantization")
    dtype = QUANTIZED_DTYPE if quantized else settings.dtype
    lower = settings.lower_precision and not quantized
    cast = lower and settings.precision == "cast"
    tensor_dtype = getattr(torch, dtype) if cast else torch.float32
    dimensions = len(models.input_shape(target, weights, 1))
    network = network.to(device)
    if cast:
        network = network.to(tensor_dtype)
    if settings.channels_last:
        network = network.to(memory_format=models.memory_format(dimensions))
    cudnn_benchmark, tf32 = _cuda_settings(torch, device)
    synchronize = _synchronizer(torch, device)

    def example_for(batch: int) -> Any:
        shape = models.input_shape(target, weights, batch)
        return models.make_input(target, shape, device, settings.channels_last, tensor_dtype)

    run = (
        torch.compile(network, mode=None if settings.compile == "default" else settings.compile)
        if settings.compile
        else network
    )
    compile_seconds = math.nan
    with (
        torch.inference_mode(),
        _autocast(torch, device, dtype) if lower and not cast else contextlib.nullcontext(),
    ):
        if lower and not cast and not _autocast_enabled(torch, device.type):
            raise RuntimeError(f"autocast to {dtype} did not take effect on {device.type}")
        if settings.compile:
            first = example_for(1 if settings.find_batch else settings.batch_size)
            compile_started = time.perf_counter()
            run(first)
            synchronize()
            compile_seconds = time.perf_counter() - compile_started
            del first
        batch = (
            _best_batch(torch, run, example_for, settings, device, synchronize)
            if settings.find_batch
            else settings.batch_size
        )
        example = example_for(batch)
        for _ in range(settings.warmup):
            run(example)
        synchronize()
        _start_inference(torch, device, cpu_peak)
        rounds = timing.time_steadily(lambda: run(example), synchronize, min_run_time=settings.min_run_time)
        kept = timing.steadier(*rounds)
        peak_mb = _peak_megabytes(torch, device, cpu_peak)
    shape = models.input_shape(target, weights, batch)
    context = environment.run_context(settings.device, environment.device_name(settings.device), settings)
    return {
        "Weight": target.weight,
        "Latency (ms)": f"{kept.median * 1000:.3f}",
        "Latency p90 (ms)": f"{kept.p90 * 1000:.3f}",
        "Spread (%)": f"{kept.spread_percent:.1f}",
        "Samples": str(len(kept.samples)),
        "Throughput (inputs/s)": f"{batch / kept.median:.2f}",
        "Peak memory (MB)": _text(peak_mb, 1),
        "Weights (MB)": f"{memory.weights_megabytes(network):.1f}",
        "Build time (s)": f"{build_seconds:.2f}",
        "Compile time (s)": _text(compile_seconds, 2),
        **context,
        "Batch size": str(batch),
        "Input shape": "x".join(str(side) for side in shape),
        "Dtype": dtype,
        "Precision": "none" if not lower else settings.precision,
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
    if type(error).__name__ == "PretrainedUnavailable":
        return first_line[:300]
    return f"{type(error).__name__}: {first_line}"[:300]


def measure_or_error(request: dict[str, Any]) -> dict[str, str]:
    """The weight's row; a failure is its row's Error, never the run's end."""
    try:
        return measure(request)
    except Exception as error:
        return {"Weight": request["target"]["weight"], "Error": describe_error(error)}


def run_child(request: dict[str, Any], connection: Any, log_path: str) -> None:
    """A forked child: the parent's environment of the moment, output to the weight's log (the run's
    own stdout may be the dashboard's progress stream), the row sent back on `connection`."""
    # What the fork server imported is not garbage: frozen, it is skipped by this child's
    # collections (CpuPeak's takes 0.3 s instead of ms otherwise) and its pages stay shared.
    gc.freeze()
    for key in ENVIRONMENT:
        value = request.get("environment", {}).get(key)
        if value:
            os.environ[key] = value
        else:
            os.environ.pop(key, None)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    connection.send(measure_or_error(request))
    connection.close()


def send_run_context(settings_fields: dict[str, Any], connection: Any) -> None:
    """A forked child: the settings a row of `settings` would record (torch's versions, the device's
    name), for --resume to compare with a file's rows without the parent importing torch."""
    from torchvision_stats.measure import environment
    from torchvision_stats.measure.settings import Settings

    settings = Settings(**settings_fields)
    name = environment.device_name(settings.device)
    connection.send(environment.run_context(settings.device, name, settings))
    connection.close()


def main() -> int:
    print(RESULT_MARKER + json.dumps(measure_or_error(json.loads(sys.argv[1]))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
