"""The sidebar's view, in every page's links: the docs version (``version``, left out for main)
and the measurement set whose speed the pages show (``speed``, always there, so a link shows the
same measurements to whoever opens it, whatever the server's newest set)."""

from __future__ import annotations

from dataclasses import dataclass

from torchvision_stats.views.codec import Choice, Codec

DEFAULT_VERSION = "main"


@dataclass(frozen=True)
class SidebarContext:
    versions: list[str]  # the docs versions known, newest first
    sets: list[str]  # the measurement sets' ids
    default_set: str | None  # the server's fixed default set; None when there is no set


@dataclass(frozen=True)
class SidebarView:
    version: str = DEFAULT_VERSION
    speed: str | None = None


SIDEBAR = Codec(
    "",  # its keys are its names: "version", "speed"
    SidebarView,
    (
        Choice(
            "version",
            lambda so_far, context: context.versions,
            lambda so_far, context: DEFAULT_VERSION,
            absent="is not a docs version",
            instead=str,
            left_out_at=DEFAULT_VERSION,
        ),
        Choice(
            "speed",
            lambda so_far, context: context.sets,
            lambda so_far, context: context.default_set,
            absent="is not a measurement set here",
            instead=lambda default: "the server's default",
        ),
    ),
    # The version's session state: shown (on screen), offline, failed (a switch that could not
    # load), failed-notice, labels (each version's label as chosen).
    families=("version",),
)
