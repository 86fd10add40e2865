"""Every page's declaration by name: the pages with a URL view declare it with their codec (which
hands out their keys); the others declare their widgets' keys alone. Pages and glue take their keys
from here; tests/test_widget_keys.py checks that no page or glue spells one."""

from __future__ import annotations

from torchvision_stats.views.codec import Codec
from torchvision_stats.views.compare import COMPARE
from torchvision_stats.views.explore import EXPLORE
from torchvision_stats.views.history import HISTORY
from torchvision_stats.views.keys import PageKeys
from torchvision_stats.views.pick import PICK
from torchvision_stats.views.sidebar import SIDEBAR

TABLES = PageKeys("tables", ["download-all"], families=["download"])
QUANTIZATION = PageKeys("quantization", ["chart", "download"])
ABOUT = PageKeys("about", ["refresh"])
DATA_STATUS = PageKeys("sidebar", ["refresh"])  # the sidebar's *Refresh from docs*
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

CODECS: dict[str, Codec] = {codec.page: codec for codec in (EXPLORE, PICK, COMPARE, HISTORY)}
PAGES: dict[str, PageKeys] = {
    keys.page: keys
    for keys in (
        *(codec.keys for codec in CODECS.values()),
        SIDEBAR.keys,
        TABLES,
        QUANTIZATION,
        ABOUT,
        DATA_STATUS,
        SPEED,
    )
}
