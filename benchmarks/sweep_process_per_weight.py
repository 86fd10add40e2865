"""The whole main-docs sweep as the first engine ran its processes: a fresh interpreter per weight.

The same engine, settings and weights as `python -m torchvision_stats measure --out FILE.csv`
(threads = physical cores, batch 1, float32), and the same rows, except that each weight's child is
a fresh interpreter that imports torch and torchvision itself (`multiprocessing`'s spawn, as on
Windows) instead of a fork of the run's server that imported them once. Run it on the same machine
on the same day as a CLI sweep, then read both files with `benchmarks/sweep_overhead.py`: the
difference in the time outside the weights' own work is what the fork server saves (the own work
itself drifts between runs on a VM).

Run: `python benchmarks/sweep_process_per_weight.py --out FILE.csv`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from pathlib import Path


def main() -> None:
    # Imported here, not above: each spawned child imports this script again as its __mp_main__,
    # and the first engine's children imported no pandas either.
    from torchvision_stats.data.load import load_weight_tables
    from torchvision_stats.measure import runner
    from torchvision_stats.measure.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--weights", metavar="REGEX", help="only weights whose name this finds (a trial)")
    arguments = parser.parse_args()
    if arguments.out.exists():
        parser.error(f"{arguments.out} exists")

    tables = load_weight_tables("main", offline=True).data.tables
    targets, _notes = runner.plan(tables, None, arguments.weights, "cpu")

    started = time.monotonic()
    summary = runner.run(
        targets,
        Settings(),
        arguments.out,
        processes=multiprocessing.get_context("spawn"),  # the one change: a fresh interpreter each
        on_done=lambda target, row: print(f"{target.weight} {row.get('Latency (ms)', row.get('Error'))}"),
    )
    minutes = (time.monotonic() - started) / 60
    print(f"{summary.measured} measured, {summary.failed} failed; {minutes:.1f} min")


if __name__ == "__main__":
    main()
