"""Refresh data from the network in a background thread.

The app shows the best data at hand at once (cache or bundled snapshot) and asks a refresher
to fetch newer data; pages never wait on a slow or unreachable docs site. The app keeps one
refresher per job in st.cache_resource, shared by all sessions, so many users cause at most
one fetch per interval.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from torchvision_stats.data import versions
from torchvision_stats.data.cache import DEFAULT_TTL
from torchvision_stats.data.load import LoadResult, Source, refresh_from_docs

MIN_INTERVAL = timedelta(minutes=10)

# A refresh job: returns None when fresh data reached the cache, else why not, in words.
Job = Callable[[], list[str] | None]


@dataclass(frozen=True)
class RefreshStatus:
    running: bool
    generation: int  # grows by one each time fresh data reached the cache
    messages: list[str] = field(default_factory=list)  # why the last attempt failed, if it did


class BackgroundRefresher:
    def __init__(self, name: str, job: Job, *, min_interval: timedelta = MIN_INTERVAL):
        self.name = name
        self._job = job
        self._min_interval = min_interval
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._generation = 0
        self._started_at: datetime | None = None
        self._messages: list[str] = []

    def status(self) -> RefreshStatus:
        with self._lock:
            running = self._thread is not None and self._thread.is_alive()
            return RefreshStatus(running, self._generation, list(self._messages))

    def start(self) -> bool:
        """Start a refresh unless one is running; True when one was started."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._started_at = datetime.now(UTC)
            self._thread = threading.Thread(target=self._run, name=f"refresh-{self.name}", daemon=True)
            self._thread.start()
            return True

    def start_if_due(self, stale: bool, now: datetime | None = None) -> bool:
        """Start when the data is stale and nothing was tried within the interval."""
        now = now or datetime.now(UTC)
        with self._lock:
            recently = self._started_at is not None and now - self._started_at < self._min_interval
        return stale and not recently and self.start()

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        try:
            failure = self._job()
        except Exception as error:  # a refresh must never take the app down; say what happened
            failure = [f"Refreshing failed unexpectedly: {type(error).__name__}: {error}"]
        with self._lock:
            if failure is None:
                self._generation += 1
            self._messages = failure or []


def is_stale(result: LoadResult, ttl: timedelta = DEFAULT_TTL, now: datetime | None = None) -> bool:
    """Data older than the TTL, or not from the docs at all (a snapshot, a stale cache)."""
    return result.source not in (Source.CACHE, Source.LIVE) or result.data.provenance.age(now) > ttl


def docs_page_job(version: str) -> Job:
    return lambda: refresh_from_docs(version)


def version_list_job() -> Job:
    return versions.refresh_version_list
