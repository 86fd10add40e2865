"""Per-call latency statistics and the timing loop, without torch: percentiles against numpy's,
the sample count rules, a synchronised clock around every call, a noisy round timed again; the
CPU's peak memory; the run's settings carried whole to a child's command line."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import fields

import numpy as np
import pytest

from torchvision_stats import registry
from torchvision_stats.measure import timing
from torchvision_stats.measure.timing import Timings

SAMPLES = (0.012, 0.010, 0.011, 0.030, 0.010, 0.013, 0.011, 0.012, 0.010, 0.019, 0.011, 0.012)


def test_median_p90_and_spread_are_those_of_the_single_calls():
    timings = Timings(SAMPLES)
    assert timings.median == pytest.approx(np.median(SAMPLES))
    assert timings.p90 == pytest.approx(np.percentile(SAMPLES, 90))
    q25, q75 = np.percentile(SAMPLES, [25, 75])
    assert timings.spread_percent == pytest.approx((q75 - q25) / np.median(SAMPLES) * 100)


def test_noisy_means_a_spread_over_ten_percent():
    assert registry.NOISY_SPREAD_PERCENT == 10
    assert not Timings((1.0, 1.0, 1.0, 1.0)).noisy
    assert Timings((1.0, 1.0, 1.5, 1.5)).noisy
    assert registry.timing_mark(float("nan")) == ""
    assert registry.timing_mark(10.0) == "steady"
    assert registry.timing_mark(14.25) == "⚠ noisy (spread 14.2 %)"


def test_at_least_twenty_calls_and_more_while_the_run_time_lasts():
    calls = []
    quick = timing.time_calls(lambda: calls.append(1), lambda: None, min_run_time=0.0)
    assert len(quick.samples) == timing.MIN_SAMPLES == len(calls)
    slept = timing.time_calls(lambda: time.sleep(0.002), lambda: None, min_run_time=0.1)
    assert 40 <= len(slept.samples) <= 60  # about 0.1 s of 2 ms calls
    assert all(sample >= 0.002 for sample in slept.samples)  # one call per sample, not a block mean
    capped = timing.time_calls(lambda: None, lambda: None, min_run_time=10.0, max_samples=500)
    assert len(capped.samples) == 500


def test_every_call_is_timed_between_two_synchronisations():
    events = []

    def call():
        events.append("call")

    def synchronize():
        events.append("sync")

    timing.time_calls(call, synchronize, min_run_time=0.0)
    assert events == ["sync", "call", "sync"] * timing.MIN_SAMPLES


def test_a_synchronisation_that_waits_is_part_of_the_time():
    """A GPU call returns before its kernels finish: the time that matters ends when they do."""
    done = timing.time_calls(lambda: None, lambda: time.sleep(0.003), min_run_time=0.0)
    assert min(done.samples) >= 0.003


def test_a_noisy_round_is_timed_again_and_the_steadier_kept():
    durations = iter([0.001, 0.004] * 10 + [0.002] * 20)  # a noisy round, then a steady one
    rounds = timing.time_steadily(lambda: time.sleep(next(durations)), lambda: None, min_run_time=0.0)
    assert len(rounds) == 2 and rounds[0].noisy and not rounds[1].noisy
    assert timing.steadier(*rounds) is rounds[1]
    steady = timing.time_steadily(lambda: time.sleep(0.002), lambda: None, min_run_time=0.0)
    assert len(steady) == 1 and not steady[0].noisy


# Run in a fresh interpreter, as the engine runs CpuPeak (in each weight's own child): in the test
# process, threads and allocators of earlier tests free memory at any moment, and a process that
# falls below its baseline would read 0 whatever the code does.
CPU_PEAK = """
import gc
from torchvision_stats.measure import memory


class Cycle:
    pass


def leave_cyclic_garbage(size):
    # Garbage only the cycle collector frees (as a previous model's graph can be).
    first, second = Cycle(), Cycle()
    first.other, second.other = second, first
    first.payload = bytearray(size)


gc.disable()  # the garbage stays until a collection, as in a long-lived process
leave_cyclic_garbage(400_000_000)
gc.enable()
peak = memory.CpuPeak()
gc.collect()  # a collection during the build frees the garbage: the baseline must not count it
build_temporaries = bytearray(300_000_000)  # zero-filled: resident, like a build's temporaries
del build_temporaries
peak.start_inference()
activations = bytearray(60_000_000)
print(peak.megabytes())
"""


def test_the_cpu_peak_is_the_inferences_own_not_the_builds():
    done = subprocess.run([sys.executable, "-c", CPU_PEAK], capture_output=True, text=True, check=True)
    measured = float(done.stdout)
    assert 55 <= measured < 150, measured  # without the reset over 300; without the collection 0


def test_the_run_settings_round_trip_through_the_childs_command_line(tmp_path):
    """Every field of the settings reaches the CLI the dashboard starts (none left at its default)."""
    from torchvision_stats import cli
    from torchvision_stats.measure import command, job
    from torchvision_stats.measure.settings import Settings

    fixed = Settings(
        device="cuda",
        batch_size=8,
        threads=3,
        dtype="bfloat16",
        channels_last=True,
        min_run_time=1.25,
        warmup=7,
        timeout_s=99.5,
        precision="cast",
        compile="max-autotune",
        weights_from="pretrained",
    )
    searching = Settings(find_batch=True, max_batch=64, compile="default", dtype="float16")
    defaults = Settings()
    for field in fields(Settings):  # between them, every field away from its default
        assert getattr(defaults, field.name) not in (
            getattr(fixed, field.name),
            getattr(searching, field.name),
        ) or (getattr(fixed, field.name) != getattr(searching, field.name)), field.name
    for chosen in (fixed, searching):
        line = job.command(["AlexNet_Weights.IMAGENET1K_V1"], chosen, tmp_path / "run.csv", "0.20")
        assert line[:4] == [sys.executable, "-m", "torchvision_stats", "measure"]
        parsed = cli._parser().parse_args(line[3:])
        assert command.settings_from(parsed) == chosen
    assert (parsed.version, parsed.out, parsed.progress) == ("0.20", tmp_path / "run.csv", "json")
