"""Command line: ``python -m torchvision_stats scrape ...``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from torchvision_stats import registry
from torchvision_stats.data import facts, fetch
from torchvision_stats.data.dataset import InvalidPage
from torchvision_stats.data.load import DataUnavailable, LoadResult, load_from_file, load_weight_tables
from torchvision_stats.measure import command as measure_command
from torchvision_stats.output import export

_DESCRIPTION = """\
Scrape torchvision's "Models and pre-trained weights" tables into one file per category
(classification.csv, quantized_classification.csv, ... video_classification.csv) plus
provenance.json (URL, fetch time, page version, sha256, row counts, parse problems).

Data comes from the first of: a fresh cache entry, the live docs page, a stale cache
entry, the snapshot bundled with the package. Environment: TVSTATS_DOCS_BASE_URL sets the
docs site (default https://docs.pytorch.org/vision/), TVSTATS_CACHE_DIR the cache folder.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m torchvision_stats",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    scrape = commands.add_parser(
        "scrape",
        help="write the weight tables to files",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scrape.add_argument(
        "--version",
        default="main",
        help="docs version: main, stable or a release such as 0.20 (default: main)",
    )
    source = scrape.add_mutually_exclusive_group()
    source.add_argument(
        "--from-file",
        metavar="PAGE.html",
        type=Path,
        help="parse this saved copy of the models page instead of fetching",
    )
    source.add_argument(
        "--offline", action="store_true", help="never use the network: cache, else the bundled snapshot"
    )
    source.add_argument(
        "--live",
        action="store_true",
        help="require a fresh fetch from the docs site; fail if it cannot be had",
    )
    scrape.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
    scrape.add_argument("--format", choices=export.FORMATS, default="csv", help="file format (default: csv)")
    scrape.add_argument(
        "--with-facts",
        action="store_true",
        help="add each weight's file size, input sizes, categories and licence (torchvision's metadata)",
    )
    measure_command.add_parser(commands)
    return parser


def _load(arguments: argparse.Namespace) -> LoadResult:
    if arguments.from_file is not None:
        return load_from_file(arguments.from_file, arguments.version)
    if arguments.live:
        result = load_weight_tables(arguments.version, refresh=True)
        if result.source.name != "LIVE":
            raise DataUnavailable(" ".join(result.messages) or "The live docs could not be fetched.")
        return result
    return load_weight_tables(arguments.version, offline=arguments.offline)


def _summary(result: LoadResult) -> str:
    provenance = result.data.provenance
    lines = [
        f"Source: {result.describe()}; page {provenance.page_version or 'of unknown version'}",
        f"URL: {provenance.url}",
        "",
        f"{'category':<28}{'rows':>6}",
    ]
    for slug in registry.CATEGORIES:
        count = len(result.data.tables[slug]) if slug in result.data.tables else "missing"
        lines.append(f"{slug:<28}{count:>6}")
    lines.append(f"{'total':<28}{result.data.row_count:>6}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command == "measure":
        return measure_command.main(arguments)
    try:
        result = _load(arguments)
        data = facts.with_facts(result.data) if arguments.with_facts else result.data
        files = export.category_files(data, result.source.value, arguments.format)
        export.write_files(files, arguments.out)
    except (fetch.FetchError, InvalidPage, DataUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {error.strerror or error}: {error.filename or arguments.out}", file=sys.stderr)
        return 1
    for message in result.messages + result.data.problems:
        print(f"warning: {message}", file=sys.stderr)
    print(_summary(result))
    print(f"\nWrote {len(files)} files to {arguments.out}")
    return 0
