"""Measurement sets: a measurement CSV (the measure CLI's format) with what it was measured on.

Sets come from three places: the reference sets shipped in the package, a run started from the
dashboard, and an uploaded CSV. Stored ones live in the cache folder under measurements/, one CSV
and one small JSON (its name and source) each. Every set is validated when it is read: the exact
headers, numbers where numbers belong, a size cap, weights the docs do not list reported (not
dropped), text a spreadsheet would run as a formula neutralised. A file that fails gets a message
in words and nothing is stored.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data.cache import Cache
from torchvision_stats.data.dataset import WeightTables
from torchvision_stats.data.measurements import COLUMNS, FIRST_COLUMNS

MAX_BYTES = 5_000_000
MAX_STORED = 50  # runs and uploads kept in the cache folder; a shared server's disk is not unbounded
FOLDER = "measurements"
SOURCES = ("reference", "run", "upload")
_REFERENCES = resources.files("torchvision_stats.data") / "reference_speed"
_NUMBERS = tuple(
    label for label in COLUMNS if isinstance(registry.MEASUREMENT_COLUMNS[label], registry.Metric)
)
_WHOLE_NUMBERS = ("Batch size", "Threads", "Samples")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ID = re.compile(r"[^a-z0-9]+")


class InvalidMeasurements(ValueError):
    """A measurement file that cannot be used; str() says why, in words."""


@dataclass(frozen=True)
class SetInfo:
    id: str  # the file's stem; the URL key `speed` holds it
    label: str  # what people see
    source: str  # reference, run or upload
    device: str = ""
    device_name: str = ""
    threads: str = ""
    dtype: str = ""
    batch_size: str = ""
    torch: str = ""
    measured_at: str = ""  # the last row's time, ISO UTC
    rows: int = 0
    note: str = ""  # what a reference set's description says of how it was measured

    def describe(self) -> str:
        """What it was measured on, e.g. "AMD EPYC (cpu) · batch 1 · float32 · 2 threads · torch 2.14.1"."""
        parts = [f"{self.device_name} ({self.device})", f"batch {self.batch_size}", self.dtype]
        if self.device == "cpu":
            parts.append(f"{self.threads} threads")
        parts.append(f"torch {self.torch}")
        return " · ".join(part for part in parts if part.strip())


@dataclass
class MeasurementSet:
    info: SetInfo
    table: pd.DataFrame  # the CSV's columns; numbers float (NaN when empty), the rest str
    problems: list[str] = field(default_factory=list)  # e.g. weights the docs do not list


def _neutralised(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def parse(raw: bytes, known_weights: set[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The rows of a measurement CSV, checked; InvalidMeasurements saying what is wrong."""
    if len(raw) > MAX_BYTES:
        raise InvalidMeasurements(
            f"The file is {len(raw) / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidMeasurements("The file is not UTF-8 text; a measurement CSV is.") from error
    rows = list(csv.reader(io.StringIO(text)))
    header = tuple(rows[0]) if rows else ()
    if (
        not set(FIRST_COLUMNS) <= set(header)
        or not set(header) <= set(COLUMNS)
        or len(set(header)) < len(header)
    ):
        raise InvalidMeasurements(
            "The file does not have the columns of a measurement CSV (python -m torchvision_stats "
            "measure): Weight, Latency (ms), …, Error."
        )
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if body and not text.endswith(("\n", "\r")) and len(body[-1]) < len(header):
        body.pop()  # a last line cut off mid-row: a run still writing it, or stopped while it did
    if not body:
        raise InvalidMeasurements("The file has the right columns but no rows.")
    columns: dict[str, list] = {label: [] for label in COLUMNS}
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise InvalidMeasurements(f"Line {number} has {len(row)} cells instead of {len(header)}.")
        cells = dict(zip(header, row, strict=True))
        for label in COLUMNS:
            cell = cells.get(label, "").strip()  # a column older files lack: missing
            if label in _NUMBERS or label in _WHOLE_NUMBERS:
                columns[label].append(_number(cell, label, number))
            else:
                columns[label].append(_neutralised(cell))
    table = pd.DataFrame(columns)
    problems = []
    if known_weights is not None:
        unknown = [w for w in table["Weight"] if w not in known_weights]
        if unknown:
            shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            problems.append(
                f"{len(unknown)} weights are not listed by these docs (kept, not shown): {shown}."
            )
    return table, problems


def _number(cell: str, label: str, line: int) -> float:
    if not cell:
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InvalidMeasurements(f"Line {line}: {label} {cell[:20]!r} is not a number.")
    return value


def _context(table: pd.DataFrame) -> dict[str, str]:
    """What the set was measured on, from its measured rows (the most common value of each)."""
    measured = table[table["Error"] == ""]
    source = measured if not measured.empty else table

    def common(label: str) -> str:
        values = source[label].astype(str).replace("nan", "")
        return str(values.mode().iloc[0]) if not values.empty else ""

    batch = common("Batch size").removesuffix(".0")
    return {
        "device": common("Device"),
        "device_name": common("Device name"),
        "threads": common("Threads").removesuffix(".0"),
        "dtype": common("Dtype"),
        "batch_size": batch,
        "torch": common("Torch"),
        "measured_at": str(table["Measured at"].max()),
        "rows": len(table),
    }


@functools.cache
def _reference_manifest() -> dict[str, dict]:
    # Package data never changes while the process runs: read it once, not on every rerun.
    manifest = json.loads((_REFERENCES / "sets.json").read_text(encoding="utf-8"))
    return {"reference-" + Path(entry["file"]).stem: entry for entry in manifest["sets"]}


class SetStore:
    """The reference sets and the sets stored in the cache folder."""

    def __init__(self, cache_dir: Path | str | None = None):
        self.folder = Cache(cache_dir).directory / FOLDER

    def _references(self) -> dict[str, dict]:
        return _reference_manifest()

    def list(self) -> list[SetInfo]:
        """Every set, the newest measurement first."""
        found = [self.load(set_id).info for set_id in self._references()]
        for meta in sorted(self.folder.glob("*.json")):
            try:
                found.append(self.load(meta.stem).info)
            except (InvalidMeasurements, OSError, ValueError, KeyError):
                continue  # a damaged stored set is skipped, never shown half-read
        return sorted(found, key=lambda info: info.measured_at, reverse=True)

    def load(self, set_id: str, known_weights: set[str] | None = None) -> MeasurementSet:
        references = self._references()
        if set_id in references:
            entry = references[set_id]
            raw = (_REFERENCES / entry["file"]).read_bytes()
            label, source, note = entry["label"], "reference", entry.get("note", "")
        else:
            meta = json.loads((self.folder / f"{set_id}.json").read_text(encoding="utf-8"))
            raw = (self.folder / f"{set_id}.csv").read_bytes()
            label, source, note = meta["label"], meta["source"], ""
        table, problems = parse(raw, known_weights)
        return MeasurementSet(SetInfo(set_id, label, source, **_context(table), note=note), table, problems)

    def _check_room(self) -> None:
        if len(list(self.folder.glob("*.json"))) >= MAX_STORED:
            raise InvalidMeasurements(f"{MAX_STORED} sets are stored already; delete one first.")

    def _new_id(self, label: str) -> str:
        base = _ID.sub("-", label.lower()).strip("-")[:50] or "set"
        candidate, number = base, 2
        while (self.folder / f"{candidate}.json").exists() or candidate in self._references():
            candidate, number = f"{base}-{number}", number + 1
        return candidate

    def add(
        self, raw: bytes, label: str | None, source: str, known_weights: set[str] | None = None
    ) -> tuple[SetInfo, list[str]]:
        """Validate and store a set: its info and what to tell the user about it (weights the docs
        do not list); InvalidMeasurements (nothing stored) when it cannot be used."""
        table, problems = parse(raw, known_weights)
        self._check_room()
        context = _context(table)
        label = (label or "").strip()[:80] or f"{context['device_name']} · {context['measured_at'][:10]}"
        set_id = self._new_id(label)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{set_id}.csv").write_bytes(raw)
        self._write_meta(set_id, label, source)
        return self.load(set_id).info, problems

    def start_run(self, label: str) -> tuple[str, Path]:
        """An id and the CSV path a run from the dashboard appends its rows to."""
        self._check_room()
        set_id = self._new_id(label)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write_meta(set_id, label, "run")
        return set_id, self.folder / f"{set_id}.csv"

    def _write_meta(self, set_id: str, label: str, source: str) -> None:
        body = json.dumps({"label": label, "source": source}, ensure_ascii=False)
        temporary = self.folder / f".{set_id}.json.tmp"
        temporary.write_text(body, encoding="utf-8")
        temporary.replace(self.folder / f"{set_id}.json")

    def rename(self, set_id: str, label: str) -> None:
        if set_id in self._references():
            raise InvalidMeasurements("A reference set cannot be renamed.")
        meta = json.loads((self.folder / f"{set_id}.json").read_text(encoding="utf-8"))
        self._write_meta(set_id, label.strip()[:80] or meta["label"], meta["source"])

    def delete(self, set_id: str) -> None:
        if set_id in self._references():
            raise InvalidMeasurements("A reference set cannot be deleted.")
        for suffix in (".csv", ".json"):
            (self.folder / f"{set_id}{suffix}").unlink(missing_ok=True)

    def csv_bytes(self, set_id: str) -> bytes:
        references = self._references()
        if set_id in references:
            return (_REFERENCES / references[set_id]["file"]).read_bytes()
        return (self.folder / f"{set_id}.csv").read_bytes()

    def version_of(self, set_id: str) -> tuple[int, int]:
        """Changes when the set's file does (a run appending rows): (size, mtime in ns)."""
        if set_id in self._references():
            return (0, 0)
        try:
            stat = (self.folder / f"{set_id}.csv").stat()
        except FileNotFoundError:
            return (0, 0)
        return (stat.st_size, stat.st_mtime_ns)


def listing(sets: list[SetInfo]) -> pd.DataFrame:
    """The sets as a table for people: name, source, what it was measured on, rows, when."""
    return pd.DataFrame(
        {
            "Set": [info.label for info in sets],
            "Source": [info.source for info in sets],
            "Measured on": [info.describe() for info in sets],
            "Weights": [info.rows for info in sets],
            "Measured at": [info.measured_at for info in sets],
            "Note": [info.note for info in sets],
        }
    )


def with_measurements(data: WeightTables, measured: MeasurementSet | None) -> WeightTables:
    """The tables with the set's latency, throughput and peak memory (NaN for weights it lacks or
    could not measure), the p90 and spread beside them and each latency's Timing mark; the tables
    as they are when there is no set."""
    if measured is None:
        return data
    rows = measured.table[measured.table["Error"] == ""].drop_duplicates("Weight", keep="last")
    values = rows.set_index("Weight")[[*registry.MEASURED_METRICS, *registry.MEASURED_DETAILS]]
    values = values.assign(**{registry.TIMING.label: values[registry.SPREAD.label].map(registry.timing_mark)})
    tables = {slug: table.join(values, on=registry.WEIGHT.label) for slug, table in data.tables.items()}
    return WeightTables(
        tables, data.provenance, data.missing_categories, data.problems, data.kept, data.changes
    )
