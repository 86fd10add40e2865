"""Per-call latency: single forward passes timed one by one, each synchronised on its device, and
the statistics a performance engineer reads from them (median, 90th percentile, spread).

torch.utils.benchmark.Timer wraps the standard library's timeit with a synchronising clock; its
own entry points time blocks of calls (blocked_autorange averages many calls per block, so a
percentile over blocks is not one over calls) or pad each timeit(1) with two untimed calls. Per-call
samples therefore use timeit itself, with a clock that synchronises the device on every torch
version: the same mechanism, one call per sample. Imports nothing heavy: the statistics are
tested without torch.
"""

from __future__ import annotations

import statistics
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass

from torchvision_stats import registry

MIN_SAMPLES = 20
MAX_SAMPLES = 10_000  # a tiny model on a GPU: enough for stable percentiles, bounded memory


@dataclass(frozen=True)
class Timings:
    """Seconds per call, in the order they were timed."""

    samples: tuple[float, ...]

    def _percentile(self, percent: int) -> float:
        if len(self.samples) == 1:
            return self.samples[0]
        # "inclusive": linear between order statistics, as numpy.percentile's default.
        return statistics.quantiles(self.samples, n=100, method="inclusive")[percent - 1]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p90(self) -> float:
        return self._percentile(90)

    @property
    def spread_percent(self) -> float:
        """The interquartile range over the median, in percent."""
        return (self._percentile(75) - self._percentile(25)) / self.median * 100

    @property
    def noisy(self) -> bool:
        return registry.is_noisy(self.spread_percent)


def synchronised_clock(synchronize: Callable[[], None]) -> Callable[[], float]:
    """A timer that waits for the device's queued work before reading the time: a GPU call
    returns before its kernels finish, so an unsynchronised clock times only the launch."""

    def clock() -> float:
        synchronize()
        return time.perf_counter()

    return clock


def time_calls(
    call: Callable[[], object],
    synchronize: Callable[[], None],
    *,
    min_run_time: float,
    min_samples: int = MIN_SAMPLES,
    max_samples: int = MAX_SAMPLES,
) -> Timings:
    """Time `call` once per sample: at least `min_samples` samples, more until `min_run_time`
    seconds have been timed (at most `max_samples`). timeit turns the garbage collector off while
    it times, as torch.utils.benchmark does."""
    timer = timeit.Timer(call, timer=synchronised_clock(synchronize))
    samples: list[float] = []
    timed = 0.0
    while len(samples) < min_samples or (timed < min_run_time and len(samples) < max_samples):
        sample = timer.timeit(number=1)
        samples.append(sample)
        timed += sample
    return Timings(tuple(samples))


def steadier(*rounds: Timings) -> Timings:
    """Of the rounds of one weight, the one with the smallest spread (the first of equals)."""
    return min(rounds, key=lambda timings: timings.spread_percent)


def time_steadily(
    call: Callable[[], object], synchronize: Callable[[], None], *, min_run_time: float
) -> list[Timings]:
    """One round of time_calls; a second when the first is noisy (a spread over the limit). The
    rounds timed: keep `steadier` of them."""
    rounds = [time_calls(call, synchronize, min_run_time=min_run_time)]
    if rounds[0].noisy:
        rounds.append(time_calls(call, synchronize, min_run_time=min_run_time))
    return rounds
