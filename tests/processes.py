"""The processes a test looks for, read from /proc (Linux): children, process groups, command lines."""

from __future__ import annotations

from pathlib import Path


def _stat_fields(entry: Path) -> list[str] | None:
    """/proc/PID/stat after the command's name (which may hold spaces): state, ppid, pgrp, …"""
    try:
        return (entry / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _pids() -> list[Path]:
    return [entry for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def children_of(parent: int) -> list[int]:
    return [int(entry.name) for entry in _pids() if (_stat_fields(entry) or ["", "0"])[1] == str(parent)]


def descendants_of(parent: int) -> list[int]:
    found, waiting = [], [parent]
    while waiting:
        children = children_of(waiting.pop())
        found += children
        waiting += children
    return found


def group_of(pid: int) -> int | None:
    fields = _stat_fields(Path(f"/proc/{pid}"))
    return int(fields[2]) if fields else None


def group_members(group: int) -> list[int]:
    """Every living process of the process group (a zombie has ended: it is not counted)."""
    return [
        int(entry.name)
        for entry in _pids()
        if (fields := _stat_fields(entry)) and fields[2] == str(group) and fields[0] != "Z"
    ]


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
