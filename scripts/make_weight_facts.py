"""Write torchvision_stats/data/facts/weight-facts.csv from the installed torchvision's metadata.

Every weight of the bundled docs versions (main, 0.20, 0.15, 0.13) gets one row; a weight the
installed torchvision lacks is reported and left out. Run after `make install-measure`:

    .venv/bin/python scripts/make_weight_facts.py
"""

from __future__ import annotations

import csv
import sys

import torchvision

from torchvision_stats import registry
from torchvision_stats.data.facts import FACTS_FILE, SOURCE_FILE
from torchvision_stats.data.snapshot import load_snapshot, snapshot_versions
from torchvision_stats.measure.metadata import weight_facts
from torchvision_stats.measure.target import Target


def targets() -> list[Target]:
    seen: dict[str, Target] = {}
    for version in snapshot_versions():
        for slug, table in load_snapshot(version).tables.items():
            for row in table.itertuples(index=False):
                if row.Weight not in seen and row.Model and row.Module:
                    seen[row.Weight] = Target(row.Weight, row.Model, row.Module, slug)
    return sorted(seen.values(), key=lambda target: target.weight)


def number(value: float) -> str:
    return "" if value != value else f"{value:.10g}"


def main() -> int:
    rows, missing = [], []
    for target in targets():
        try:
            facts = weight_facts(target)
        except (AttributeError, KeyError, ImportError) as error:
            missing.append(f"{target.weight} ({type(error).__name__})")
            continue
        rows.append({k: number(v) if isinstance(v, float) else v for k, v in facts.items()})
    with FACTS_FILE.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["Weight", *registry.FACT_COLUMNS])
        writer.writeheader()
        writer.writerows(rows)
    SOURCE_FILE.write_text(f"torchvision {torchvision.__version__}\n", encoding="utf-8")
    print(f"{len(rows)} weights written to {FACTS_FILE.name} from torchvision {torchvision.__version__}")
    for weight in missing:
        print(f"not in this torchvision: {weight}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
