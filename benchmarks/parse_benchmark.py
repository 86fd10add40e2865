"""Median time to parse and normalise all seven weight tables of the real main page, side by side
with the method this project grew from (BeautifulSoup's html.parser, then pandas.read_html of one
table found by position). Runs alternate between the two so machine noise hits both alike.

    make bench            # or: .venv/bin/python benchmarks/parse_benchmark.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from importlib import resources
from io import StringIO

import pandas as pd
from bs4 import BeautifulSoup

from torchvision_stats.data.dataset import weight_tables_from_html

PAGE = (resources.files("torchvision_stats.data") / "snapshots" / "main" / "models.html").read_bytes()
NOW = datetime.now(UTC)


def ours() -> int:
    data = weight_tables_from_html(
        PAGE, url="https://docs.pytorch.org/vision/main/models.html", fetched_at=NOW, sha256=""
    )
    return data.row_count


def original_one_table() -> int:
    soup = BeautifulSoup(PAGE, "html.parser")
    table = soup.find_all("table")[1]
    return len(pd.read_html(StringIO(str(table)))[0])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=41)
    runs = parser.parse_args().runs
    assert ours() == 158 and original_one_table() == 115  # both read the real page
    timings: dict[str, list[float]] = {"ours": [], "original": []}
    for _ in range(runs):
        for name, function in (("ours", ours), ("original", original_one_table)):
            start = time.perf_counter()
            function()
            timings[name].append((time.perf_counter() - start) * 1000)
    ours_ms = statistics.median(timings["ours"])
    original_ms = statistics.median(timings["original"])
    print(f"runs: {runs} each, alternating; page: bundled main snapshot ({len(PAGE) / 1000:.0f} kB)")
    print(f"torchvision_stats, all 7 tables (158 rows), parse + normalise: median {ours_ms:6.1f} ms")
    print(f"original method, 1 table (115 rows), html.parser + read_html: median {original_ms:6.1f} ms")
    print(f"speed-up: {original_ms / ours_ms:.1f}x (for 7 tables against the original's 1)")


if __name__ == "__main__":
    main()
