"""A non-editable install holds every layer and the bundled pages, and works from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_wheel_installs_and_scrapes_offline_outside_the_repo(tmp_path):
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            tmp_path,
            ROOT,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("torchvision_stats-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for layer in ("data", "questions", "output"):
        assert f"torchvision_stats/{layer}/__init__.py" in names
    for version in ("main", "0.20", "0.15", "0.13"):
        assert f"torchvision_stats/data/snapshots/{version}/models.html" in names
    assert "torchvision_stats/data/snapshots/provenance.json" in names
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    # Run from an empty folder with only the installed copy on the path (the venv gives the deps).
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    environment = {**os.environ, "PYTHONPATH": str(tmp_path / "site"), "PYTHONSAFEPATH": "1"}
    done = subprocess.run(
        [sys.executable, "-c", "import torchvision_stats, sys; print(torchvision_stats.__file__)"],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert str(tmp_path / "site") in done.stdout, done.stdout + done.stderr
    scraped = subprocess.run(
        [sys.executable, "-m", "torchvision_stats", "scrape", "--offline", "--out", "out"],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert scraped.returncode == 0, scraped.stderr
    assert len(list((workdir / "out").glob("*.csv"))) == 7
