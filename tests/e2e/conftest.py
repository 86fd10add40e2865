"""Real-browser tests: the app under `streamlit run`, Debian's Chromium driven by Playwright.

The app reads the docs from a real HTTP server on 127.0.0.1 serving the real main page and
keeps its cache in a temporary folder. A test skips only with its reason printed (pytest -ra), and
never in CI: with any CI variable set, a missing browser or Playwright fails the run.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import real_page, skip_or_fail
from tests.docs_server import DocsServer, Route

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("TVSTATS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not become healthy in time")


def launch_app(environment: dict[str, str], script: str = "app.py", output=subprocess.DEVNULL):
    """`streamlit run` on a free port of 127.0.0.1; returns (process, url) without waiting."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=output)
    return process, f"http://127.0.0.1:{port}"


def start_app(environment: dict[str, str], script: str = "app.py") -> tuple[subprocess.Popen, str]:
    """launch_app, then wait until the server answers its health check."""
    process, url = launch_app(environment, script)
    try:
        wait_until_healthy(url, process)
    except RuntimeError:
        process.kill()
        raise
    return process, url


@contextlib.contextmanager
def app_process_and_docs(route: Route, cache_dir: Path, **environment: str):
    """(app URL, the app server's process, docs server): the app, with `environment` added to its
    own, its docs site a local server answering the main page with `route`; the test may change
    what the server answers."""
    with DocsServer() as docs:
        docs.serve_page("main", route)
        process, url = start_app(
            {
                **os.environ,
                "TVSTATS_DOCS_BASE_URL": docs.base_url,
                "TVSTATS_CACHE_DIR": str(cache_dir),
                **environment,
            }
        )
        try:
            yield url, process, docs
        finally:
            process.terminate()
            process.wait(timeout=20)


@contextlib.contextmanager
def app_and_docs(route: Route, cache_dir: Path):
    """(app URL, docs server), as app_process_and_docs."""
    with app_process_and_docs(route, cache_dir) as (url, _process, docs):
        yield url, docs


@contextlib.contextmanager
def app_serving(route: Route, cache_dir: Path):
    """The app, its docs site a local server answering the main page with `route`."""
    with app_and_docs(route, cache_dir) as (url, _):
        yield url


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not Path(CHROMIUM).exists():
        skip_or_fail(
            f"Chromium not found at {CHROMIUM}: run `make test` as root to install Debian's chromium"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_executable):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright is not installed: run `make test`, which installs the dev tools")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


# The sidebar once the docs page fetched from the (local) docs site has replaced the bundled
# snapshot. A server shared by a module's tests may have fetched it minutes before a test looks
# ("just now" is under 90 s): any age is the fetched page, never the snapshot.
FETCHED_DOCS = re.compile(r"(live|cached) docs, fetched (just now|\d+ minutes? ago)")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The app, its docs site a local server with the real main page, its cache a temp folder."""
    with app_serving(Route(real_page("main")), tmp_path_factory.mktemp("app-cache")) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = ARTIFACTS / "screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
