"""The command line end to end, as a user runs it: a subprocess, real files, real exit codes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import real_page
from tests.docs_server import Route

CATEGORY_FILES = [
    "classification.csv",
    "instance_segmentation.csv",
    "keypoint_detection.csv",
    "object_detection.csv",
    "provenance.json",
    "quantized_classification.csv",
    "semantic_segmentation.csv",
    "video_classification.csv",
]


def scrape(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "torchvision_stats", "scrape", *arguments],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_offline_scrape_writes_seven_csvs_with_158_rows_matching_the_page(tmp_path):
    out = tmp_path / "out"
    done = scrape("--offline", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == CATEGORY_FILES
    rows = {p.stem: read_csv(p) for p in out.glob("*.csv")}
    assert sum(len(r) for r in rows.values()) == 158
    assert list(rows["object_detection"][0]) == [
        "Weight",
        "Model",
        "Family",
        "Module",
        "Box MAP",
        "Params (M)",
        "GFLOPS",
        "Quality per GFLOP",
        "Quality per M params",
        "Recipe",
        "Docs",
    ]
    resnet = next(r for r in rows["classification"] if r["Weight"] == "ResNet50_Weights.IMAGENET1K_V2")
    assert (resnet["Acc@1"], resnet["Acc@5"], resnet["Params (M)"], resnet["GFLOPS"]) == (
        "80.858",
        "95.434",
        "25.6",
        "4.09",
    )
    vgg = next(r for r in rows["classification"] if r["Weight"] == "VGG16_Weights.IMAGENET1K_FEATURES")
    assert vgg["Acc@1"] == "" and vgg["Params (M)"] == "138.4"
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["source"] == "bundled snapshot"
    assert provenance["page_version"] == "main (0.25.0a0+218d2ab)"
    assert provenance["rows"]["classification"] == 115
    counts = {words[0]: words[1] for words in map(str.split, done.stdout.splitlines()) if len(words) == 2}
    assert (
        counts["total"] == "158" and counts["keypoint_detection"] == "2" and counts["classification"] == "115"
    )


def test_json_format(tmp_path):
    done = scrape("--offline", "--format", "json", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    records = json.loads((tmp_path / "video_classification.json").read_text())
    assert len(records) == 10
    s3d = next(r for r in records if r["Weight"] == "S3D_Weights.KINETICS400_V1")
    assert s3d["Family"] == "S3D" and s3d["Model"] == "s3d"


def test_from_file_parses_a_saved_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(real_page("0.13"))
    done = scrape("--from-file", str(page), "--version", "0.13", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    header = read_csv(tmp_path / "out" / "classification.csv")[0]
    assert "GFLOPS" not in header and "Acc@1" in header
    assert any(line.split() == ["total", "147"] for line in done.stdout.splitlines())


def test_live_scrape_from_a_local_docs_server(tmp_path, docs_server):
    docs_server.serve_page("0.20", Route(real_page("0.20")))
    done = scrape("--live", "--version", "0.20", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "provenance.json").read_text())["source"] == "live docs"
    assert docs_server.requests == ["/vision/0.20/models.html"]


def test_live_failure_is_one_line_on_stderr_non_zero_and_writes_nothing(tmp_path, docs_server):
    docs_server.serve_page("main", Route(b"down", 503, "text/plain"))
    out = tmp_path / "out"
    done = scrape("--live", "--out", str(out))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: Could not refresh from the docs:")
    assert "HTTP 503" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_invalid_version_is_refused(tmp_path):
    done = scrape("--version", "../../etc", "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    expected = "'../../etc' is not a torchvision docs version: use main, stable or a release such as 0.20."
    assert done.stderr == f"error: {expected}\n"


def test_a_file_that_is_not_the_models_page(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body>hello</body></html>")
    done = scrape("--from-file", str(page), "--out", str(tmp_path / "out"))
    assert done.returncode == 1 and "no table of model weights" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_file(tmp_path):
    done = scrape("--from-file", str(tmp_path / "nope.html"), "--out", str(tmp_path / "out"))
    assert done.returncode == 1 and done.stderr.startswith("error: No such file or directory")


def test_help_documents_every_option():
    done = subprocess.run(
        [sys.executable, "-m", "torchvision_stats", "scrape", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in (
        "--version",
        "--from-file",
        "--out",
        "--format",
        "--offline",
        "--live",
        "TVSTATS_DOCS_BASE_URL",
        "TVSTATS_CACHE_DIR",
        "provenance.json",
    ):
        assert option in done.stdout
