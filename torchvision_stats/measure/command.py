"""``python -m torchvision_stats measure``: time weights on this machine into a CSV.

Checks everything it can before it starts (torch installed, device available, dtype usable there,
the pattern valid, some weight chosen, the output file new or resumed); on a failed check it says
so in one line on stderr, exits 1 and writes nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path

from torchvision_stats import registry
from torchvision_stats.data import measurement_file
from torchvision_stats.data.cache import Cache
from torchvision_stats.data.load import DataUnavailable, load_weight_tables
from torchvision_stats.measure import environment, lock, runner
from torchvision_stats.measure.settings import (
    COMPILE_MODES,
    DTYPES,
    MAX_BATCH,
    PRECISIONS,
    WEIGHT_SOURCES,
    Settings,
)
from torchvision_stats.questions.analysis import InvalidSearch

DESCRIPTION = """\
Measure the speed of torchvision weights on this machine: each weight's own network is built as its
builder does (its state dict is not downloaded; speed does not depend on the values), warmed up,
then timed call by call, each call synchronised on its device, in its own process. One CSV row per
weight, appended as it finishes; the hardware, settings and versions are in every row, and one file
never mixes settings. One run at a time per machine: a second one waits. Needs the measure extra
(torch, torchvision).
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "measure",
        help="time weights on this machine",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--category", choices=list(registry.CATEGORIES), help="only this category")
    parser.add_argument("--weights", metavar="REGEX", help="only weights whose name this expression finds")
    parser.add_argument("--device", default="cpu", choices=environment.DEVICES, help="default: cpu")
    parser.add_argument(
        "--batch-size",
        type=_batch_size,
        default=1,
        metavar="N|max",
        help="inputs per forward pass (default 1); max: the batch of the best throughput, doubling "
        "from 1 until memory runs short or throughput grows by less than 5 %%",
    )
    parser.add_argument(
        "--max-batch",
        type=int,
        default=MAX_BATCH,
        metavar="N",
        help=f"the largest batch max tries ({MAX_BATCH})",
    )
    parser.add_argument(
        "--threads", type=int, help="CPU threads (default: the physical cores, as torch's own)"
    )
    parser.add_argument(
        "--dtype", choices=DTYPES, default="float32", help="float32 (default), bfloat16, float16"
    )
    parser.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="autocast",
        help="how bfloat16/float16 apply: autocast around float32 weights (default), or cast: the model "
        "and input converted, as deployments do",
    )
    parser.add_argument(
        "--compile",
        nargs="?",
        const="default",
        choices=COMPILE_MODES,
        help="torch.compile the model first (mode: default, reduce-overhead, max-autotune); the first "
        "call's time is recorded",
    )
    parser.add_argument(
        "--weights-from",
        choices=WEIGHT_SOURCES,
        default="random",
        help="random: the builder's initial values, nothing downloaded (default); pretrained: the "
        "weight's state dict through torchvision (torch hub cache, downloaded when online)",
    )
    parser.add_argument(
        "--channels-last",
        action="store_true",
        help="channels_last model and input (channels_last_3d for video)",
    )
    parser.add_argument(
        "--min-run-time",
        type=float,
        default=Settings.min_run_time,
        metavar="S",
        help="seconds of timed calls per weight (at least 20 calls)",
    )
    parser.add_argument("--warmup", type=int, default=Settings.warmup, help="untimed calls first")
    parser.add_argument("--timeout", type=float, default=Settings.timeout_s, metavar="S", help="per weight")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue FILE: measure what it lacks or failed on; refused when FILE was measured otherwise",
    )
    parser.add_argument("--version", default="main", help="docs version whose weights to measure")
    parser.add_argument(
        "--progress",
        choices=("bar", "json"),
        default="bar",
        help="a progress bar on stderr (default), or one JSON line per event on stdout (for the dashboard)",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.csv")


@contextlib.contextmanager
def _bar_progress(total: int, already: int):
    from tqdm import tqdm  # in the measure extra, like torch

    with tqdm(total=total, initial=already, file=sys.stderr, unit="weight", dynamic_ncols=True) as bar:
        yield (
            (lambda target: bar.set_postfix_str(target.weight, refresh=True)),
            (lambda target, row: bar.update(1)),
        )


@contextlib.contextmanager
def _json_progress(total: int, already: int):
    """One JSON object a line on stdout: what the dashboard's background run reads."""
    done = already

    def emit(**event: object) -> None:
        print(json.dumps(event), flush=True)

    def on_done(target, row) -> None:
        nonlocal done
        done += 1
        emit(event="done", done=done, total=total, weight=target.weight, error=row.get("Error", ""))

    emit(event="start", done=done, total=total)
    yield (lambda target: emit(event="measuring", done=done, total=total, weight=target.weight)), on_done
    emit(event="finished", done=done, total=total)


def _waiting(progress: str):
    """Say that another run holds this machine (this one starts when it ends)."""

    def say(holder: str) -> None:
        print(
            f"note: another measuring run holds this machine ({holder}); waiting for it to end",
            file=sys.stderr,
        )
        if progress == "json":
            print(json.dumps({"event": "waiting", "holder": holder}), flush=True)

    return say


class Refused(Exception):
    """A check before measuring failed; str() is the one line for stderr."""


def _batch_size(text: str) -> int | str:
    return "max" if text == "max" else int(text)


def settings_from(arguments: argparse.Namespace) -> Settings:
    """The run's settings as the options give them (checked by _settings)."""
    find_batch = arguments.batch_size == "max"
    return Settings(
        device=arguments.device,
        batch_size=1 if find_batch else arguments.batch_size,
        find_batch=find_batch,
        max_batch=arguments.max_batch,
        precision=arguments.precision,
        compile=arguments.compile,
        weights_from=arguments.weights_from,
        threads=arguments.threads or Settings().threads,
        dtype=arguments.dtype,
        channels_last=arguments.channels_last,
        min_run_time=arguments.min_run_time,
        warmup=arguments.warmup,
        timeout_s=arguments.timeout,
    )


def device_refusal(settings: Settings, available: list[str], native_bfloat16: bool) -> str | None:
    """Why this machine cannot run `settings` (its devices, and whether its GPU has native
    bfloat16), in one line; None when it can."""
    if settings.device not in available:
        return f"the device {settings.device!r} is not available here; available: {', '.join(available)}"
    if settings.dtype == "float16" and settings.device == "cpu":
        return "float16 is for GPUs; on the CPU use float32 or bfloat16"
    if settings.dtype == "bfloat16" and settings.device == "cuda" and not native_bfloat16:
        return "this GPU has no native bfloat16 (torch.cuda.is_bf16_supported); use float16 or float32"
    return None


def _settings(arguments: argparse.Namespace) -> Settings:
    if not environment.torch_available():
        raise Refused(environment.INSTALL_HINT)
    if (
        (arguments.batch_size != "max" and arguments.batch_size < 1)
        or arguments.max_batch < 1
        or (arguments.threads is not None and arguments.threads < 1)
    ):
        raise Refused("--batch-size, --max-batch and --threads must be at least 1")
    if arguments.warmup < 0 or arguments.min_run_time < 0 or arguments.timeout <= 0:
        raise Refused("--warmup and --min-run-time cannot be negative, and --timeout must be positive")
    settings = settings_from(arguments)
    available = environment.devices_here()
    native = (  # asked of a GPU only when it is there and bfloat16 is wanted
        settings.device == "cuda"
        and "cuda" in available
        and settings.dtype == "bfloat16"
        and environment.native_bfloat16()
    )
    refusal = device_refusal(settings, available, native)
    if refusal:
        raise Refused(refusal)
    return settings


def _targets(arguments: argparse.Namespace) -> tuple[list, list[str]]:
    try:
        tables = load_weight_tables(arguments.version, offline=True).data.tables
        targets, notes = runner.plan(tables, arguments.category, arguments.weights, arguments.device)
    except (DataUnavailable, InvalidSearch, ValueError) as error:
        raise Refused(str(error)) from error
    if not targets:
        raise Refused("no weight matches --category/--weights; nothing to measure")
    if arguments.out.exists() and not arguments.resume:
        raise Refused(f"{arguments.out} exists: add --resume to continue it, or choose another --out")
    return targets, notes


def _check_resumable(out: Path, settings: Settings) -> None:
    """Refuse to add rows to a file whose rows were measured with other settings."""
    try:
        existing = measurement_file.file_settings(out)
    except measurement_file.MeasurementFileError as error:
        raise Refused(str(error)) from error
    try:
        planned = runner.planned_context(settings)
    except RuntimeError as error:
        raise Refused(str(error)) from error
    different = measurement_file.differences(existing, planned)
    if different:
        raise Refused(
            f"{out} was measured with other settings ({'; '.join(different)}); a file never mixes "
            "runs: choose another --out, or the file's settings"
        )


def main(arguments: argparse.Namespace) -> int:
    try:
        settings = _settings(arguments)
        targets, notes = _targets(arguments)
        if arguments.resume:
            _check_resumable(arguments.out, settings)
    except Refused as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    started = time.monotonic()
    done = set(measurement_file.measured_weights(arguments.out)) if arguments.resume else set()
    report = _json_progress if arguments.progress == "json" else _bar_progress
    with (
        lock.machine_lock(Cache().directory, on_wait=_waiting(arguments.progress)),
        report(len(targets), len({t.weight for t in targets} & done)) as (on_start, on_done),
    ):
        summary = runner.run(
            targets, settings, arguments.out, resume=arguments.resume, on_start=on_start, on_done=on_done
        )
    minutes = (time.monotonic() - started) / 60
    print(
        f"{summary.measured} measured, {summary.failed} failed, {summary.skipped} already in "
        f"{arguments.out}; {minutes:.1f} min",
        file=sys.stderr,
    )
    return 0
