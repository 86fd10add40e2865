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
import dataclasses
import functools
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data import spreadsheet_text
from torchvision_stats.data.cache import Cache, write_atomically
from torchvision_stats.data.dataset import WeightTables
from torchvision_stats.data.measurements import COLUMNS, FIRST_COLUMNS

MAX_BYTES = 5_000_000
MAX_STORED = 50  # runs and uploads kept in the cache folder; a shared server's disk is not unbounded
FOLDER = "measurements"
SOURCES = ("reference", "run", "upload")
_REFERENCES = resources.files("torchvision_stats.data") / "reference_speed"
_NUMERIC = tuple(label for label in COLUMNS if registry.MEASUREMENT_COLUMNS[label].is_number)
LATENCY = registry.LATENCY.label
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
    batch_size: str = ""  # "1", or "best ≤ 256" for a searched batch
    modes: str = ""  # "cast · compiled (default)": what the run did beyond eager, random weights
    torch: str = ""
    measured_at: str = ""  # the last row's time, ISO UTC
    rows: int = 0
    note: str = ""  # what a reference set's description says of how it was measured
    run_settings: dict[str, str] = field(default_factory=dict, hash=False)  # to compare runs

    def describe(self) -> str:
        """What it was measured on, e.g. "AMD EPYC (cpu) · batch 1 · float32 · 2 threads · torch 2.14.1"."""
        parts = [f"{self.device_name} ({self.device})", f"batch {self.batch_size}", self.dtype, self.modes]
        if self.device == "cpu":
            parts.append(f"{self.threads} threads")
        parts.append(f"torch {self.torch}")
        return " · ".join(part for part in parts if part.strip())


@dataclass
class MeasurementSet:
    info: SetInfo
    table: pd.DataFrame  # the CSV's columns; numbers float (NaN when empty), the rest str
    problems: list[str] = field(default_factory=list)  # e.g. weights the docs do not list


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
    failures: list[str] = []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise InvalidMeasurements(f"Line {number} has {len(row)} cells instead of {len(header)}.")
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
        raise InvalidMeasurements(f"No row passes the consistency checks: {_listed(failures)}.")
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
        raise InvalidMeasurements(f"Line {line}: {label} {cell[:20]!r} is not a number.") from None


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


def _modes(common: Callable[[str], str]) -> list[str]:
    """What a run did beyond eager execution of random weights in the default layout, in words
    (files of the first engine lack these columns: none)."""
    precision, compile_mode = common("Precision"), common("Compile")
    return [
        mode
        for mode, done in (
            (precision, precision in ("autocast", "cast")),
            ("channels_last", common("Channels last") == "yes"),
            (f"compiled ({compile_mode})", compile_mode not in ("", "no")),
            ("pretrained weights", common("Weights from") == "pretrained"),
        )
        if done
    ]


def _context(table: pd.DataFrame) -> dict[str, str]:
    """What the set was measured on, from its measured rows (the most common value of each)."""
    measured = table[table["Error"] == ""]
    source = measured if not measured.empty else table

    def common(label: str) -> str:
        values = source[label].astype(str).replace("nan", "")
        return str(values.mode().iloc[0]) if not values.empty else ""

    batch = common("Batch size").removesuffix(".0")
    searched = common("Batch")  # "max ≤ 256" when each weight's best batch was searched
    return {
        "device": common("Device"),
        "device_name": common("Device name"),
        "threads": common("Threads").removesuffix(".0"),
        "dtype": common("Dtype"),
        "batch_size": f"best {searched.removeprefix('max ')}" if searched.startswith("max") else batch,
        "modes": " · ".join(_modes(common)),
        "torch": common("Torch"),
        "measured_at": str(table["Measured at"].max()),
        "rows": len(table),
    }


@functools.cache
def _reference_manifest() -> dict[str, dict]:
    # Package data never changes while the process runs: read it once, not on every rerun.
    manifest = json.loads((_REFERENCES / "sets.json").read_text(encoding="utf-8"))
    return {"reference-" + Path(entry["file"]).stem: entry for entry in manifest["sets"]}


def run_settings(table: pd.DataFrame) -> dict[str, str]:
    """Each run setting's most common value over the measured rows (int8 rows of quantized weights
    aside: their dtype is their own, whatever the run's)."""
    measured = table[(table["Error"] == "") & (table["Dtype"] != "int8")]
    settings = {}
    for label in registry.RUN_SETTINGS:
        values = measured[label].dropna().astype(str) if label in measured.columns else pd.Series(dtype=str)
        settings[label] = str(values.mode().iloc[0]) if not values.empty else ""
    return settings


def machine_words(context: dict[str, str]) -> str:
    """What a set was measured on, as its label says it: "AMD EPYC · cpu, 2 threads · batch 1 ·
    float32" (a GPU's threads do not matter; a set of int8 rows alone says int8)."""
    device = context["device"] + (f", {context['threads']} threads" if context["device"] == "cpu" else "")
    parts = [
        context["device_name"],
        device,
        f"batch {context['batch_size']}",
        context["dtype"],
        context["modes"],
    ]
    return " · ".join(part for part in parts if part.strip(" ,·")) or "an unknown machine"


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


