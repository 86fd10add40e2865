"""A measuring run in the background of a server: one child process running the measure CLI,
its progress read line by line from its output, cancellable. No torch here: the server holds one
of these and asks it how far the run has come."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from torchvision_stats.measure.settings import Settings, command_line

CANCEL_GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class Progress:
    running: bool = False
    done: int = 0
    total: int = 0
    current: str = ""  # the weight being measured
    failed: int = 0
    started_at: float = 0.0  # time.monotonic()
    set_id: str = ""
    outcome: str = ""  # when it ended: finished, cancelled, or why it failed
    waiting_for: str = ""  # another run holds this machine: who ("pid 123 since …"); "" once it starts

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started_at if self.started_at else 0.0

    @property
    def eta_s(self) -> float | None:
        """Time left at the pace so far; None before the first weight is done."""
        if not self.done or self.total <= self.done:
            return None
        return self.elapsed_s / self.done * (self.total - self.done)


def exact_names(weights: list[str]) -> str:
    """A pattern (for --weights) that finds exactly these weight names."""
    return "^(" + "|".join(re.escape(weight) for weight in weights) + ")$"


def command(weights: list[str], settings: Settings, out: Path, version: str) -> list[str]:
    """The child's command line: the measure CLI with every setting of the run."""
    return [
        sys.executable, "-m", "torchvision_stats", "measure",
        "--weights", exact_names(weights),
        *command_line(settings),
        "--version", version,
        "--progress", "json",
        "--out", str(out),
    ]  # fmt: skip


class BackgroundRun:
    """At most one run at a time; thread-safe; shared by every session of a server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._progress = Progress()
        self._cancelled = False

    def status(self) -> Progress:
        with self._lock:
            return self._progress

    @property
    def process_group(self) -> int | None:
        """The process group of the last run (the CLI, its fork server and workers)."""
        with self._lock:
            return self._process.pid if self._process is not None else None

    def start(
        self,
        weights: list[str],
        settings: Settings,
        out: Path,
        set_id: str,
        version: str,
        on_end: Callable[[Progress], None] = lambda progress: None,
    ) -> bool:
        """Start a run unless one is running; False when one is. `on_end` gets the final progress
        when the run ends, however it ends (in the thread that follows it)."""
        with self._lock:
            if self._progress.running:
                return False
            self._cancelled = False
            self._process = subprocess.Popen(
                command(weights, settings, out, version),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,  # its own process group: cancel stops the run and its worker
            )
            self._progress = Progress(True, 0, len(weights), "", 0, time.monotonic(), set_id)
        threading.Thread(
            target=self._follow, args=(self._process, on_end), daemon=True, name="measure-run"
        ).start()
        return True

    def _follow(self, process: subprocess.Popen, on_end: Callable[[Progress], None]) -> None:
        for line in process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                failed = self._progress.failed + (1 if event.get("error") else 0)
                self._progress = replace(
                    self._progress,
                    waiting_for=str(event.get("holder", "")) if event.get("event") == "waiting" else "",
                    done=int(event.get("done", self._progress.done)),
                    total=int(event.get("total", self._progress.total)),
                    current=str(event.get("weight", "")) if event.get("event") == "measuring" else "",
                    failed=failed,
                )
        returncode = process.wait()
        errors = (process.stderr.read() or "").strip().splitlines()
        with self._lock:
            if self._cancelled:
                outcome = "cancelled"
            elif returncode == 0:
                outcome = "finished"
            else:
                outcome = (errors[-1] if errors else f"the run ended with code {returncode}").removeprefix(
                    "error: "
                )
            self._progress = replace(self._progress, running=False, current="", outcome=outcome)
            ended = self._progress
        on_end(ended)

    def cancel(self) -> None:
        """Stop the run, its fork server and the weight it is measuring (the whole process group,
        SIGKILL after a grace period); returns once none of them is left. Rows already written stay."""
        with self._lock:
            process, self._cancelled = self._process, True
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        if not _group_ends(process, CANCEL_GRACE_SECONDS):
            os.killpg(process.pid, signal.SIGKILL)
            _group_ends(process, CANCEL_GRACE_SECONDS)


def _group_ends(process: subprocess.Popen, seconds: float) -> bool:
    """Wait until no process of `process`'s group is left; False when some still is after `seconds`."""
    deadline = time.monotonic() + seconds
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=seconds)  # the run itself, reaped
    while True:
        try:
            os.killpg(process.pid, 0)  # raises once the group is empty
        except ProcessLookupError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
