"""What deployment measures, with real torch on the CPU: weights cast to bfloat16, torch.compile,
the best-throughput batch up to a cap, pretrained weights through the torch hub (a local HTTP
mirror, never the internet), and each refusal in one line."""

from __future__ import annotations

import csv
import math
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import require_torch
from tests.docs_server import DocsServer, Route
from torchvision_stats.measure import command, runner
from torchvision_stats.measure import model as models
from torchvision_stats.measure.settings import Settings
from torchvision_stats.measure.target import Target

torch, torchvision = require_torch()

QUICK = Settings(threads=2, min_run_time=0.0, warmup=1, timeout_s=300)
SQUEEZENET = Target(
    "SqueezeNet1_1_Weights.IMAGENET1K_V1", "squeezenet1_1", "torchvision.models", "classification"
)
# Of the small networks, the one bfloat16 slows least on a CPU without native bfloat16 (about 4×;
# ResNet-18 40×): the cast test stays seconds long.
SHUFFLENET = Target(
    "ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1", "shufflenet_v2_x0_5", "torchvision.models", "classification"
)
# Its file name carries no hash (torch.hub checks a "-<hex>." suffix only), so a state dict made here
# can stand in for the real download.
# A real network of one convolution (tests/fake_builders.py): torch.compile's kernels for it build in
# seconds on a fresh machine, SqueezeNet's in half a minute; what is tested is the engine's path.
TINY = Target("Tiny_Weights.V1", "tiny_network", "tests.fake_builders", "classification")
QNNPACK = Target(
    "MobileNet_V2_QuantizedWeights.IMAGENET1K_QNNPACK_V1",
    "mobilenet_v2",
    "torchvision.models.quantization",
    "quantized_classification",
)


def measured_row(target: Target, settings: Settings, out: Path) -> dict[str, str]:
    runner.run([target], settings, out)
    with out.open(newline="", encoding="utf-8") as handle:
        [row] = list(csv.DictReader(handle))
    return row


def test_a_bfloat16_cast_holds_two_bytes_a_weight_and_autocast_four(tmp_path):
    cast = replace(QUICK, dtype="bfloat16", precision="cast")
    row = measured_row(SHUFFLENET, cast, tmp_path / "cast.csv")
    assert row["Error"] == ""
    assert (row["Dtype"], row["Precision"]) == ("bfloat16", "cast")
    parameters = torchvision.models.ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1.meta["num_params"]
    # The CSV holds tenths of a MB: 2.7 for 2.73, not the 5.5 of float32.
    assert float(row["Weights (MB)"]) == pytest.approx(parameters * 2 / 1e6, abs=0.05)
    autocast = measured_row(SHUFFLENET, replace(QUICK, dtype="bfloat16"), tmp_path / "autocast.csv")
    assert (autocast["Error"], autocast["Dtype"], autocast["Precision"]) == ("", "bfloat16", "autocast")
    assert float(autocast["Weights (MB)"]) == pytest.approx(parameters * 4 / 1e6, abs=0.05)


def test_a_compiled_model_is_timed_after_its_compile_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent.parent))  # the worker imports tests.*
    row = measured_row(TINY, replace(QUICK, compile="default"), tmp_path / "c.csv")
    assert row["Error"] == ""
    assert (row["Compile"], row["Input shape"]) == ("default", "1x3x32x32")
    compile_seconds = float(row["Compile time (s)"])
    # The first call compiles (seconds, with a C++ compiler); the timed calls are the compiled code's.
    assert compile_seconds > 0.2 and compile_seconds * 1000 > 5 * float(row["Latency (ms)"])
    eager = measured_row(TINY, QUICK, tmp_path / "eager.csv")
    assert (eager["Compile"], eager["Compile time (s)"]) == ("no", "")