class SetStore:
    """The reference sets and the sets stored in the cache folder: <id>.csv (the validated rows,
    or a run's rows as they are appended) and <id>.json (its name, source and, for a run that was
    cancelled, how far it came)."""

    def __init__(self, cache_dir: Path | str | None = None):
        self.folder = Cache(cache_dir).directory / FOLDER

    def _references(self) -> dict[str, dict]:
        return _reference_manifest()

    def list(self) -> list[SetInfo]:
        """Every set, the newest measurement first (a run without a row yet is not a set yet)."""
        found = [self.load(set_id).info for set_id in self._references()]
        for meta in sorted(self.folder.glob("*.json")):
            try:
                found.append(self.load(meta.stem).info)
            except (InvalidMeasurements, OSError, ValueError, KeyError):
                continue  # a damaged stored set is skipped, never shown half-read
        return sorted(found, key=lambda info: info.measured_at, reverse=True)

    def _meta(self, set_id: str) -> dict:
        meta = json.loads((self.folder / f"{set_id}.json").read_text(encoding="utf-8"))
        meta.setdefault("name", meta.get("label", ""))  # files of earlier versions held a label
        return meta

    def load(self, set_id: str, known_weights: set[str] | None = None) -> MeasurementSet:
        references = self._references()
        if set_id in references:
            entry = references[set_id]
            table, problems = parse((_REFERENCES / entry["file"]).read_bytes(), known_weights)
            info = SetInfo(
                set_id,
                entry["label"],
                "reference",
                **_context(table),
                note=entry.get("note", ""),
                run_settings=run_settings(table),
            )
            return MeasurementSet(info, table, problems)
        meta = self._meta(set_id)
        table, problems = parse((self.folder / f"{set_id}.csv").read_bytes(), known_weights)
        context = _context(table)
        label = " · ".join(
            part for part in (meta["name"], machine_words(context), meta.get("ended", "")) if part
        )
        info = SetInfo(set_id, label, meta["source"], **context, run_settings=run_settings(table))
        return MeasurementSet(info, table, problems)

    def _check_room(self) -> None:
        if len(list(self.folder.glob("*.json"))) >= MAX_STORED:
            raise InvalidMeasurements(f"{MAX_STORED} sets are stored already; delete one first.")

    def _new_id(self, name: str) -> str:
        base = _ID.sub("-", name.lower()).strip("-")[:50] or "set"
        candidate, number = base, 2
        while (self.folder / f"{candidate}.json").exists() or candidate in self._references():
            candidate, number = f"{base}-{number}", number + 1
        return candidate

    def add(
        self, raw: bytes, name: str | None, source: str, known_weights: set[str] | None = None
    ) -> tuple[SetInfo, list[str]]:
        """Validate and store a set: its info and what to tell the user about it (rows that fail
        the consistency checks, weights the docs do not list); InvalidMeasurements (nothing stored)
        when it cannot be used. What is stored is the validated table, not the bytes given."""
        table, problems = parse(raw, known_weights)
        self._check_room()
        name = (name or "").strip()[:80] or "uploaded"
        set_id = self._new_id(name)
        write_atomically(self.folder / f"{set_id}.csv", serialised(table))
        self._write_meta(set_id, {"name": name, "source": source})
        return self.load(set_id).info, problems

    def start_run(self, name: str) -> tuple[str, Path]:
        """An id and the CSV path a run from the dashboard appends its rows to."""
        self._check_room()
        set_id = self._new_id(name)
        self._write_meta(set_id, {"name": name, "source": "run"})
        return set_id, self.folder / f"{set_id}.csv"

    def end_run(self, set_id: str, done: int, total: int, cancelled: bool) -> None:
        """A run has ended: one that measured nothing leaves nothing behind; one cancelled midway
        says so in its label ("cancelled after 1 of 3")."""
        if done == 0 or not (self.folder / f"{set_id}.csv").exists():
            self.delete(set_id)
        elif cancelled:
            self._write_meta(set_id, {**self._meta(set_id), "ended": f"cancelled after {done} of {total}"})

    def _write_meta(self, set_id: str, meta: dict) -> None:
        write_atomically(self.folder / f"{set_id}.json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    def rename(self, set_id: str, name: str) -> None:
        """A stored set's own part of the label; what it was measured on stays in the label."""
        if set_id in self._references():
            raise InvalidMeasurements("A reference set cannot be renamed.")
        meta = self._meta(set_id)
        self._write_meta(set_id, {**meta, "name": name.strip()[:80] or meta["name"]})

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
        """Changes when the set's files do (a run appending rows, a rename): (size, mtime in ns)."""
        if set_id in self._references():
            return (0, 0)
        try:
            stats = [(self.folder / f"{set_id}{suffix}").stat() for suffix in (".csv", ".json")]
        except FileNotFoundError:
            return (0, 0)
        return (sum(stat.st_size for stat in stats), max(stat.st_mtime_ns for stat in stats))


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
    could not measure), and beside them the p90, the spread, each latency's Timing mark and what it
    was measured on (the set's label, device name, batch size, dtype, input shape); the tables as
    they are when there is no set."""
    if measured is None:
        return data
    rows = measured.table[measured.table["Error"] == ""].drop_duplicates("Weight", keep="last")
    values = rows.set_index("Weight")[
        [*registry.MEASURED_METRICS, *registry.MEASURED_DETAILS, *registry.MEASURED_CONTEXT[1:]]
    ]
    values = values.assign(
        **{
            registry.TIMING.label: values[registry.SPREAD.label].map(registry.timing_mark),
            registry.MEASURED_ON: measured.info.label,
            "Batch size": values["Batch size"].astype("Int64"),
        }
    )
    ordered = [
        *registry.MEASURED_METRICS,
        *registry.MEASURED_DETAILS,
        registry.TIMING.label,
        *registry.MEASURED_CONTEXT,
    ]
    tables = {
        slug: table.join(values[ordered], on=registry.WEIGHT.label) for slug, table in data.tables.items()
    }
    return dataclasses.replace(data, tables=tables)
