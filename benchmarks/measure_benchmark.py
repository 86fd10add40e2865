"""The measuring tool against a plain torch.utils.benchmark run of the same models, side by side.

For each model, alternating, each in a fresh process: the tool (`runner.measure_one`: a child that
imports torch, builds the weight's network, warms up and times single calls) and a plain script that
builds the model with `torchvision.models.get_model(name, weights=None)` (and weights_backbone=None
for the segmentation and detection models, whose networks that does not change) and times it with
`Timer(...).blocked_autorange()` — what a person would write. Prints the median latency of each and
their ratio (the tool should agree within ±10 %), and the tool's overhead per weight outside the
timed calls (build, warm-up, and the process: a fork of a server that imported torch once) side by
side with the first engine's process per weight (`python -m torchvision_stats.measure.worker`: a
fresh interpreter that imports torch for each weight). Run: `make bench-measure`.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict

from torchvision_stats.measure.settings import Settings
from torchvision_stats.measure.target import Target

ROUNDS = 5
SETTINGS = Settings(min_run_time=1.0, warmup=3)
TARGETS = [
    Target(
        "MobileNet_V3_Small_Weights.IMAGENET1K_V1",
        "mobilenet_v3_small",
        "torchvision.models",
        "classification",
    ),
    Target(
        "EfficientNet_B0_Weights.IMAGENET1K_V1", "efficientnet_b0", "torchvision.models", "classification"
    ),
    Target("ResNet18_Weights.IMAGENET1K_V1", "resnet18", "torchvision.models", "classification"),
    Target("ResNet50_Weights.IMAGENET1K_V2", "resnet50", "torchvision.models", "classification"),
    Target(
        "LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1",
        "lraspp_mobilenet_v3_large",
        "torchvision.models.segmentation",
        "semantic_segmentation",
    ),
    Target(
        "SSDLite320_MobileNet_V3_Large_Weights.COCO_V1",
        "ssdlite320_mobilenet_v3_large",
        "torchvision.models.detection",
        "object_detection",
    ),
]
# What a person would write for each kind: the builder's own arguments and the input.
PLAIN_SETUP = {
    "classification": ("", "torch.rand(1, 3, 224, 224)"),
    "semantic_segmentation": (", weights_backbone=None", "torch.rand(1, 3, 520, 520)"),
    "object_detection": (", weights_backbone=None", "[torch.rand(3, 480, 640)]"),
}
PLAIN = """
import sys, torch, torchvision
from torch.utils import benchmark
torch.set_num_threads({threads})
model = torchvision.models.get_model("{name}", weights=None{arguments}).eval()
x = {example}
with torch.inference_mode():
    for _ in range({warmup}):
        model(x)
    t = benchmark.Timer(stmt="model(x)", globals={{"model": model, "x": x}}, num_threads={threads})
    print(t.blocked_autorange(min_run_time={min_run_time}).median * 1000)
"""


def plain_latency_ms(target: Target) -> float:
    arguments, example = PLAIN_SETUP[target.category]
    script = PLAIN.format(
        name=target.model,
        arguments=arguments,
        example=example,
        threads=SETTINGS.threads,
        warmup=SETTINGS.warmup,
        min_run_time=SETTINGS.min_run_time,
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def process_per_weight(target: Target) -> dict[str, str]:
    """The weight measured as the first engine did: a fresh interpreter that imports torch."""
    from torchvision_stats.measure import worker

    request = json.dumps({"target": asdict(target), "settings": asdict(SETTINGS)})
    done = subprocess.run(
        [sys.executable, "-m", "torchvision_stats.measure.worker", request],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith(worker.RESULT_MARKER))
    return json.loads(line.removeprefix(worker.RESULT_MARKER))


def overhead_s(wall: float, row: dict[str, str]) -> float:
    """Seconds outside the timed calls (at least min_run_time, at least 20 calls): process start,
    torch import where there is one, build, warm-up (and a noisy weight's second round)."""
    return wall - max(SETTINGS.min_run_time, int(row["Samples"]) * float(row["Latency (ms)"]) / 1000)


def main() -> None:
    # Imported here, not above: each forked child runs this script's top again (multiprocessing
    # does so for a script's __main__), and the CLI's children import no pandas either.
    from torchvision_stats.measure import runner

    print(f"{ROUNDS} rounds, alternating, each in a fresh process; {SETTINGS.threads} threads, batch 1")
    runner.measure_one(TARGETS[0], SETTINGS)  # the fork server starts once per run, not per weight
    ratios = []
    for target in TARGETS:
        tool, plain, forked, fresh = [], [], [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            row = runner.measure_one(target, SETTINGS)
            forked.append(overhead_s(time.perf_counter() - started, row))
            tool.append(float(row["Latency (ms)"]))
            plain.append(plain_latency_ms(target))
            started = time.perf_counter()
            alone = process_per_weight(target)
            fresh.append(overhead_s(time.perf_counter() - started, alone))
        ratio = statistics.median(tool) / statistics.median(plain)
        ratios.append(ratio)
        tool_ms, plain_ms = statistics.median(tool), statistics.median(plain)
        print(
            f"{target.weight:58s} tool {tool_ms:7.2f} ms  plain {plain_ms:7.2f} ms  ratio {ratio:.3f}"
            f"  overhead {statistics.median(forked):.1f} s/weight forked,"
            f" {statistics.median(fresh):.1f} s/weight process per weight"
        )
    print(f"ratios {min(ratios):.3f} … {max(ratios):.3f}")


if __name__ == "__main__":
    main()