def test_the_best_batch_is_searched_up_to_the_cap(tmp_path):
    searching = replace(QUICK, find_batch=True, max_batch=4)
    row = measured_row(SQUEEZENET, searching, tmp_path / "max.csv")
    assert row["Error"] == "" and row["Batch"] == "max ≤ 4"
    batch = int(row["Batch size"])
    assert batch in (1, 2, 4)
    assert row["Input shape"] == f"{batch}x3x224x224"
    assert float(row["Throughput (inputs/s)"]) == pytest.approx(
        batch * 1000 / float(row["Latency (ms)"]), rel=0.01
    )


def test_each_refusal_names_what_this_machine_cannot_run():
    refusal = command.device_refusal
    assert refusal(Settings(device="cuda"), ["cpu"], native_bfloat16=False) == (
        "the device 'cuda' is not available here; available: cpu"
    )
    assert refusal(Settings(dtype="float16", precision="cast"), ["cpu"], native_bfloat16=False) == (
        "float16 is for GPUs; on the CPU use float32 or bfloat16"
    )
    gpu = ["cpu", "cuda"]
    assert refusal(Settings(device="cuda", dtype="bfloat16"), gpu, native_bfloat16=False) == (
        "this GPU has no native bfloat16 (torch.cuda.is_bf16_supported); use float16 or float32"
    )
    assert refusal(Settings(device="cuda", dtype="bfloat16"), gpu, native_bfloat16=True) is None
    assert refusal(Settings(device="cuda", dtype="float16"), gpu, native_bfloat16=False) is None
    assert refusal(Settings(dtype="bfloat16", precision="cast"), ["cpu"], native_bfloat16=False) is None


def _checkpoint_file(target: Target) -> str:
    return models.weights_enum(target).url.rsplit("/", 1)[-1]


def test_pretrained_weights_come_through_the_hub_from_a_mirror_and_are_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    weights = models.weights_enum(QNNPACK)
    served = models.build(QNNPACK, weights).state_dict()
    served["quant.scale"] = torch.tensor([0.123])  # a value the builder never makes: seen if loaded
    checkpoint = tmp_path / "checkpoint.pth"
    torch.save(served, checkpoint)
    name = _checkpoint_file(QNNPACK)
    with DocsServer() as mirror:
        mirror.routes[f"/weights/{name}"] = Route(
            checkpoint.read_bytes(), content_type="application/octet-stream"
        )
        monkeypatch.setenv(models.MIRROR, mirror.base_url.replace("/vision/", "/weights/"))
        loaded = models.build(QNNPACK, weights, pretrained=True)
        assert loaded.state_dict()["quant.scale"].item() == pytest.approx(0.123)
        assert (tmp_path / "torch-home" / "hub" / "checkpoints" / name).exists()  # cached by the hub
        row = measured_row(QNNPACK, replace(QUICK, weights_from="pretrained"), tmp_path / "p.csv")
        assert mirror.requests == [f"/weights/{name}"]  # the measured run read the hub's cache
    assert (row["Error"], row["Weights from"]) == ("", "pretrained")
    assert math.isfinite(float(row["Latency (ms)"]))


def test_pretrained_weights_neither_cached_nor_downloadable_are_that_weights_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    with DocsServer() as mirror:  # it has no files: every download is a 404
        monkeypatch.setenv(models.MIRROR, mirror.base_url)
        row = measured_row(QNNPACK, replace(QUICK, weights_from="pretrained"), tmp_path / "offline.csv")
    assert row["Latency (ms)"] == ""
    assert row["Error"].startswith("the pretrained weights are not in the torch hub cache (")
    assert "could not be downloaded: HTTP Error 404" in row["Error"]


def test_a_download_that_does_not_match_its_hash_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    name = _checkpoint_file(SQUEEZENET)  # squeezenet1_1-b8a52dc0.pth: the hub checks that prefix
    with DocsServer() as mirror:
        mirror.routes[f"/vision/{name}"] = Route(b"not a checkpoint", content_type="application/octet-stream")
        monkeypatch.setenv(models.MIRROR, mirror.base_url)
        with pytest.raises(models.PretrainedUnavailable, match="do not match their hash"):
            models.build(SQUEEZENET, models.weights_enum(SQUEEZENET), pretrained=True)
    assert not (tmp_path / "torch-home" / "hub" / "checkpoints" / name).exists()
