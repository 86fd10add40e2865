"""Measure many weights, one child process each, appending each row as it finishes.

The parent never imports torch: it plans which weights to measure from the docs tables, starts
`python -m torchvision_stats.measure.worker` for each, and writes the row it prints (or, when the
child dies, times out or prints nothing, a row whose Error says so).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data import measurements
from torchvision_stats.measure.settings import Settings
from torchvision_stats.measure.target import Target
from torchvision_stats.measure.worker import RESULT_MARKER
from torchvision_stats.questions import analysis

QUANTIZED = registry.QUANTIZED


def plan(
    tables: Mapping[str, pd.DataFrame], category: str | None, pattern: str | None, device: str
) -> tuple[list[Target], list[str]]:
    """The weights to measure, in docs order, and notes on what was left out and why.

    `pattern` is searched in the weight name (RE2, case-insensitive); analysis.InvalidSearch when
    it cannot be run. Quantized weights run on the CPU only, so other devices leave them out.
    """
    compiled = analysis.compile_search(pattern) if pattern else None
    targets, notes = [], []
    for slug, table in tables.items():
        if category and slug != category:
            continue
        if slug == QUANTIZED and device != "cpu":
            notes.append(f"{len(table)} quantized weights left out: they run on the CPU only.")
            continue
        for row in table.itertuples(index=False):
            weight, model, module = row.Weight, row.Model, row.Module
            if compiled is not None and compiled.search(weight) is None:
                continue
            if not model or not module:
                notes.append(f"{weight} left out: the docs do not link its builder.")
                continue
            targets.append(Target(weight, model, module, slug))
    return targets, notes


def _failure(process: subprocess.CompletedProcess | None, timeout_s: float | None = None) -> str:
    if process is None:
        return f"did not finish within {timeout_s:g} s; stopped"
    if process.returncode < 0:
        name = signal.Signals(-process.returncode).name
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"the measuring process was killed by {name}{hint}"
    tail = (process.stderr or "").strip().splitlines()[-1:] or ["no output"]
    return f"the measuring process ended with code {process.returncode}: {tail[0][:200]}"


def measure_one(target: Target, settings: Settings) -> dict[str, str]:
    """One weight measured in a child process: its CSV row, Error filled when it failed."""
    request = {"target": asdict(target), "settings": asdict(settings)}
    command = [sys.executable, "-m", "torchvision_stats.measure.worker", json.dumps(request)]
    try:
        # Threads are set by the worker (torch.set_num_threads, the Timer's num_threads), as a plain
        # script would: an OMP_NUM_THREADS here made some models read slower than a plain run.
        process = subprocess.run(command, capture_output=True, text=True, timeout=settings.timeout_s)
    except subprocess.TimeoutExpired:
        return {"Weight": target.weight, "Error": _failure(None, settings.timeout_s)}
    for line in reversed(process.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            return json.loads(line[len(RESULT_MARKER) :])
    return {"Weight": target.weight, "Error": _failure(process)}


@dataclass
class RunSummary:
    measured: int = 0
    failed: int = 0
    skipped: int = 0  # already in the file (--resume)


def run(
    targets: list[Target],
    settings: Settings,
    out: Path,
    *,
    resume: bool = False,
    on_start: Callable[[Target], None] = lambda target: None,
    on_done: Callable[[Target, dict[str, str]], None] = lambda target, row: None,
) -> RunSummary:
    """Measure each target in turn, appending its row to `out` as soon as it is known. Resumed, the
    weights `out` holds a good row for are kept and the failed ones measured again (their Error
    rows replaced)."""
    measurements.repair_torn_tail(out)
    done = set(measurements.measured_weights(out)) if resume else set()
    if resume:
        measurements.drop_failed(out, {target.weight for target in targets} - done)
    summary = RunSummary(skipped=sum(target.weight in done for target in targets))
    for target in targets:
        if target.weight in done:
            continue
        on_start(target)
        row = measure_one(target, settings)
        measurements.append_row(out, row)
        if row.get("Error"):
            summary.failed += 1
        else:
            summary.measured += 1
        on_done(target, row)
    return summary
