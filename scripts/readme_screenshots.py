"""The README's screenshots, taken in Chromium from the app as a first-time user meets it: offline,
on the bundled pages. Run: .venv/bin/python scripts/readme_screenshots.py (needs Playwright and
Debian's chromium, as `make test` installs them)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SHOTS = {
    "explore.png": "/?size=Params%20(M)&pareto=frontier",
    "explore-latency.png": "/?x=Latency%20(ms)&pareto=frontier",
    "compare.png": "/compare?weights=ResNet50_Weights.IMAGENET1K_V2,ConvNeXt_Tiny_Weights.IMAGENET1K_V1,"
    "ViT_B_16_Weights.IMAGENET1K_V1",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as cache:
        environment = {
            **os.environ,
            "TVSTATS_CACHE_DIR": cache,
            "TVSTATS_DOCS_BASE_URL": "http://127.0.0.1:9/vision/",
        }
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--no-sandbox"]
                )
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                for name, path in SHOTS.items():
                    page.goto(url + path)
                    page.wait_for_selector(".js-plotly-plot, [data-testid=stDataFrame]", timeout=60_000)
                    page.wait_for_timeout(4000)  # the chart's transitions and the sidebar's status
                    page.screenshot(path=ROOT / "docs" / name)
                    print("wrote", Path("docs") / name)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
