"""Measurement CSV files (``python -m torchvision_stats measure``): one row per weight, the measured
numbers and what they were measured on. Rows are appended as each weight finishes, so a run that is
interrupted keeps what it measured and can be resumed."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from torchvision_stats import registry

COLUMNS = tuple(registry.MEASUREMENT_COLUMNS)


class NotAMeasurementFile(ValueError):
    """The file is not a measurement CSV; str() says why, in words."""


def measured_weights(path: Path) -> list[str]:
    """The weights a measurement file already holds (for --resume); [] when it does not exist."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return []
        if tuple(header) != COLUMNS:
            raise NotAMeasurementFile(f"{path.name} does not have the columns of a measurement file")
        return [row[0] for row in reader if row]


def append_row(path: Path, row: dict[str, str]) -> None:
    """Add one row, writing the header first when the file is new; on disk before it returns."""
    new = not path.exists() or path.stat().st_size == 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        if new:
            writer.writeheader()
        writer.writerow({column: row.get(column, "") for column in COLUMNS})
        handle.flush()
        os.fsync(handle.fileno())
