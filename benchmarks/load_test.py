"""Load test: one app server, N concurrent Chromium sessions each doing M interactions.

Prints p50/p95 interaction latency, server RSS before and after, errors, and how often the docs
page was fetched and parsed (it should be once for all sessions: they share the cache).

    make loadtest          # or: .venv/bin/python benchmarks/load_test.py [--sessions 20] [--interactions 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import real_page  # noqa: E402
from tests.docs_server import DocsServer, Route  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, launch_app, wait_until_healthy  # noqa: E402

RERUN_START_MS = 50  # waited after each action, then left out of its latency
POINTS = ".js-plotly-plot .scatterlayer .trace path.point"
SETTLED = (
    "() => !document.querySelector('[data-stale=\"true\"]') && "
    "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
)


def rss_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def settle(page) -> None:
    await page.wait_for_function(SETTLED, timeout=120_000)


async def choose(page, label: str, option: str) -> float:
    """Pick an option; returns when the choosing click began (opening the list is not timed)."""
    select = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):  # a select that still has focus from an earlier click may need a second one
        await select.click()
        try:
            await choice.wait_for(timeout=3000)
            break
        except Exception:
            await page.keyboard.press("Escape")
    start = time.perf_counter()
    await choice.click()
    return start


async def toggle(page, label: str) -> float:
    start = time.perf_counter()
    await (
        page.get_by_test_id("stCheckbox").filter(has_text=label).first.get_by_text(label, exact=True).click()
    )
    return start


async def segment(page, label: str) -> float:
    start = time.perf_counter()
    await page.get_by_test_id("stButtonGroup").get_by_text(label, exact=True).click()
    return start


async def search(page, text: str) -> float:
    box = page.get_by_test_id("stTextInput").filter(has_text="Search models").locator("input")
    await box.fill(text)
    start = time.perf_counter()
    await box.press("Enter")
    return start


async def download(page) -> float:
    start = time.perf_counter()
    async with page.expect_download() as info:
        await page.get_by_test_id("stDownloadButton").filter(has_text="Download CSV").click()
    await (await info.value).path()
    return start


INTERACTIONS = [
    ("category", lambda p: choose(p, "Category", "Object detection")),
    ("x axis", lambda p: choose(p, "X axis", "Params (M)")),
    ("y axis", lambda p: choose(p, "Y axis", "Quality per M params")),
    ("log x", lambda p: toggle(p, "Log X")),
    ("pareto show", lambda p: segment(p, "Show")),
    ("search", lambda p: search(p, "rcnn")),
    ("pareto only", lambda p: segment(p, "Only")),
    ("download", download),
    ("search cleared", lambda p: search(p, "")),
    ("category back", lambda p: choose(p, "Category", "Classification")),
]


async def session(browser, url: str, interactions: int, latencies: list, errors: list, number: int) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = await context.new_page()
    name = "first page"
    try:
        await page.goto(url, timeout=120_000)
        await page.wait_for_selector(POINTS, timeout=120_000)
        await settle(page)
        for step in range(interactions):
            name, action = INTERACTIONS[step % len(INTERACTIONS)]
            start = await action(page)
            await page.wait_for_timeout(RERUN_START_MS)  # let the rerun begin before waiting for its end
            await settle(page)
            latencies.append((name, time.perf_counter() - start - RERUN_START_MS / 1000))
            if await page.get_by_test_id("stException").count():
                errors.append(f"session {number}: exception after {name}")
    except Exception as error:  # a timeout or a missing element is an error of the run, not a crash
        errors.append(f"session {number}, {name}: {type(error).__name__}: {str(error).splitlines()[0]}")
        if os.environ.get("LOADTEST_SCREENSHOTS"):
            await page.screenshot(path=f"{os.environ['LOADTEST_SCREENSHOTS']}/failed-{number}.png")
    finally:
        await context.close()


async def main_async(sessions: int, interactions: int) -> None:
    with DocsServer() as docs, tempfile.TemporaryDirectory() as cache, tempfile.TemporaryFile("w+") as log:
        docs.serve_page("main", Route(real_page("main")))
        environment = {**os.environ, "TVSTATS_DOCS_BASE_URL": docs.base_url, "TVSTATS_CACHE_DIR": cache}
        server, url = launch_app(environment, output=log)
        try:
            wait_until_healthy(url, server)
            rss_before = rss_megabytes(server.pid)
            latencies: list = []
            errors: list = []
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                started = time.perf_counter()
                await asyncio.gather(
                    *(session(browser, url, interactions, latencies, errors, n) for n in range(sessions))
                )
                wall = time.perf_counter() - started
                await browser.close()
            rss_after = rss_megabytes(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=20)
        log.seek(0)
        output = log.read()
    seconds = sorted(latency for _, latency in latencies)
    p95 = seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))] if seconds else float("nan")
    fetches = sum(path == "/vision/main/models.html" for path in docs.requests)
    parses = sum("parsed" in line and "models.html" in line for line in output.splitlines())
    if os.environ.get("LOADTEST_SERVER_LOG"):
        Path(os.environ["LOADTEST_SERVER_LOG"]).write_text(output)
    print(
        f"sessions: {sessions} concurrent Chromium contexts, {interactions} interactions each, "
        f"{len(latencies)} interactions done in {wall:.0f} s"
    )
    print(
        f"interaction latency: p50 {statistics.median(seconds) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        if seconds
        else "interaction latency: none measured"
    )
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))
    print(f"server RSS: {rss_before:.0f} MB before, {rss_after:.0f} MB after")
    print(f"docs page fetched {fetches} time(s), parsed {parses} time(s) for all sessions")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--interactions", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(main_async(arguments.sessions, arguments.interactions))


if __name__ == "__main__":
    main()
