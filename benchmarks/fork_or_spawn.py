"""One weight measured in turn by a forked child of the fork server and by a fresh interpreter.

Each round measures the weight twice, once each way, alternating, and prints every latency, so a
difference between the two ways of starting a child can be told from the machine's own drift.
On the build machine (2 cores, 2 threads) light models land in one of two modes per process,
whichever way it started: MNASNet 0.75 at about 14.5 or 21.5 ms.

Run: `python benchmarks/fork_or_spawn.py MNASNet0_75_Weights.IMAGENET1K_V1 mnasnet0_75 [--rounds 6]`.
"""

from __future__ import annotations

import argparse
import multiprocessing


def main() -> None:
    # Imported here, not above: a spawned child imports this script again as its __mp_main__.
    from torchvision_stats.measure import runner
    from torchvision_stats.measure.settings import Settings
    from torchvision_stats.measure.target import Target

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weight", help="e.g. MNASNet0_75_Weights.IMAGENET1K_V1")
    parser.add_argument("builder", help="its builder in torchvision.models, e.g. mnasnet0_75")
    parser.add_argument("--rounds", type=int, default=6)
    arguments = parser.parse_args()

    target = Target(arguments.weight, arguments.builder, "torchvision.models", "classification")
    settings = Settings(min_run_time=1.0)
    ways = {"forked": runner.forked_processes(), "fresh": multiprocessing.get_context("spawn")}
    latencies: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(arguments.rounds):
        for name, processes in ways.items():
            latencies[name].append(float(runner.measure_one(target, settings, processes)["Latency (ms)"]))
    for name, values in latencies.items():
        print(f"{name:7s} " + " ".join(f"{value:.1f}" for value in values) + " ms")


if __name__ == "__main__":
    main()
