"""The cache under concurrent writers, killed writers and a read-only folder: never left corrupt,
good data never lost. Real processes, a real folder, a real local docs server."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import real_page
from tests.docs_server import Route
from tests.test_store_and_load import real_tables
from torchvision_stats.data.cache import Cache
from torchvision_stats.data.load import Source, load_weight_tables

ROOT = Path(__file__).parent.parent
REFRESH = (
    "from torchvision_stats.data.load import load_weight_tables as l; r = l('main', refresh=True); "
    "print(r.source.name, '|'.join(r.messages))"
)


def python(code: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def test_two_processes_refreshing_at_the_same_moment(docs_server):
    docs_server.serve_page("main", Route(real_page("main"), delay_seconds=0.5))  # both requests overlap
    first, second = python(REFRESH), python(REFRESH)
    outputs = [process.communicate(timeout=60)[0].strip() for process in (first, second)]
    assert outputs == ["LIVE", "LIVE"]
    assert docs_server.requests == ["/vision/main/models.html"] * 2
    entry = Cache().read("main")
    assert entry.data.row_count == 158 and entry.is_fresh(timedelta(hours=1))
    assert [p.name for p in Cache().directory.iterdir()] == ["models-main.json"]


def test_a_writer_killed_mid_write_never_leaves_a_corrupt_entry():
    cache = Cache()
    cache.write("main", real_tables())
    writer = (
        "from datetime import datetime, timezone\n"
        "from tests.test_store_and_load import real_tables\n"
        "from torchvision_stats.data.cache import Cache\n"
        "data = real_tables()\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    Cache().write('main', data)\n"
    )
    for attempt in range(8):
        process = python(writer)
        assert process.stdout.readline().strip() == "ready"
        time.sleep(0.05 + attempt * 0.037)  # land the kill at a different point of a write each time
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        entry = cache.read("main")  # never CacheCorrupt: the rename is atomic
        assert entry is not None and entry.data.row_count == 158
    leftovers = list(cache.directory.glob("*.tmp"))
    old = time.time() - 3600
    for leftover in leftovers:  # what a killed writer left: ignored, and removed once old
        os.utime(leftover, (old, old))
    cache.write("main", real_tables())
    assert list(cache.directory.glob("*.tmp")) == []


@contextlib.contextmanager
def read_only(folder: Path):
    """Make `folder` unwritable even for root (who ignores permission bits): the immutable flag."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_cache_folder_still_serves_fresh_data_and_keeps_the_old_entry(docs_server, tmp_path):
    folder = tmp_path / "read-only-cache"
    stale = real_tables(fetched_at=datetime.now(UTC) - timedelta(days=2))
    before = Cache(folder).write("main", stale).read_bytes()
    docs_server.serve_page("main", Route(real_page("main")))
    with read_only(folder):
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")
        result = load_weight_tables("main", cache_dir=folder)
    assert result.source is Source.LIVE and result.data.row_count == 158
    assert any("could not be saved to the cache" in m for m in result.messages)
    assert (folder / "models-main.json").read_bytes() == before


@pytest.mark.parametrize("damage", [b"", b"{", b"\x00" * 100, b'{"format": 1, "checksum": "x", "body": {}}'])
def test_a_damaged_entry_is_replaced_by_the_next_good_fetch(docs_server, damage):
    Cache().write("main", real_tables()).write_bytes(damage)
    docs_server.serve_page("main", Route(real_page("main")))
    result = load_weight_tables("main")
    assert result.source is Source.LIVE
    assert any("cached copy was ignored" in m for m in result.messages)
    assert Cache().read("main").data.row_count == 158
