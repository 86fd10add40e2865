"""One measuring run at a time per machine: two runs timing at once would each read the other's
load as their own latency. A lock file in the cache folder, held by the run's process for its whole
length and released by the OS when that process ends, however it ends (no stale lock to clear)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

FILE_NAME = "measure.lock"
POLL_SECONDS = 0.5

try:  # POSIX (Linux, macOS)
    import fcntl
except ImportError:  # Windows
    fcntl = None


def _try_lock(handle) -> bool:
    """Take the lock without waiting; False when another process holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    import msvcrt  # only Windows has it

    try:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it ("pid 123 since 2026-12-07T10:00:00Z")."""
    try:
        return path.read_text(encoding="utf-8").strip() or "another run"
    except OSError:
        return "another run"


@contextlib.contextmanager
def machine_lock(folder: Path, on_wait: Callable[[str], None] = lambda holder: None) -> Iterator[None]:
    """Hold this machine's measuring lock; when another run holds it, call `on_wait` with who
    does (once), then wait until it is free."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    with path.open("a+", encoding="utf-8") as handle:
        if not _try_lock(handle):
            on_wait(holder(path))
            while not _try_lock(handle):
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}")
        handle.flush()
        yield
