"""Load test: one app server, N concurrent Chromium sessions each doing M interactions.

An interaction ends when the server says the run it caused has finished (read from the page's
websocket) and the page shows no stale element. Prints p50/p95 interaction latency, server RSS
before and after, errors, and how often the docs page was fetched and parsed (it should be once
for all sessions: they share the cache).

    make loadtest          # or: .venv/bin/python benchmarks/load_test.py [--sessions 20] [--interactions 10]

With --impatient, a user acts as soon as the page shows nothing stale, without waiting for the
server to start the run the last click asked for: that reproduces the failed downloads described in
docs/RELIABILITY.md.
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

from google.protobuf.message import DecodeError
from playwright.async_api import async_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import real_page  # noqa: E402
from tests.docs_server import DocsServer, Route  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, launch_app, wait_until_healthy  # noqa: E402

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


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time used so far by one process (user + system), or by the whole machine if pid is None."""
    ticks = os.sysconf("SC_CLK_TCK")
    if pid is None:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        idle = int(fields[3]) + int(fields[4])  # idle + iowait
        return (sum(int(field) for field in fields[:8]) - idle) / ticks
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


class ScriptRuns:
    """The server's own word on a page's script runs, read from the page's websocket.

    The page cannot tell by itself: until the server starts the rerun a click asked for, nothing
    on it is marked stale. Under load that takes seconds, and a user simulated by watching the
    page alone clicks on a page the server has not updated yet.
    """

    def __init__(self, page) -> None:
        self.started = 0  # runs begun (a new_session message each)
        self.finished_start = 0  # `started` as it was when the last run finished successfully
        page.on("websocket", lambda socket: socket.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg()
        try:
            message.ParseFromString(payload)
        except DecodeError:
            return
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.started += 1
        elif kind == "script_finished" and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.finished_start = self.started

    async def wait_for_run_after(self, started_before: int, timeout: float = 120) -> None:
        """Until a run that began after the count `started_before` has finished successfully."""
        deadline = time.perf_counter() + timeout
        while self.finished_start <= started_before:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no script run finished within {timeout:.0f} s")
            await asyncio.sleep(0.01)


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
    rows = Path(await (await info.value).path()).read_text(encoding="utf-8").splitlines()
    if len(rows) < 2 or not rows[0].startswith("Weight,"):
        raise ValueError(f"the CSV downloaded has {len(rows)} line(s), starting {rows[:1]}")
    return start


# (name, action, whether it makes the app run again: the download button is set not to)
INTERACTIONS = [
    ("category", lambda p: choose(p, "Category", "Object detection"), True),
    ("x axis", lambda p: choose(p, "X axis", "Params (M)"), True),
    ("y axis", lambda p: choose(p, "Y axis", "Quality per M params"), True),
    ("log x", lambda p: toggle(p, "Log X"), True),
    ("pareto show", lambda p: segment(p, "Show"), True),
    ("search", lambda p: search(p, "rcnn"), True),
    ("pareto only", lambda p: segment(p, "Only"), True),
    ("download", download, False),
    ("search cleared", lambda p: search(p, ""), True),
    ("category back", lambda p: choose(p, "Category", "Classification"), True),
]


IMPATIENT_PAUSE_MS = 50  # what an impatient user waits after an action before looking at the page


async def session(
    browser, url: str, interactions: int, impatient: bool, latencies: list, errors: list, number: int
) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = await context.new_page()
    runs = ScriptRuns(page)
    name = "first page"
    try:
        await page.goto(url, timeout=120_000)
        await runs.wait_for_run_after(0)
        await page.wait_for_selector(POINTS, timeout=120_000)
        await settle(page)
        for step in range(interactions):
            name, action, reruns = INTERACTIONS[step % len(INTERACTIONS)]
            started_before = runs.started
            start = await action(page)
            if impatient:
                await page.wait_for_timeout(IMPATIENT_PAUSE_MS)
            elif reruns:
                await runs.wait_for_run_after(started_before)
            await settle(page)
            latencies.append((name, time.perf_counter() - start))
            if await page.get_by_test_id("stException").count():
                errors.append(f"session {number}: exception after {name}")
    except Exception as error:  # a timeout or a missing element is an error of the run, not a crash
        errors.append(f"session {number}, {name}: {type(error).__name__}: {str(error).splitlines()[0]}")
        if os.environ.get("LOADTEST_SCREENSHOTS"):
            await page.screenshot(path=f"{os.environ['LOADTEST_SCREENSHOTS']}/failed-{number}.png")
    finally:
        await context.close()


async def main_async(sessions: int, interactions: int, impatient: bool) -> None:
    with DocsServer() as docs, tempfile.TemporaryDirectory() as cache, tempfile.TemporaryFile("w+") as log:
        docs.serve_page("main", Route(real_page("main")))
        environment = {**os.environ, "TVSTATS_DOCS_BASE_URL": docs.base_url, "TVSTATS_CACHE_DIR": cache}
        server, url = launch_app(environment, output=log)
        try:
            wait_until_healthy(url, server)
            rss_before = rss_megabytes(server.pid)
            server_cpu_before, machine_cpu_before = cpu_seconds(server.pid), cpu_seconds()
            latencies: list = []
            errors: list = []
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                started = time.perf_counter()
                await asyncio.gather(
                    *(
                        session(browser, url, interactions, impatient, latencies, errors, n)
                        for n in range(sessions)
                    )
                )
                wall = time.perf_counter() - started
                await browser.close()
            rss_after = rss_megabytes(server.pid)
            server_cpu = cpu_seconds(server.pid) - server_cpu_before
            machine_cpu = cpu_seconds() - machine_cpu_before
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
        f"sessions: {sessions} concurrent Chromium contexts, {interactions} interactions each"
        f"{' (impatient users)' if impatient else ''}, "
        f"{len(latencies)} interactions done in {wall:.0f} s"
    )
    print(
        f"interaction latency: p50 {statistics.median(seconds) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        if seconds
        else "interaction latency: none measured"
    )
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))
    print(f"server RSS: {rss_before:.0f} MB before, {rss_after:.0f} MB after")
    print(
        f"CPU: the app server used {server_cpu:.0f} s ({server_cpu / max(len(latencies), 1) * 1000:.0f} ms "
        f"per interaction), {server_cpu / max(machine_cpu, 1e-9):.0%} of all CPU time used on this "
        f"machine during the run ({machine_cpu:.0f} s on {os.cpu_count()} cores in {wall:.0f} s; "
        "the browsers used most of the rest)"
    )
    print(f"docs page fetched {fetches} time(s), parsed {parses} time(s) for all sessions")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--interactions", type=int, default=10)
    parser.add_argument(
        "--impatient", action="store_true", help="act without waiting for the server to finish each run"
    )
    arguments = parser.parse_args()
    asyncio.run(main_async(arguments.sessions, arguments.interactions, arguments.impatient))


if __name__ == "__main__":
    main()
