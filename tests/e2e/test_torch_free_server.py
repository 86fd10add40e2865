"""The dashboard's server never loads torch, proven on a running `streamlit run`: after every page
has been opened in Chromium, /speed included (which asks a child process for the devices), the
server's own process has no torch library mapped — importing any torch module maps torch/_C."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import require_torch
from tests.e2e.test_browser import settle

pytestmark = pytest.mark.e2e
PAGES = {
    "": "Explore",
    "tables": "Tables",
    "compare": "Compare",
    "pick": "Pick a model",
    "history": "History",
    "quantization": "Quantization impact",
    "speed": "Speed on your hardware",
    "about": "About the data",
}


def server_process(url: str) -> int:
    """The pid of the `streamlit run` serving `url` (found by its port in /proc)."""
    port = str(urlparse(url).port).encode()
    for entry in Path("/proc").iterdir():
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\x00")
        except OSError:
            continue
        if (
            b"streamlit" in b" ".join(arguments)
            and b"--server.port" in arguments
            and arguments[arguments.index(b"--server.port") + 1] == port
        ):
            return int(entry.name)
    raise AssertionError(f"no streamlit server on port {port.decode()}")


def test_no_page_loads_torch_into_the_server(page, app_url):
    require_torch()  # torch is installed here, so only the server's care keeps it out
    for path, heading in PAGES.items():
        page.goto(f"{app_url}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=30_000)
        settle(page)
    mapped = Path(f"/proc/{server_process(app_url)}/maps").read_text()
    assert "python" in mapped  # the map is the server's, and readable
    torch_files = sorted(
        {line.split()[-1] for line in mapped.splitlines() if "/torch/" in line or "libtorch" in line}
    )
    assert torch_files == []
