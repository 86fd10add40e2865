"""What a measuring run costs beyond its weights: a one-weight CLI run's wall time, alternated
between this checkout and another (a commit before a change), each in a fresh process.

    git worktree add /tmp/before <commit>
    python benchmarks/cli_start.py /tmp/before

Prints each round and the medians. Both use this interpreter (the same torch); each checkout's own
package is imported (`python -m` puts the working folder first on the path).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 5
HERE = Path(__file__).resolve().parent.parent
ARGUMENTS = ["--weights", "^SqueezeNet1_1_Weights", "--min-run-time", "0", "--warmup", "0"]


def one_run(root: Path) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "torchvision_stats", "measure", *ARGUMENTS, "--out", f"{folder}/m.csv"],
            cwd=root,
            check=True,
            capture_output=True,
            env={**os.environ, "TVSTATS_CACHE_DIR": folder},
        )
        return time.perf_counter() - started


def main() -> None:
    other = Path(sys.argv[1]).resolve()
    walls: dict[Path, list[float]] = {other: [], HERE: []}
    for round_number in range(ROUNDS):
        for root in walls:
            walls[root].append(one_run(root))
        before, after = walls[other][-1], walls[HERE][-1]
        print(f"round {round_number + 1}: {other.name} {before:.2f} s, this checkout {after:.2f} s")
    before, after = statistics.median(walls[other]), statistics.median(walls[HERE])
    print(f"median: {other.name} {before:.2f} s, this checkout {after:.2f} s ({before - after:+.2f} s saved)")


if __name__ == "__main__":
    main()
