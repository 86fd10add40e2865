"""Refresh a docs version from the network in a background thread.

The app shows the best data at hand at once (cache or bundled snapshot) and asks this object
to refresh; pages never wait on a slow or unreachable docs site. One refresher per version is
shared by all sessions (the app keeps it in st.cache_resource), so many users cause at most one
fetch per interval.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from torchvision_stats.load import LoadResult, Source, load_weight_tables
from torchvision_stats.store import DEFAULT_TTL

MIN_INTERVAL = timedelta(minutes=10)


@dataclass(frozen=True)
class RefreshStatus:
    running: bool
    generation: int  # grows by one each time fresh data reached the cache
    finished_at: datetime | None
    messages: list[str] = field(default_factory=list)  # why the last attempt failed, if it did


class BackgroundRefresher:
    def __init__(
        self,
        version: str,
        *,
        ttl: timedelta = DEFAULT_TTL,
        min_interval: timedelta = MIN_INTERVAL,
        load: Callable[..., LoadResult] = load_weight_tables,
    ):
        self.version = version
        self._ttl = ttl
        self._min_interval = min_interval
        self._load = load
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._generation = 0
        self._started_at: datetime | None = None
        self._finished_at: datetime | None = None
        self._messages: list[str] = []

    def status(self) -> RefreshStatus:
        with self._lock:
            running = self._thread is not None and self._thread.is_alive()
            return RefreshStatus(running, self._generation, self._finished_at, list(self._messages))

    def is_due(self, current: LoadResult, now: datetime | None = None) -> bool:
        """Data older than the TTL (or not from the docs at all), and no recent attempt."""
        now = now or datetime.now(UTC)
        if current.source in (Source.CACHE, Source.LIVE) and current.age(now) <= self._ttl:
            return False
        with self._lock:
            return self._started_at is None or now - self._started_at >= self._min_interval

    def start(self) -> bool:
        """Start a refresh unless one is running; True when one was started."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._started_at = datetime.now(UTC)
            self._thread = threading.Thread(target=self._run, name=f"refresh-{self.version}", daemon=True)
            self._thread.start()
            return True

    def start_if_due(self, current: LoadResult) -> bool:
        return self.is_due(current) and self.start()

    def wait(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        try:
            result = self._load(self.version, refresh=True)
            succeeded, messages = result.source is Source.LIVE, result.messages
        except Exception as error:  # a refresh must never take the app down; say what happened
            succeeded, messages = False, [f"Refreshing failed unexpectedly: {type(error).__name__}: {error}"]
        with self._lock:
            if succeeded:
                self._generation += 1
            self._messages = messages
            self._finished_at = datetime.now(UTC)
