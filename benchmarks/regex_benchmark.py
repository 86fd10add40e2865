"""The `re:` search before and after RE2, on the pattern of a hostile link and a real weight name.

Python's re (the old engine) backtracks exponentially on ^(\\w+)*$: it is timed on growing prefixes
of the name's 45 word characters, so the run ends in seconds; RE2 (the search's engine) on the whole
object detection table. Medians of 5 runs. Run: `.venv/bin/python benchmarks/regex_benchmark.py`.
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

import pandas as pd

from torchvision_stats.data.dataset import weight_tables_from_html
from torchvision_stats.questions import analysis

PATTERN = r"^(\w+)*$"
NAME = "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1"
PAGE = Path(__file__).parent.parent / "torchvision_stats" / "data" / "snapshots" / "main" / "models.html"


def median_seconds(action, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    backtracking = re.compile(PATTERN, re.IGNORECASE)
    print("Python re, one name prefix (+ '.' so it cannot match):")
    for length in range(16, 24):
        text = NAME[:length] + "."
        seconds = median_seconds(lambda text=text: backtracking.search(text), runs=3)
        print(f"  {length} characters: {seconds * 1000:9.1f} ms")
    tables = weight_tables_from_html(
        PAGE.read_bytes(), url="x", fetched_at=pd.Timestamp.now("UTC"), sha256=""
    )
    names = tables.tables["object_detection"]["Weight"]
    seconds = median_seconds(lambda: analysis.matches_search(names, "re:" + PATTERN))
    longest = max(len(n) for n in names)
    print(
        f"RE2 (the search), all {len(names)} object detection names (up to {longest} characters): "
        f"{seconds * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
