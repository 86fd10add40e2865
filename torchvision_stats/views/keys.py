"""Widget and session keys, "<page>.<name>", handed out by name from a page's declaration.

A name the page did not declare raises KeyError on the run that asks for it, so a typo cannot cut a
widget off from its URL or its state without a sound; no page or glue spells a key itself
(tests/test_widget_keys.py scans them for one).
"""

from __future__ import annotations

from collections.abc import Iterable


class PageKeys:
    """The keys of one page: `names` for single widgets, `families` for one widget per member (a
    range control per metric, a download per category): `keys("range", "GFLOPS")` or
    `keys("range.GFLOPS")` is "explore.range.GFLOPS". The sidebar's page is "": its keys are the
    names themselves ("version"), as every page's links carry them."""

    def __init__(self, page: str, names: Iterable[str], families: Iterable[str] = ()):
        self.page = page
        self.names = frozenset(names)
        self.families = frozenset(families)
        self._start = f"{page}." if page else ""

    def __call__(self, name: str, member: str | None = None) -> str:
        if member is None:
            if name in self.names:
                return f"{self._start}{name}"
            name, _, member = name.partition(".")
        if name in self.families and member:
            return f"{self._start}{name}.{member}"
        raise KeyError(f"the page {self.page!r} declares no widget {name!r}")

    def prefix(self, family: str) -> str:
        """What a family's keys start with, for glue that keys one widget per member itself."""
        if family not in self.families:
            raise KeyError(f"the page {self.page!r} declares no widget family {family!r}")
        return f"{self._start}{family}"
