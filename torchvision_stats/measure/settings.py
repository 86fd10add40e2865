"""How a run measures: one value per setting, shared by the CLI, the dashboard's background run and
the worker, and the command-line options that carry them to a child process (no torch here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from torchvision_stats.measure.environment import physical_cores

DTYPES = ("float32", "bfloat16", "float16")


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


def command_line(settings: Settings) -> list[str]:
    """The measure command's options that give exactly `settings` (the dashboard's child run)."""
    return [
        "--device", settings.device,
        "--batch-size", str(settings.batch_size),
        "--threads", str(settings.threads),
        "--dtype", settings.dtype,
        *(["--channels-last"] if settings.channels_last else []),
        "--min-run-time", repr(settings.min_run_time),
        "--warmup", str(settings.warmup),
        "--timeout", repr(settings.timeout_s),
    ]  # fmt: skip
