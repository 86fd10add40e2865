"""Measurement files: the measure CLI's CSV format, one row per weight — the measured numbers and
what they were measured on — read, checked and written here, and nowhere else.

Rows are appended whole as each weight finishes, so a run that is interrupted keeps what it
measured and can be resumed; every row of one file shares its settings (device, batch size,
dtype, threads, versions …), so a file never mixes runs. A file read from elsewhere (a reference
set, an upload) is checked whole: the exact headers, numbers where numbers belong, a size cap,
weights the docs do not list reported (not dropped), text a spreadsheet would run as a formula
neutralised. A file that fails raises MeasurementFileError, saying why in words.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data import spreadsheet_text
from torchvision_stats.data.cache import write_atomically

COLUMNS = tuple(registry.MEASUREMENT_COLUMNS)
FIRST_COLUMNS = registry.FIRST_MEASUREMENT_COLUMNS
QUANTIZED_DTYPE = "int8"  # quantized weights run in int8 whatever dtype the run asked for
MAX_BYTES = 5_000_000
_NUMERIC = tuple(label for label in COLUMNS if registry.MEASUREMENT_COLUMNS[label].is_number)
LATENCY = registry.LATENCY.label


class MeasurementFileError(ValueError):
    """A measurement file that cannot be read, added to or stored; str() says why, in words."""


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
            raise MeasurementFileError(
                f"{path.name} was written by an earlier version of the measuring tool (fewer columns, "
                "measured another way); start a new file instead of resuming it"
            )
        raise MeasurementFileError(f"{path.name} does not have the columns of a measurement file")
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
            raise MeasurementFileError(
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


def parse(raw: bytes, known_weights: set[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The rows of a measurement CSV, checked; MeasurementFileError saying what is wrong."""
    if len(raw) > MAX_BYTES:
        raise MeasurementFileError(
            f"The file is {len(raw) / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MeasurementFileError("The file is not UTF-8 text; a measurement CSV is.") from error
    rows = list(csv.reader(io.StringIO(text)))
    header = tuple(rows[0]) if rows else ()
    if (
        not set(FIRST_COLUMNS) <= set(header)
        or not set(header) <= set(COLUMNS)
        or len(set(header)) < len(header)
    ):
        raise MeasurementFileError(
            "The file does not have the columns of a measurement CSV (python -m torchvision_stats "
            "measure): Weight, Latency (ms), …, Error."
        )
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if body and not text.endswith(("\n", "\r")) and len(body[-1]) < len(header):
        body.pop()  # a last line cut off mid-row: a run still writing it, or stopped while it did
    if not body:
        raise MeasurementFileError("The file has the right columns but no rows.")
    columns: dict[str, list] = {label: [] for label in COLUMNS}
    failures: list[str] = []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise MeasurementFileError(f"Line {number} has {len(row)} cells instead of {len(header)}.")
        cells = dict(zip(header, row, strict=True))
        values = {}
        for label in COLUMNS:
            cell = cells.get(label, "")  # a column older files lack: missing
            # Text keeps a leading tab or CR, so it is neutralised rather than stripped of it.
            values[label] = (
                _number(cell.strip(), label, number)
                if label in _NUMERIC
                else spreadsheet_text.neutralised(cell.strip(" "))
            )
        why = _inconsistency(values, cells)
        if why:
            failures.append(f"{values['Weight'] or f'line {number}'} ({why})")
            continue
        for label in COLUMNS:
            columns[label].append(values[label])
    if not columns["Weight"]:
        raise MeasurementFileError(f"No row passes the consistency checks: {_listed(failures)}.")
    table = pd.DataFrame(columns)
    problems = []
    if failures:
        problems.append(
            f"{registry.counted(len(failures), 'row')} failed the consistency checks and "
            f"{'is' if len(failures) == 1 else 'are'} not used: {_listed(failures)}."
        )
    if known_weights is not None:
        unknown = [w for w in table["Weight"] if w not in known_weights]
        if unknown:
            problems.append(
                f"{registry.counted(len(unknown), 'weight')} not listed by these docs (kept, not shown): "
                f"{_listed(unknown)}."
            )
    return table, problems


def _listed(items: list[str], shown: int = 5) -> str:
    return ", ".join(items[:shown]) + (f" and {len(items) - shown} more" if len(items) > shown else "")


def _number(cell: str, label: str, line: int) -> float:
    """The cell's number (NaN when empty); a word where a number belongs refuses the file."""
    if not cell:
        return math.nan
    try:
        return float(cell)
    except ValueError:
        raise MeasurementFileError(f"Line {line}: {label} {cell[:20]!r} is not a number.") from None


def _inconsistency(values: dict, cells: dict[str, str]) -> str:
    """Why a measured row cannot be right ("" when it can): numbers that are not positive and
    finite, a p90 below the median, a throughput that is not batch size ÷ latency (within 5 %)."""
    if values["Error"]:
        return ""  # a failed weight's row: nothing measured to check
    for label in _NUMERIC:
        value = values[label]
        written = cells.get(label, "").strip()
        if written and not (math.isfinite(value) and value >= 0):
            return f"{label} {written[:20]} is not a positive finite number"
    latency, p90 = values[LATENCY], values[registry.LATENCY_P90.label]
    if not latency > 0:
        return f"{LATENCY} is missing or zero"
    if p90 == p90 and p90 < latency:
        return f"p90 {p90:g} is below the median {latency:g}"
    batch, throughput = values["Batch size"], values[registry.THROUGHPUT.label]
    if batch == batch and throughput == throughput:
        expected = batch / latency * 1000
        if abs(throughput - expected) > 0.05 * expected:
            return f"throughput {throughput:g} is not batch size ÷ latency ({expected:.4g})"
    return ""


def run_settings(table: pd.DataFrame) -> dict[str, str]:
    """Each run setting's most common value over the measured rows (int8 rows of quantized weights
    aside: their dtype is their own, whatever the run's)."""
    measured = table[(table["Error"] == "") & (table["Dtype"] != "int8")]
    settings = {}
    for label in registry.RUN_SETTINGS:
        values = measured[label].dropna().astype(str) if label in measured.columns else pd.Series(dtype=str)
        settings[label] = str(values.mode().iloc[0]) if not values.empty else ""
    return settings


def serialised(table: pd.DataFrame) -> bytes:
    """A validated table as a measurement CSV: what is stored and downloaded, so what a spreadsheet
    opens is the checked table (formula-like text prefixed), never the bytes that were uploaded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # lines end in CRLF, so a CR inside a cell is quoted, never a line end
    writer.writerow(COLUMNS)
    for row in table[list(COLUMNS)].itertuples(index=False):
        writer.writerow(
            [
                "" if isinstance(value, float) and value != value
                else f"{value:.0f}" if registry.MEASUREMENT_COLUMNS[label].dtype is registry.Dtype.WHOLE
                else f"{value:.10g}" if isinstance(value, float)
                else value
                for label, value in zip(COLUMNS, row, strict=True)
            ]
        )  # fmt: skip
    return buffer.getvalue().encode("utf-8")
