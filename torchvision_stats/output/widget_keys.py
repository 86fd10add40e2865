"""Every page's widget and session keys, "<page>.<name>", handed out by name from one declaration per
page. A name a page did not declare raises KeyError on the run that asks for it, so a typo cannot cut
a widget off from its URL or its state without a sound; no page or glue spells a key itself
(tests/test_widget_keys.py fails when one does). The names of each page's URL view (view_state's codecs)
are checked against its declaration when this module is imported.
"""

from __future__ import annotations

from collections.abc import Iterable

from torchvision_stats.output import view_state


class PageKeys:
    """The keys of one page: `names` for single widgets, `families` for one widget per member (a
    range control per metric, a download per category): `keys("range", "GFLOPS")` or
    `keys("range.GFLOPS")` is "explore.range.GFLOPS"."""

    def __init__(self, page: str, names: Iterable[str], families: Iterable[str] = ()):
        self.page = page
        self.names = frozenset(names)
        self.families = frozenset(families)

    def __call__(self, name: str, member: str | None = None) -> str:
        if member is None:
            if name in self.names:
                return f"{self.page}.{name}"
            name, _, member = name.partition(".")
        if name in self.families and member:
            return f"{self.page}.{name}.{member}"
        raise KeyError(f"the page {self.page!r} declares no widget {name!r}")

    def prefix(self, family: str) -> str:
        """What a family's keys start with, for glue that keys one widget per member itself."""
        if family not in self.families:
            raise KeyError(f"the page {self.page!r} declares no widget family {family!r}")
        return f"{self.page}.{family}"


# Every page keeps its view and the notices a link gave (dashboard.url_state).
_STATE = ("view", "link-notices")

EXPLORE = PageKeys(
    "explore",
    [
        *_STATE, "category", "x", "y", "color", "size", "logx", "logy", "q", "family", "pareto", "chart",
        "show-table", "download", "download-selection", "snippet-weight",
    ],
    families=["range"],
)  # fmt: skip
PICK = PageKeys("pick", [*_STATE, "category", "include", "exclude", "download"], families=["bound"])
COMPARE = PageKeys("compare", [*_STATE, "weights", "find", "download"])
HISTORY = PageKeys(
    "history",
    [
        *_STATE, "category", "releases", "budget_metric", "budget", "chart", "diff_from", "diff_to",
        "diff_category", "download",
    ],
)  # fmt: skip
TABLES = PageKeys("tables", ["download-all"], families=["download"])
QUANTIZATION = PageKeys("quantization", ["chart", "download"])
ABOUT = PageKeys("about", ["refresh"])
SIDEBAR = PageKeys("sidebar", ["refresh"])
SPEED = PageKeys(
    "speed",
    [
        # the page: the proxy chart and the machines compared
        "proxy-category", "proxy", "compare-sets", "compare-weights", "per-input", "across",
        "speed-up-before", "speed-up",
        # a run: its settings, its weights, its progress
        "pending", "own", "seen-done", "cancel", "find-batch", "max-batch", "batch", "device", "threads",
        "channels-last", "precision", "compile", "weights-from", "warmup", "min-run-time", "timeout",
        "category", "measure",
        # the sets: upload, rename, delete, download
        "sets-message", "confirm", "upload", "uploaded", "confirm-yes", "confirm-no", "manage",
        "new-name", "rename", "delete", "download",
    ],
    families=["speed-up-after", "dtype", "weights"],
)  # fmt: skip

PAGES = {
    keys.page: keys for keys in (EXPLORE, PICK, COMPARE, HISTORY, TABLES, QUANTIZATION, ABOUT, SIDEBAR, SPEED)
}


def _check_the_views() -> None:
    """Each URL view's widgets are declared by its page (KeyError at import otherwise)."""
    for page, codec in view_state.CODECS.items():
        for name in codec.widget_names():
            PAGES[page](name)


_check_the_views()
