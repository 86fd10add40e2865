"""Measurement sets: a measurement file (data/measurement_file.py) with its name, where it came
from and what it was measured on, and the store that keeps them.

Sets come from three places: the reference sets shipped in the package, a run started from the
dashboard, and an uploaded CSV. Stored ones live in the cache folder under measurements/, one CSV
and one small JSON (its name and source) each. Every set's file is checked when it is read; one
that fails gets a message in words (MeasurementFileError) and nothing is stored.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data.cache import Cache, write_atomically
from torchvision_stats.data.dataset import WeightTables
from torchvision_stats.data.measurement_file import MeasurementFileError, parse, run_settings, serialised

MAX_STORED = 50  # runs and uploads kept in the cache folder; a shared server's disk is not unbounded
FOLDER = "measurements"
SOURCES = ("reference", "run", "upload")
_REFERENCES = resources.files("torchvision_stats.data") / "reference_speed"
_ID = re.compile(r"[^a-z0-9]+")


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
            except (MeasurementFileError, OSError, ValueError, KeyError):
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
            raise MeasurementFileError(f"{MAX_STORED} sets are stored already; delete one first.")

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
        the consistency checks, weights the docs do not list); MeasurementFileError (nothing stored)
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
            raise MeasurementFileError("A reference set cannot be renamed.")
        meta = self._meta(set_id)
        self._write_meta(set_id, {**meta, "name": name.strip()[:80] or meta["name"]})

    def delete(self, set_id: str) -> None:
        if set_id in self._references():
            raise MeasurementFileError("A reference set cannot be deleted.")
        for suffix in (".csv", ".json"):
            (self.folder / f"{set_id}{suffix}").unlink(missing_ok=True)

    def csv_bytes(self, set_id: str) -> bytes:
        references = self._references()
        if set_id in references:
            return (_REFERENCES / references[set_id]["file"]).read_bytes()
        return (self.folder / f"{set_id}.csv").read_bytes()

    def stamp_of(self, set_id: str) -> tuple[int, int]:
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
