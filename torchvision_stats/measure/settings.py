"""How a run measures: one value per setting, shared by the CLI, the dashboard's background run and
the worker, and the command-line options that carry them to a child process (no torch here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from torchvision_stats.measure.environment import physical_cores

DTYPES = ("float32", "bfloat16", "float16")
# How a lower-precision dtype is applied: autocast (float32 weights, ops run in the dtype where
# autocast deems it safe) or cast (weights and input converted, as deployments do).
PRECISIONS = ("autocast", "cast")
COMPILE_MODES = ("default", "reduce-overhead", "max-autotune")  # torch.compile's modes
WEIGHT_SOURCES = ("random", "pretrained")
MAX_BATCH = 256
SEARCH_SAMPLES = (
    3  # single calls timed at each batch size while --batch-size max searches (after one untimed)
)


@dataclass(frozen=True)
class Settings:
    device: str = "cpu"
    batch_size: int = 1
    threads: int = field(default_factory=physical_cores)  # torch's own default: the physical cores
    dtype: str = "float32"
    channels_last: bool = False
    min_run_time: float = 0.5  # seconds of timed calls per weight, at least timing.MIN_SAMPLES calls
    warmup: int = 3  # untimed calls first: lazy initialisation, allocator, cuDNN's algorithm search
    timeout_s: float = 1800.0  # per weight, build and warm-up included
    precision: str = "autocast"  # for bfloat16/float16: PRECISIONS
    compile: str | None = None  # a torch.compile mode of COMPILE_MODES; None: eager
    find_batch: bool = False  # --batch-size max: the batch of the best throughput, up to max_batch
    max_batch: int = MAX_BATCH
    weights_from: str = "random"  # WEIGHT_SOURCES: the builder's initial values, or the real state dict

    @property
    def lower_precision(self) -> bool:
        return self.dtype in ("bfloat16", "float16")


def command_line(settings: Settings) -> list[str]:
    """The measure command's options that give exactly `settings` (the dashboard's child run)."""
    return [
        "--device", settings.device,
        "--batch-size", "max" if settings.find_batch else str(settings.batch_size),
        "--max-batch", str(settings.max_batch),
        "--threads", str(settings.threads),
        "--dtype", settings.dtype,
        "--precision", settings.precision,
        *(["--channels-last"] if settings.channels_last else []),
        *(["--compile", settings.compile] if settings.compile else []),
        "--weights-from", settings.weights_from,
        "--min-run-time", repr(settings.min_run_time),
        "--warmup", str(settings.warmup),
        "--timeout", repr(settings.timeout_s),
    ]  # fmt: skip
