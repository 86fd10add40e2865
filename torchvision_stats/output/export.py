"""Tables → files people open in spreadsheets: CSV and JSON, with provenance.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) get a leading apostrophe. Numbers are never touched: -1.5 in a metric column stays -1.5.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from torchvision_stats import registry
from torchvision_stats.data import spreadsheet_text
from torchvision_stats.data.dataset import WeightTables

FORMATS = ("csv", "json")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot be read as spreadsheet formulas (numbers untouched)."""
    safe = frame.copy()
    for label in safe.columns:
        if pd.api.types.is_numeric_dtype(safe[label]):
            continue
        values = safe[label].tolist()
        # Plain Python over ~100 cells is several times faster than pandas' string methods here.
        if any(spreadsheet_text.is_formula(value) for value in values):
            safe[label] = [
                spreadsheet_text.neutralised(value) if isinstance(value, str) else value for value in values
            ]
    return safe


def at_registry_precision(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose metric columns are rounded to the digits the registry gives each metric, and
    whose other number columns holding whole numbers only (categories, sizes in px) are written as
    whole numbers: 1000, not 1000.0."""
    rounded = frame.copy()
    for label in rounded.columns:
        values = rounded[label]
        if not pd.api.types.is_float_dtype(values):
            continue
        metric = registry.metric_of(label)
        if metric is not None:
            rounded[label] = metric.rounded(values)
        elif values.dropna().map(float.is_integer).all():
            rounded[label] = values.astype("Int64")
    return rounded


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise_formulas(at_registry_precision(frame)).to_csv(index=False).encode("utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z.]+", "-", text.lower()).strip("-.")


def file_name(category: str, parts: list[str], extension: str = "csv") -> str:
    """A file named for what it holds: ``object_detection-faster-rcnn-gflops-to-5.csv``; the
    category alone for the full table. Only letters, digits, '.', '-' and '_'; at most 120 long."""
    words = [_slug(part) for part in parts if _slug(part)]
    stem = "-".join([category, *words])[:120].rstrip("-.")
    return f"{stem}.{extension}"


def json_bytes(frame: pd.DataFrame) -> bytes:
    """Records, one per weight; missing values are null."""
    return at_registry_precision(frame).to_json(orient="records", indent=1, force_ascii=False).encode("utf-8")


def provenance_record(data: WeightTables, source: str) -> dict:
    return {
        **data.provenance.to_record(),
        "source": source,
        "rows": {slug: len(table) for slug, table in data.tables.items()},
        "missing_categories": data.missing_categories,
        "problems": data.problems,
    }


def category_files(data: WeightTables, source: str, file_format: str = "csv") -> dict[str, bytes]:
    """File name → content: one file per category, named by slug, plus provenance.json."""
    encode = csv_bytes if file_format == "csv" else json_bytes
    files = {f"{slug}.{file_format}": encode(table) for slug, table in data.tables.items()}
    files["provenance.json"] = json.dumps(provenance_record(data, source), indent=1).encode("utf-8")
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def write_files(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Write all files or none: they are made in a temporary folder beside `out_dir`, then moved."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        out_dir.mkdir(exist_ok=True)
        written = []
        for name in files:
            target = out_dir / name
            (staging / name).replace(target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
