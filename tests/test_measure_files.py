"""Measurement files stay one run's: --resume refuses a file measured otherwise (each setting), names
the difference and writes nothing; a torn last line is cut, never merged; older files still load;
one run at a time per machine; the CLI imports where `resource` and `fcntl` do not exist."""

from __future__ import annotations

import csv
import io
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_torch
from torchvision_stats import cli, registry
from torchvision_stats.data import measurement_file
from torchvision_stats.data.measurement_file import parse
from torchvision_stats.data.measurement_store import SetStore, with_measurements
from torchvision_stats.data.snapshot import load_snapshot
from torchvision_stats.measure import environment
from torchvision_stats.measure.settings import Settings

ROOT = Path(__file__).parent.parent
REFERENCES = ROOT / "torchvision_stats" / "data" / "reference_speed"


def measured_row(**changes: str) -> dict[str, str]:
    """A row as this machine's run with default settings writes it (torch's own versions)."""
    torch, torchvision = require_torch()
    row = {
        "Weight": "SqueezeNet1_1_Weights.IMAGENET1K_V1",
        "Latency (ms)": "5.000",
        "Latency p90 (ms)": "5.500",
        "Spread (%)": "3.0",
        "Samples": "100",
        "Throughput (inputs/s)": "200.00",
        "Batch size": "1",
        "Batch": "1",
        "Input shape": "1x3x224x224",
        "Device": "cpu",
        "Device name": environment.cpu_name(),
        "Threads": str(Settings().threads),
        "Dtype": "float32",
        "Precision": "none",
        "Channels last": "no",
        "Compile": "no",
        "Weights from": "random",
        "Torch": torch.__version__,
        "Torchvision": torchvision.__version__,
        "Measured at": "2026-12-07T00:00:00Z",
        "Error": "",
    }
    return {**row, **changes}


def write(path: Path, rows: list[dict[str, str]], columns=measurement_file.COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path.read_bytes()


def resume(out: Path, *options: str, capsys) -> tuple[int, str]:
    """The measure CLI run in this process (torch is imported already): exit code and stderr."""
    code = cli.main(
        ["measure", "--weights", "^SqueezeNet1_0_Weights", "--resume", *options, "--out", str(out)]
    )
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("label", "value", "difference"),
    [
        ("Device name", "Some Other CPU", "Device name: the file has Some Other CPU, this run "),
        ("Batch", "2", "Batch: the file has 2, this run 1"),
        ("Batch", "max ≤ 256", "Batch: the file has max ≤ 256, this run 1"),
        ("Precision", "cast", "Precision: the file has cast, this run none"),
        ("Compile", "default", "Compile: the file has default, this run no"),
        ("Weights from", "pretrained", "Weights from: the file has pretrained, this run random"),
        ("Dtype", "bfloat16", "Dtype: the file has bfloat16, this run float32"),
        ("Threads", "64", "Threads: the file has 64, this run "),
        ("Channels last", "yes", "Channels last: the file has yes, this run no"),
        ("Torch", "2.4.0", "Torch: the file has 2.4.0, this run "),
        ("Torchvision", "0.19.0", "Torchvision: the file has 0.19.0, this run "),
        ("Device", "cuda", "Device: the file has cuda, this run cpu"),
    ],
)
def test_resume_refuses_a_file_measured_otherwise_and_writes_nothing(
    tmp_path, capsys, label, value, difference
):
    out = tmp_path / "run.csv"
    before = write(out, [measured_row(**{label: value})])
    code, stderr = resume(out, capsys=capsys)
    assert code == 1 and out.read_bytes() == before
    assert stderr.startswith(f"error: {out} was measured with other settings (")
    assert difference in stderr and len(stderr.splitlines()) == 1


