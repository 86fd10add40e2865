"""Measurement CSV files (``python -m torchvision_stats measure``): one row per weight, the measured
numbers and what they were measured on. Rows are appended whole as each weight finishes, so a run
that is interrupted keeps what it measured and can be resumed; every row of one file shares its
settings (device, batch size, dtype, threads, versions …), so a file never mixes runs."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Mapping
from pathlib import Path

from torchvision_stats import registry
from torchvision_stats.data.cache import write_atomically

COLUMNS = tuple(registry.MEASUREMENT_COLUMNS)
FIRST_COLUMNS = registry.FIRST_MEASUREMENT_COLUMNS
QUANTIZED_DTYPE = "int8"  # quantized weights run in int8 whatever dtype the run asked for


class NotAMeasurementFile(ValueError):
    """The file is not a measurement CSV, or not one this run may add to; str() says why, in words."""


def repair_torn_tail(path: Path) -> bool:
    """Cut a last line that has no newline (a run killed while writing it), so the next row starts
    on a line of its own instead of merging with the torn one; True when something was cut."""
    if not path.exists():
        return False
    with path.open("rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return False
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return False
        keep = 0
        position = size
        while position > 0:  # the last newline, read backwards in blocks
            start = max(0, position - 65536)
            handle.seek(start)
            block = handle.read(position - start)
            found = block.rfind(b"\n")
            if found >= 0:
                keep = start + found + 1
                break
            position = start
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None) or []
        return header, [dict(zip(header, row, strict=False)) for row in reader if row]


def _checked(path: Path) -> list[dict[str, str]]:
    """The file's rows, refusing a file this version of the tool must not add to."""
    header, rows = _rows(path)
    if header and tuple(header) != COLUMNS:
        if set(FIRST_COLUMNS) <= set(header) <= set(COLUMNS):
            raise NotAMeasurementFile(
                f"{path.name} was written by an earlier version of the measuring tool (fewer columns, "
                "measured another way); start a new file instead of resuming it"
            )
        raise NotAMeasurementFile(f"{path.name} does not have the columns of a measurement file")
    return rows


def measured_weights(path: Path) -> list[str]:
    """The weights a measurement file holds a good row for (what --resume keeps); [] when the file
    does not exist. Weights whose row has an Error are left out: a resumed run tries them again."""
    if not path.exists():
        return []
    return [row["Weight"] for row in _checked(path) if not row.get("Error")]


def file_settings(path: Path) -> dict[str, str]:
    """The settings the file's measured rows share (registry.RUN_SETTINGS; an int8 row's dtype and
    precision are its own); {} for a file that does not exist or has no measured row."""
    if not path.exists():
        return {}
    measured = [row for row in _checked(path) if not row.get("Error")]
    settings: dict[str, str] = {}
    for label in registry.RUN_SETTINGS:
        rows = measured
        if label in registry.QUANTIZED_OWN_SETTINGS:
            rows = [row for row in measured if row.get("Dtype") != QUANTIZED_DTYPE]
        values = {row.get(label, "") for row in rows}
        if len(values) > 1:
            raise NotAMeasurementFile(
                f"{path.name} already mixes runs: its rows differ in {label} ({', '.join(sorted(values))})"
            )
        if values:
            settings[label] = values.pop()
    return settings


def differences(existing: Mapping[str, str], planned: Mapping[str, str]) -> list[str]:
    """How a planned run's settings differ from a file's, in words ("Batch size: the file has 1,
    this run 2"); [] when they agree on every setting both name."""
    return [
        f"{label}: the file has {existing[label]}, this run {planned[label]}"
        for label in registry.RUN_SETTINGS
        if label in existing and label in planned and existing[label] != planned[label]
    ]


def drop_failed(path: Path, weights: set[str]) -> int:
    """Remove the Error rows of `weights` (about to be measured again), atomically; how many."""
    if not path.exists():
        return 0
    header, rows = _rows(path)
    kept = [row for row in rows if not (row.get("Error") and row["Weight"] in weights)]
    if len(kept) == len(rows):
        return 0
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    write_atomically(path, buffer.getvalue().encode("utf-8"))
    return len(rows) - len(kept)


def append_row(path: Path, row: Mapping[str, str]) -> None:
    """Add one row, whole, writing the header first when the file is new; on disk before it
    returns. A torn last line left by a killed run is cut first, never merged with this row."""
    repair_torn_tail(path)
    new = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    if new:
        writer.writeheader()
    writer.writerow({column: row.get(column, "") for column in COLUMNS})
    with path.open("a", newline="", encoding="utf-8") as handle:
        handle.write(buffer.getvalue())  # one write: the row lands whole or, killed, torn at the end
        handle.flush()
        os.fsync(handle.fileno())
