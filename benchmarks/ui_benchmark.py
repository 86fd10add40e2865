"""UI speed, measured in Chromium and in Streamlit's own script runner.

1. `streamlit run` → first plotted point in the browser, for this app and for a minimal one-chart
   app, alternating runs (the ratio is the figure that matters on a noisy machine).
2. Changing the Y axis in the browser → the chart repainted with the new axis (median): timed
   around Playwright's click (its checks before clicking included), and in the page from the
   click event itself to the first frame with the new axis title.
3. Server-side script time of a rerun after a widget change (AppTest; includes its overhead).
4. A new visitor on a warm server → first plotted point, for this app and the minimal app, visits
   alternating; each split into when the chart's message arrived over the websocket (the server's
   share) and the rest (the browser drawing it).

    make bench-ui          # or: .venv/bin/python benchmarks/ui_benchmark.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, launch_app, start_app  # noqa: E402
from torchvision_stats.views.explore import EXPLORE  # noqa: E402

POINT = ".js-plotly-plot .scatterlayer .trace path.point"


def open_when_up(page, url: str, started: float) -> None:
    """Load the page as soon as the server accepts connections."""
    while True:
        try:
            page.goto(url + "/", timeout=2000)
            return
        except Exception:
            if time.perf_counter() - started > 60:
                raise
            time.sleep(0.05)


def time_to_first_point(browser, script: str, environment: dict[str, str]) -> float:
    start = time.perf_counter()
    process, url = launch_app(environment, script)
    try:
        context = browser.new_context()
        open_when_up(context.new_page(), url, start)
        context.pages[0].wait_for_selector(POINT, timeout=60_000)
        elapsed = time.perf_counter() - start
        context.close()
        return elapsed
    finally:
        process.terminate()
        process.wait(timeout=20)


def axis_change_times(browser, environment: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """(around Playwright's click, from the page's click event) to the repainted axis, per change."""
    process, url = start_app(environment)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_when_up(page, url, time.perf_counter())
        page.wait_for_selector(POINT, timeout=60_000)
        page.wait_for_timeout(3000)  # let the background refresh settle
        page.evaluate(
            "document.addEventListener('click', () => { window.clickedAt = performance.now(); }, true)"
        )
        timings, in_page = [], []
        labels = ["Acc@5 (%)", "Acc@1 (%)"]
        for run in range(runs):
            label = labels[run % 2]
            page.get_by_test_id("stSelectbox").filter(has_text="Y axis").first.click()
            option = page.get_by_role("option", name=label, exact=True)
            option.wait_for()
            start = time.perf_counter()
            option.click()
            repainted = page.wait_for_function(
                "label => document.querySelector('.js-plotly-plot .ytitle')?.textContent === label"
                " && performance.now() - window.clickedAt",
                arg=label,
                timeout=30_000,
            )
            timings.append(time.perf_counter() - start)
            in_page.append(repainted.json_value() / 1000)
            page.wait_for_timeout(300)
        return timings, in_page
    finally:
        process.terminate()
        process.wait(timeout=20)


def visit(browser, url: str) -> tuple[float, float]:
    """(seconds to the first plotted point, seconds to the websocket message holding the figure)
    for a visitor with a fresh browser context (nothing cached) opening `url`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    arrived: list[float] = []
    start = time.perf_counter()

    def on_frame(payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        if not arrived and b'"data":[{' in data:  # the Plotly figure's JSON, inside Streamlit's message
            arrived.append(time.perf_counter() - start)

    page.on("websocket", lambda socket: socket.on("framereceived", on_frame))
    page.goto(url + "/")
    page.wait_for_selector(POINT, timeout=60_000)
    drawn = time.perf_counter() - start
    context.close()
    return drawn, (arrived or [float("nan")])[0]


def warm_visits(browser, environment: dict[str, str], visits: int) -> dict[str, list[tuple[float, float]]]:
    """Each app on its own warm server (one visit first), then `visits` new visitors each, alternating."""
    servers = {script: start_app(environment, script) for script in ("app.py", "benchmarks/minimal_app.py")}
    try:
        for _process, url in servers.values():
            visit(browser, url)
        times: dict[str, list[tuple[float, float]]] = {script: [] for script in servers}
        for _ in range(visits):
            for script, (_process, url) in servers.items():
                times[script].append(visit(browser, url))
        return times
    finally:
        for process, _url in servers.values():
            process.terminate()
            process.wait(timeout=20)


def rerun_times(runs: int) -> list[float]:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    box = next(b for b in app.selectbox if b.key == EXPLORE.keys("y"))
    timings = []
    for run in range(runs):
        box.set_value(["Acc@5", "Acc@1"][run % 2])
        start = time.perf_counter()
        app.run()
        timings.append(time.perf_counter() - start)
        box = next(b for b in app.selectbox if b.key == EXPLORE.keys("y"))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="start-up runs per app (default 5)")
    runs = parser.parse_args().runs
    cache = tempfile.mkdtemp(prefix="tvstats-bench-")
    # No network here: point the refresher at a closed local port so it fails at once, as offline users see.
    environment = {
        **os.environ,
        "TVSTATS_CACHE_DIR": cache,
        "TVSTATS_DOCS_BASE_URL": "http://127.0.0.1:9/vision/",
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        startup = {"app.py": [], "benchmarks/minimal_app.py": []}
        for _ in range(runs):
            for script in startup:
                startup[script].append(time_to_first_point(browser, script, environment))
        axis, axis_in_page = axis_change_times(browser, environment, 11)
        warm = warm_visits(browser, environment, 6)
        browser.close()
    # AppTest runs the app in this process: the same cache folder and closed port, so that it
    # neither reads the user's cache nor tries the live site.
    os.environ.update(environment)
    rerun = rerun_times(21)
    app_start = statistics.median(startup["app.py"])
    minimal_start = statistics.median(startup["benchmarks/minimal_app.py"])
    print(
        f"start-up to first plotted point, median of {runs}: app {app_start:.2f} s, "
        f"minimal one-chart app {minimal_start:.2f} s, ratio {app_start / minimal_start:.2f}x"
    )
    print(
        f"Y axis change to repainted chart, median of {len(axis)}: {statistics.median(axis) * 1000:.0f} ms "
        f"around Playwright's click, {statistics.median(axis_in_page) * 1000:.0f} ms from the click event"
    )
    print(
        f"server-side rerun after a widget change (AppTest), median of {len(rerun)}: "
        f"{statistics.median(rerun) * 1000:.0f} ms"
    )
    drawn = {script: statistics.median(t[0] for t in visits) for script, visits in warm.items()}
    arrived = {script: statistics.median(t[1] for t in visits) for script, visits in warm.items()}
    app, minimal = "app.py", "benchmarks/minimal_app.py"
    print(
        f"new visitor on a warm server to first plotted point, median of {len(warm[app])}: app "
        f"{drawn[app]:.2f} s (figure arrived at {arrived[app]:.2f} s), minimal one-chart app "
        f"{drawn[minimal]:.2f} s (at {arrived[minimal]:.2f} s), ratio {drawn[app] / drawn[minimal]:.2f}x"
    )


if __name__ == "__main__":
    main()