def test_resume_refuses_a_file_of_the_first_engine_and_one_that_mixes_runs(tmp_path, capsys):
    old = tmp_path / "old.csv"
    before = write(old, [measured_row()], columns=measurement_file.FIRST_COLUMNS)
    code, stderr = resume(old, capsys=capsys)
    assert code == 1 and old.read_bytes() == before
    assert "written by an earlier version of the measuring tool" in stderr
    mixed = tmp_path / "mixed.csv"
    write(mixed, [measured_row(), measured_row(Weight="AlexNet_Weights.IMAGENET1K_V1", Batch="8")])
    code, stderr = resume(mixed, capsys=capsys)
    assert code == 1 and "already mixes runs: its rows differ in Batch (1, 8)" in stderr


def test_the_settings_of_quantized_rows_and_failed_rows_do_not_count(tmp_path):
    out = tmp_path / "run.csv"
    write(
        out,
        [
            measured_row(),
            measured_row(Weight="ResNet18_QuantizedWeights.IMAGENET1K_FBGEMM_V1", Dtype="int8"),
            {"Weight": "AlexNet_Weights.IMAGENET1K_V1", "Error": "out of memory"},
        ],
    )
    assert measurement_file.file_settings(out)["Dtype"] == "float32"
    assert measurement_file.measured_weights(out) == [
        "SqueezeNet1_1_Weights.IMAGENET1K_V1",
        "ResNet18_QuantizedWeights.IMAGENET1K_FBGEMM_V1",
    ]  # the failed one is measured again by --resume


def test_a_torn_last_line_is_cut_before_the_next_row_and_never_merged(tmp_path):
    out = tmp_path / "run.csv"
    write(out, [measured_row()])
    whole = out.read_bytes()
    with out.open("ab") as handle:
        handle.write(b"AlexNet_Weights.IMAGENET1K_V1,24.1,25.8,3.0,10")  # killed mid-row
    assert out.read_bytes().endswith(b",10")
    measurement_file.append_row(out, measured_row(Weight="VGG11_Weights.IMAGENET1K_V1"))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["Weight"] for row in rows] == [
        "SqueezeNet1_1_Weights.IMAGENET1K_V1",
        "VGG11_Weights.IMAGENET1K_V1",
    ]
    assert rows[1]["Latency (ms)"] == "5.000" and out.read_bytes().startswith(whole)


def test_a_set_whose_last_line_is_being_written_loads_without_it():
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=measurement_file.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow({c: measured_row().get(c, "") for c in measurement_file.COLUMNS})
    table, _ = parse((buffer.getvalue() + "AlexNet_Weights.IMAGENET1K_V1,24.1,2").encode())
    assert table["Weight"].tolist() == ["SqueezeNet1_1_Weights.IMAGENET1K_V1"]


def test_files_of_the_first_engine_still_load_and_their_new_columns_are_missing(tmp_path):
    raw = (REFERENCES / "h200-batch1-float32.csv").read_bytes()
    assert raw.splitlines()[0].decode().split(",") == list(measurement_file.FIRST_COLUMNS)
    table, _ = parse(raw)
    assert list(table.columns) == list(measurement_file.COLUMNS)
    assert table["Spread (%)"].isna().all() and table["Samples"].isna().all() and (table["TF32"] == "").all()
    info, problems = SetStore().add(raw, "earlier laptop", "upload")  # a user's earlier file, uploaded
    assert info.rows == 130 and problems == []
    shown = with_measurements(load_snapshot("main"), SetStore().load(info.id))
    resnet = shown.tables["classification"].set_index("Weight").loc["ResNet50_Weights.IMAGENET1K_V2"]
    assert (
        resnet["Latency (ms)"] > 0 and resnet["Timing"] == "" and resnet["Spread (%)"] != resnet["Spread (%)"]
    )


