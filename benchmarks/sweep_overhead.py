"""How long a whole `measure` run took, and how much of it was spent outside each weight's own work.

Reads a CSV that `python -m torchvision_stats measure` wrote in one run and prints the run's wall
time (first row's `Measured at` to the last's, plus the first weight), the time in the weights'
own work (build, compile, the warm-up calls and the timed calls: `Samples` calls of
`Latency (ms)`, twice for a row still noisy), and the mean of the rest per weight: the process (a
fork), loading the run's settings, writing the row — and what the row does not record: the second
round of a weight that its second round made steady, the search of `--batch-size max`. So the
figure is an upper bound on the engine's own overhead. `Measured at` has second resolution, so a
single weight's overhead is ±1 s; their mean over a run is not.

Run: `python benchmarks/sweep_overhead.py FILE.csv [--warmup 3]`.
"""

from __future__ import annotations

import argparse

import pandas as pd

from torchvision_stats import registry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("--warmup", type=int, default=3, help="the run's --warmup (default 3)")
    arguments = parser.parse_args()

    rows = pd.read_csv(arguments.csv, dtype={"Error": str})
    if "Samples" not in rows:
        parser.error("this file has no Samples column: the first engine wrote it, which kept no call count")
    finished = pd.to_datetime(rows["Measured at"], utc=True)
    # A row still noisy (Spread over 10 %) was timed twice for sure; one made steady by its
    # second round cannot be told from one steady at once.
    rounds = 1 + rows["Spread (%)"].map(registry.is_noisy)
    calls = rounds * rows["Samples"].fillna(0) + arguments.warmup * rows["Samples"].notna()
    own = (
        rows["Build time (s)"].fillna(0)
        + rows.get("Compile time (s)", pd.Series(0.0, index=rows.index)).fillna(0)
        + calls * rows["Latency (ms)"].fillna(0) / 1000  # a call's latency, whatever its batch
    )
    # Between two rows' finish times lies the later weight's whole life: its own work plus overhead.
    between = finished.diff().dt.total_seconds().iloc[1:]
    overhead = between - own.iloc[1:]
    wall = between.sum() + own.iloc[0]
    failed = rows["Error"].fillna("").astype(bool).sum()
    start, end = finished.iloc[0], finished.iloc[-1]
    print(f"{len(rows)} weights ({failed} failed), {start:%Y-%m-%d %H:%M} to {end:%H:%M} UTC")
    print(
        f"wall: {wall / 60:.1f} min; the weights' own work (build, compile, warm-up, timed calls): "
        f"{own.sum() / 60:.1f} min"
    )
    print(
        f"the rest, per weight: mean {overhead.mean():.2f} s, median {overhead.median():.0f} s "
        f"(±1 s: Measured at has whole seconds); {overhead.sum() / 60:.1f} min in all"
    )


if __name__ == "__main__":
    main()
