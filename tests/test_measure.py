"""The measuring engine with real torch on small models and short runs (the measure extra, which
`make test` installs), and the weight facts against torchvision's own metadata."""

from __future__ import annotations

import csv
import math
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import require_torch
from tests.processes import children_of, command_line, group_members
from torchvision_stats import cli, registry
from torchvision_stats.data import facts, measurement_file
from torchvision_stats.data.measurement_file import COLUMNS
from torchvision_stats.measure import environment, runner
from torchvision_stats.measure.settings import Settings
from torchvision_stats.measure.target import Target

torch, torchvision = require_torch()

ROOT = Path(__file__).parent.parent
QUICK = Settings(threads=2, min_run_time=0.1, warmup=1, timeout_s=300)
MOBILENET = Target(
    "MobileNet_V3_Small_Weights.IMAGENET1K_V1", "mobilenet_v3_small", "torchvision.models", "classification"
)
SQUEEZENET = Target(
    "SqueezeNet1_1_Weights.IMAGENET1K_V1", "squeezenet1_1", "torchvision.models", "classification"
)
RESNET50 = Target("ResNet50_Weights.IMAGENET1K_V2", "resnet50", "torchvision.models", "classification")
QUANTIZED = Target(
    "MobileNet_V2_QuantizedWeights.IMAGENET1K_QNNPACK_V1",
    "mobilenet_v2",
    "torchvision.models.quantization",
    "quantized_classification",
)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def measure_cli(
    *arguments: str, env: dict | None = None, python: str = sys.executable
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [python, "-m", "torchvision_stats", "measure", *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=env or os.environ,
    )


def test_two_weights_give_the_csv_columns_and_sensible_numbers(tmp_path):
    out = tmp_path / "m.csv"
    summary = runner.run([MOBILENET, RESNET50], QUICK, out)
    assert (summary.measured, summary.failed) == (2, 0)
    with out.open(newline="", encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == COLUMNS
    rows = {row["Weight"]: row for row in read(out)}
    for row in rows.values():
        for label in (
            "Latency (ms)",
            "Latency p90 (ms)",
            "Throughput (inputs/s)",
            "Peak memory (MB)",
            "Weights (MB)",
            "Build time (s)",
        ):
            value = float(row[label])
            assert math.isfinite(value) and value > 0, (row["Weight"], label, value)
        assert float(row["Latency p90 (ms)"]) >= float(row["Latency (ms)"])
        assert int(row["Samples"]) >= 20 and 0 <= float(row["Spread (%)"]) < 1000
        assert float(row["Throughput (inputs/s)"]) == pytest.approx(
            1000 / float(row["Latency (ms)"]), rel=0.01
        )
        # The inference's peak holds the weights: at least most of them, resident.
        assert float(row["Peak memory (MB)"]) >= 0.9 * float(row["Weights (MB)"])
        assert (row["Batch size"], row["Input shape"], row["Device"], row["Threads"]) == (
            "1",
            "1x3x224x224",
            "cpu",
            "2",
        )
        assert (row["Dtype"], row["Channels last"], row["Error"]) == ("float32", "no", "")
        assert (row["cuDNN benchmark"], row["TF32"]) == ("no", "no")  # CUDA settings, on the CPU
        assert row["Torch"] == torch.__version__ and row["Torchvision"] == torchvision.__version__
        assert row["Device name"] and row["Measured at"].endswith("Z")
    # float32 parameters and buffers: four bytes for each of torchvision's own parameter count.
    resnet = torchvision.models.ResNet50_Weights.IMAGENET1K_V2.meta["num_params"]
    assert float(rows[RESNET50.weight]["Weights (MB)"]) == pytest.approx(resnet * 4 / 1e6, rel=0.01)
    # 0.06 against 4.09 GFLOPS at the same 224 px input: an order of magnitude apart on any CPU.
    assert float(rows[MOBILENET.weight]["Latency (ms)"]) * 3 < float(rows[RESNET50.weight]["Latency (ms)"])


def test_a_quantized_weight_is_measured_as_int8(tmp_path):
    out = tmp_path / "q.csv"
    runner.run([QUANTIZED], QUICK, out)
    [row] = read(out)
    assert row["Error"] == "" and row["Dtype"] == "int8" and float(row["Latency (ms)"]) > 0
    # One byte a weight, held packed (not as parameters), and far from four.
    parameters = torchvision.models.quantization.MobileNet_V2_QuantizedWeights.IMAGENET1K_QNNPACK_V1.meta[
        "num_params"
    ]
    assert 0.9 * parameters / 1e6 <= float(row["Weights (MB)"]) < 2 * parameters / 1e6


def test_resume_keeps_good_rows_and_measures_failed_ones_again(tmp_path):
    out = tmp_path / "resume-errors.csv"
    runner.run([MOBILENET], QUICK, out)
    measurement_file.append_row(
        out, {"Weight": SQUEEZENET.weight, "Error": "the measuring process was killed"}
    )
    good = read(out)[0]
    summary = runner.run([MOBILENET, SQUEEZENET], QUICK, out, resume=True)
    rows = read(out)
    assert (summary.skipped, summary.measured, summary.failed) == (1, 1, 0)
    assert rows[0] == good and [row["Weight"] for row in rows] == [MOBILENET.weight, SQUEEZENET.weight]
    assert rows[1]["Error"] == "" and float(rows[1]["Latency (ms)"]) > 0  # the Error row replaced


# Small weights of each kind (every one timed at least 20 times); batches of two where that is cheap.
KINDS = {
    "classification, its own 240 px crop": (
        Target(
            "EfficientNet_B1_Weights.IMAGENET1K_V2", "efficientnet_b1", "torchvision.models", "classification"
        ),
        "2x3x240x240",
    ),
    "segmentation, 520 px": (
        Target(
            "LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1",
            "lraspp_mobilenet_v3_large",
            "torchvision.models.segmentation",
            "semantic_segmentation",
        ),
        "1x3x520x520",
    ),
    "detection, photos": (
        Target(
            "SSDLite320_MobileNet_V3_Large_Weights.COCO_V1",
            "ssdlite320_mobilenet_v3_large",
            "torchvision.models.detection",
            "object_detection",
        ),
        "2x3x480x640",
    ),
    "video, 16-frame clips": (
        Target("R3D_18_Weights.KINETICS400_V1", "r3d_18", "torchvision.models.video", "video_classification"),
        "1x3x16x112x112",
    ),
}


@pytest.mark.parametrize(("target", "shape"), list(KINDS.values()), ids=list(KINDS))
def test_each_kind_of_model_gets_the_input_its_weights_expect_channels_last(tmp_path, target, shape):
    """channels_last for every kind: channels_last_3d for the video model and its 5-D clips."""
    out = tmp_path / "kinds.csv"
    batch = int(shape.split("x")[0])
    runner.run(
        [target], Settings(threads=2, batch_size=batch, min_run_time=0, warmup=0, channels_last=True), out
    )
    [row] = read(out)
    assert row["Error"] == "" and row["Input shape"] == shape and row["Batch size"] == str(batch)
    assert row["Channels last"] == "yes"


def forked_workers() -> list[int]:
    """The measuring children of this process's fork server (forked, they carry no command line of
    their own)."""
    servers = [pid for pid in children_of(os.getpid()) if b"forkserver" in command_line(pid)]
    return [child for server in servers for child in children_of(server)]


def test_a_child_that_dies_is_that_rows_error_and_the_run_goes_on(tmp_path):
    out = tmp_path / "killed.csv"
    # A long warm-up to kill it in: 300 calls of ResNet-50 take half a minute, of MobileNet two seconds.
    slow = Settings(threads=2, min_run_time=0.1, warmup=300, timeout_s=300)
    finished = threading.Thread(target=runner.run, args=([RESNET50, MOBILENET], slow, out))
    finished.start()
    deadline = time.monotonic() + 120
    while not forked_workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    [worker] = forked_workers()  # ResNet-50's: one child at a time
    os.kill(worker, signal.SIGKILL)
    finished.join(timeout=300)
    rows = read(out)
    assert [row["Weight"] for row in rows] == [RESNET50.weight, MOBILENET.weight]
    assert rows[0]["Error"] == "the measuring process was killed by SIGKILL (out of memory?)"
    assert rows[0]["Latency (ms)"] == ""
    assert rows[1]["Error"] == ""  # the next weight was measured


def fails(builder: str) -> Target:
    return Target("Fails_Weights.V1", builder, "tests.fake_builders", "classification")


@pytest.mark.parametrize(
    ("builder", "timeout_s", "error"),
    [
        # Only the hang is about the timeout: the others get room for a slow machine's fork and imports.
        ("exit_silently", 120, "the measuring process ended with code 3: no output"),
        ("exhaust_memory", 120, "out of memory"),
        ("hang", 3, "did not finish within 3 s; stopped"),
    ],
)
def test_a_crash_an_out_of_memory_and_a_timeout_each_give_their_error_row(
    tmp_path, monkeypatch, builder, timeout_s, error
):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the worker imports tests.fake_builders
    out = tmp_path / "fails.csv"
    started = time.monotonic()
    summary = runner.run([fails(builder)], Settings(threads=2, timeout_s=timeout_s), out)
    [row] = read(out)
    assert (summary.failed, row["Weight"], row["Error"], row["Latency (ms)"]) == (
        1,
        "Fails_Weights.V1",
        error,
        "",
    )
    assert time.monotonic() - started < 60  # the hung worker was stopped at its timeout


def test_a_failing_model_is_recorded_and_nothing_else_is_lost(tmp_path):
    out = tmp_path / "bad.csv"
    missing = Target("NoSuch_Weights.V1", "no_such_model", "torchvision.models", "classification")
    summary = runner.run([missing, MOBILENET], QUICK, out)
    rows = read(out)
    assert (summary.measured, summary.failed) == (1, 1)
    assert rows[0]["Error"].startswith("AttributeError:") and rows[1]["Error"] == ""


# The CLI, saying at its end whether its own process imported torch (its fork server does).
CLI_WITH_TORCH_REPORT = """
import sys
from torchvision_stats import cli
code = cli.main(sys.argv[1:])
print("torch imported" if "torch" in sys.modules else "torch not imported", file=sys.stderr)
sys.exit(code)
"""


def test_a_run_killed_midway_resumes_with_only_the_rest(tmp_path):
    out = tmp_path / "resume.csv"
    arguments = [
        "--weights",
        "^(MobileNet_V3_Small|SqueezeNet1_1|ShuffleNet_V2_X0_5)_Weights",
        "--threads",
        "2",
        "--min-run-time",
        "0.1",
        "--warmup",
        "1",
        "--out",
        str(out),
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "torchvision_stats", "measure", *arguments],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and (not out.exists() or len(read(out)) < 1):
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the run and its current worker, as a closed terminal would
    process.wait()
    first = read(out)
    assert 1 <= len(first) < 3, "the run was not stopped midway"
    resumed = subprocess.run(
        [sys.executable, "-c", CLI_WITH_TORCH_REPORT, "measure", *arguments, "--resume"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    if not environment.may_have_a_gpu():  # the devices are known without torch: 2–3 s sooner
        assert resumed.stderr.splitlines()[-1] == "torch not imported"
    rows = read(out)
    assert len(rows) == 3 and rows[: len(first)] == first  # what was measured is kept, not redone
    assert {row["Weight"] for row in rows} == {
        "MobileNet_V3_Small_Weights.IMAGENET1K_V1",
        "SqueezeNet1_1_Weights.IMAGENET1K_V1",
        "ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1",
    }
    assert f"{3 - len(first)} measured, 0 failed, {len(first)} already in" in resumed.stderr


def test_a_device_that_is_not_here_is_refused_in_one_line(tmp_path, capsys):
    def refusal(*arguments: str) -> str:
        assert cli.main(["measure", *arguments]) == 1  # in this process: torch is imported already
        return capsys.readouterr().err

    assert refusal("--weights", "^AlexNet", "--device", "cuda", "--out", str(tmp_path / "x.csv")) == (
        "error: the device 'cuda' is not available here; available: cpu\n"
    )
    assert refusal("--dtype", "float16", "--out", str(tmp_path / "x.csv")).startswith(
        "error: float16 is for GPUs"
    )
    assert not (tmp_path / "x.csv").exists()
    existing = tmp_path / "old.csv"
    existing.write_text("keep me\n")
    assert "exists: add --resume" in refusal("--weights", "^AlexNet", "--out", str(existing))
    assert existing.read_text() == "keep me\n"


def venv_without_torch(tmp_path: Path) -> Path:
    """A real virtual environment holding every package of this one but torch, torchvision and
    their CUDA libraries (linked, not copied: nothing is downloaded)."""
    home = tmp_path / "no-torch"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    site = next((home / "lib").glob("python3*/site-packages"))
    source = Path(next(p for p in sys.path if p.endswith("site-packages")))
    for entry in source.iterdir():
        name = entry.name.lower()
        if name.startswith(
            ("torch", "nvidia", "triton", "cuda", "_virtualenv", "__editable__")
        ) or name.endswith(".pth"):
            continue
        (site / entry.name).symlink_to(entry)
    (site / "project.pth").write_text(str(ROOT) + "\n")
    return home / "bin" / "python"


def test_without_torch_the_cli_says_what_to_install_and_writes_nothing(tmp_path):
    python = venv_without_torch(tmp_path)
    probe = subprocess.run(
        [python, "-c", "import torchvision_stats, pandas; import torch"], capture_output=True, text=True
    )
    assert "No module named 'torch'" in probe.stderr
    done = measure_cli("--out", str(tmp_path / "m.csv"), python=str(python))
    assert done.returncode == 1 and not (tmp_path / "m.csv").exists()
    assert done.stderr.startswith(
        "error: measuring needs torch and torchvision: pip install 'torchvision-stats[measure]'"
    )
    assert len(done.stderr.splitlines()) == 1


MODELS = torchvision.models
SAMPLE = {
    "ResNet50_Weights.IMAGENET1K_V2": MODELS.ResNet50_Weights.IMAGENET1K_V2,
    "ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1": MODELS.ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1,
    "RegNet_Y_128GF_Weights.IMAGENET1K_SWAG_LINEAR_V1": (
        MODELS.RegNet_Y_128GF_Weights.IMAGENET1K_SWAG_LINEAR_V1
    ),
    "FasterRCNN_ResNet50_FPN_Weights.COCO_V1": MODELS.detection.FasterRCNN_ResNet50_FPN_Weights.COCO_V1,
    "DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1": (
        MODELS.segmentation.DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1
    ),
    "MViT_V2_S_Weights.KINETICS400_V1": MODELS.video.MViT_V2_S_Weights.KINETICS400_V1,
    "ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2": (
        MODELS.quantization.ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V2
    ),
}


@pytest.mark.parametrize("weight", list(SAMPLE))
def test_shipped_facts_equal_torchvisions_metadata(weight):
    shipped = facts.weight_facts().set_index("Weight").loc[weight]
    enum = SAMPLE[weight]
    assert shipped["File size (MB)"] == pytest.approx(enum.meta["_file_size"])
    assert shipped["Categories"] == len(enum.meta["categories"])
    assert shipped["Min input size (px)"] == min(enum.meta["min_size"])
    assert shipped["License"] == enum.meta.get("license", "")
    transform = enum.transforms()
    crop = getattr(transform, "crop_size", None)
    assert math.isnan(shipped["Crop size (px)"]) if crop is None else shipped["Crop size (px)"] == crop[0]


def test_the_swag_weights_carry_their_licence_and_the_others_none():
    table = facts.weight_facts()
    licensed = table[table["License"] != ""]
    assert set(licensed["License"]) == {"https://github.com/facebookresearch/SWAG/blob/main/LICENSE"}
    assert all("SWAG" in weight for weight in licensed["Weight"]) and len(licensed) == 12
    assert facts.source().startswith("torchvision 0.29.1")


def test_the_facts_cover_every_weight_of_the_bundled_pages():
    from torchvision_stats.data.snapshot import load_snapshot, snapshot_versions

    listed = {w for v in snapshot_versions() for t in load_snapshot(v).tables.values() for w in t["Weight"]}
    assert listed == set(facts.weight_facts()["Weight"])
    assert registry.FILE_SIZE.label in facts.weight_facts().columns


def test_a_background_run_reports_progress_and_cancels_with_its_worker(tmp_path):
    from torchvision_stats.measure.job import BackgroundRun

    run = BackgroundRun()
    out = tmp_path / "bg.csv"
    slow = Settings(threads=2, min_run_time=0.1, warmup=2000)  # long enough to cancel in
    assert run.start([MOBILENET.weight, RESNET50.weight], slow, out, "bg", "main")
    assert not run.start([MOBILENET.weight], slow, out, "again", "main")  # one at a time
    deadline = time.monotonic() + 120
    while run.status().current != MOBILENET.weight and time.monotonic() < deadline:
        time.sleep(0.2)
    status = run.status()
    assert status.running and status.total == 2 and status.current == MOBILENET.weight
    run.cancel()
    while run.status().running and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run.status().outcome == "cancelled"
    group = run.process_group
    assert group and group_members(group) == []  # the run, its fork server and its worker are gone
    assert not out.exists() or read(out) == []