def test_a_noisy_latency_is_marked_beside_it():
    rows = [measured_row(), measured_row(Weight="AlexNet_Weights.IMAGENET1K_V1", **{"Spread (%)": "14.2"})]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=measurement_file.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in measurement_file.COLUMNS} for row in rows)
    info, _ = SetStore().add(buffer.getvalue().encode(), "noisy", "upload")
    table = with_measurements(load_snapshot("main"), SetStore().load(info.id)).tables["classification"]
    marks = table.set_index("Weight")[registry.TIMING.label]
    assert marks["AlexNet_Weights.IMAGENET1K_V1"] == "⚠ noisy (spread 14.2 %)"
    assert marks["SqueezeNet1_1_Weights.IMAGENET1K_V1"] == "steady"
    assert marks["ResNet50_Weights.IMAGENET1K_V2"] != marks["ResNet50_Weights.IMAGENET1K_V2"]  # not measured


HOLD = """
import sys
from pathlib import Path
from torchvision_stats.measure.lock import machine_lock
with machine_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()  # held until the test says
"""


def first_line(pipe) -> str:
    """A line read byte by byte from an unbuffered pipe: nothing after it is taken from the pipe, so
    select() sees whatever comes next."""
    line = b""
    while not line.endswith(b"\n"):
        byte = os.read(pipe.fileno(), 1)
        if not byte:
            break
        line += byte
    return line.decode()


def test_a_second_run_waits_for_the_first_and_says_so(tmp_path):
    require_torch()
    cache = tmp_path / "cache"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(cache)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    out = tmp_path / "m.csv"
    second = subprocess.Popen(
        [
            sys.executable, "-m", "torchvision_stats", "measure", "--weights", "^SqueezeNet1_1_Weights",
            "--min-run-time", "0", "--warmup", "0", "--progress", "json", "--out", str(out),
        ],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0, cwd=ROOT,
        env={**os.environ, "TVSTATS_CACHE_DIR": str(cache)},
    )  # fmt: skip
    try:
        waiting = json.loads(first_line(second.stdout))  # blocks until the second has met the lock
        assert waiting == {"event": "waiting", "holder": waiting["holder"]}
        assert waiting["holder"].startswith(f"pid {holder.pid} since ")
        # While the lock is held the second starts nothing: no event for a second, no row.
        assert select.select([second.stdout], [], [], 1.0)[0] == []
        assert second.poll() is None and not out.exists()
        holder.communicate("release\n", timeout=30)
        rest, errors = (text.decode() for text in second.communicate(timeout=300))
    finally:
        for process in (holder, second):
            process.kill()
            process.wait()
    assert second.returncode == 0, errors
    assert f"note: another measuring run holds this machine (pid {holder.pid} since " in errors
    assert json.loads(rest.splitlines()[0])["event"] == "start"  # measuring began after the release
    assert [row["Error"] for row in csv.DictReader(out.open())] == [""]


BLOCKED = """
import sys
sys.modules["resource"] = None  # as on Windows: import resource raises ImportError
sys.modules["fcntl"] = None
from torchvision_stats import cli
from torchvision_stats.measure import command, job, lock, memory, runner, settings, timing, worker
sys.exit(cli.main(["measure", "--help"]))
"""


def test_the_cli_imports_without_resource_and_fcntl():
    done = subprocess.run([sys.executable, "-c", BLOCKED], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "--channels-last" in done.stdout


HYPER_THREADED = "".join(
    f"processor\t: {cpu}\nphysical id\t: {cpu // 4}\ncore id\t\t: {cpu % 4 // 2}\n\n" for cpu in range(8)
)


def test_threads_default_to_the_physical_cores_as_torch_itself_does():
    # Two packages of two cores, each core two logical CPUs: four physical cores.
    assert environment.physical_cores(HYPER_THREADED, allowed=set(range(8))) == 4
    assert environment.physical_cores(HYPER_THREADED, allowed={0, 1, 4}) == 2  # an affinity mask
    require_torch()
    fresh = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.get_num_threads())"], capture_output=True, text=True
    )
    assert int(fresh.stdout) == environment.physical_cores() == Settings().threads
