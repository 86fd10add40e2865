"""Measure many weights, one child process each, appending each row as it finishes.

The parent never imports torch: it plans which weights to measure from the docs tables, has a
child forked for each from a server that imported torch once, and writes the row the child sends
back (or, when the child dies, times out or sends nothing, a row whose Error says so).
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import multiprocessing.connection
import os
import signal
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data import measurement_file
from torchvision_stats.measure.settings import Settings
from torchvision_stats.measure.target import Target
from torchvision_stats.measure.worker import ENVIRONMENT, run_child, send_run_context
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


EXIT_SECONDS = 30.0  # a child that has sent its row gets this long to end
# Imported once by the fork server, so each weight's child starts with torch loaded (~4 s saved).
PRELOAD = [
    "torch",
    "torchvision",
    "torchvision.models",
    "torchvision_stats.measure.model",
    "torchvision_stats.measure.worker",
]


@functools.cache
def forked_processes() -> multiprocessing.context.BaseContext:
    """Where each weight's child comes from: forked from one server process that imported torch
    and torchvision once (POSIX), else a fresh interpreter (Windows). Either way a fresh process per
    weight: a crash or an out-of-memory kill is one row, and memory comes back when it exits."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _failure(exitcode: int | None, log: Path) -> str:
    """Why a child gave no row: the signal that killed it, or its exit code and last words."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"the measuring process was killed by {name}{hint}"
    try:
        words = log.read_text(errors="replace").strip().splitlines()[-1:]
    except OSError:
        words = []
    return f"the measuring process ended with code {exitcode}: {(words or ['no output'])[0][:200]}"


def measure_one(
    target: Target, settings: Settings, processes: multiprocessing.context.BaseContext | None = None
) -> dict[str, str]:
    """One weight measured in a child process: its CSV row, Error filled when it failed. The child
    comes from `processes` (default: forked_processes; a benchmark may ask for spawn's fresh
    interpreter, as the first engine ran each weight)."""
    context = processes or forked_processes()
    request = {
        "target": asdict(target),
        "settings": asdict(settings),
        "environment": {key: os.environ.get(key, "") for key in ENVIRONMENT},
    }
    receiving, sending = context.Pipe(duplex=False)
    with tempfile.TemporaryDirectory(prefix="tvstats-worker-") as folder:
        log = Path(folder) / "output.log"
        # Threads are set by the worker (torch.set_num_threads), as a plain script would: an
        # OMP_NUM_THREADS here made some models read slower than a plain run.
        child = context.Process(target=run_child, args=(request, sending, str(log)), daemon=True)
        child.start()
        sending.close()
        # Whichever comes first: the row, or the child's end (a crash or a kill sends nothing).
        ready = multiprocessing.connection.wait([receiving, child.sentinel], timeout=settings.timeout_s)
        row = None
        if receiving in ready:
            with contextlib.suppress(EOFError):  # the pipe closed without a row: the child is ending
                row = receiving.recv()
        receiving.close()
        if not ready:
            child.kill()
            child.join()
            return {
                "Weight": target.weight,
                "Error": f"did not finish within {settings.timeout_s:g} s; stopped",
            }
        child.join(EXIT_SECONDS)  # its exit code, once the fork server has reported it
        if child.is_alive():  # it sent its row (or closed the pipe) but does not end
            child.kill()
            child.join()
        return row if row is not None else {"Weight": target.weight, "Error": _failure(child.exitcode, log)}


def planned_context(settings: Settings) -> dict[str, str]:
    """The run settings each row of a run with `settings` will record (environment.run_context),
    as a child of the fork server sees them: this process never imports torch."""
    context = forked_processes()
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=send_run_context, args=(asdict(settings), sending), daemon=True)
    child.start()
    sending.close()
    try:
        answer = receiving.recv()
    except EOFError:  # it died before answering (torch cannot be imported, say)
        answer = None
    finally:
        receiving.close()
        child.join()
    if answer is None:
        raise RuntimeError(f"the measuring process ended with code {child.exitcode} before answering")
    return answer


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
    processes: multiprocessing.context.BaseContext | None = None,
) -> RunSummary:
    """Measure each target in turn, appending its row to `out` as soon as it is known. Resumed, the
    weights `out` holds a good row for are kept and the failed ones measured again (their Error
    rows replaced). `processes`: as measure_one."""
    measurement_file.repair_torn_tail(out)
    done = set(measurement_file.measured_weights(out)) if resume else set()
    if resume:
        measurement_file.drop_failed(out, {target.weight for target in targets} - done)
    summary = RunSummary(skipped=sum(target.weight in done for target in targets))
    for target in targets:
        if target.weight in done:
            continue
        on_start(target)
        row = measure_one(target, settings, processes)
        measurement_file.append_row(out, row)
        if row.get("Error"):
            summary.failed += 1
        else:
            summary.measured += 1
        on_done(target, row)
    return summary
