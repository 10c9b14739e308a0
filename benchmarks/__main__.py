"""Run every benchmark: `python -m benchmarks [--quick] [--only storage|flush|...]`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from benchmarks import flush, storage, streaming
from benchmarks.synthetic import cached_journal


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="10,000 experiments, fewer rounds")
    parser.add_argument(
        "--only",
        choices=(
            "storage",
            "flush",
            "streaming",
            "gui",
            "export",
            "grading",
            "check",
            "batch",
            "images",
            "live",
            "conversation",
            "insights",
            "cli",
        ),
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        / "llm-journal"
        / "benchmarks",
        help="where synthetic journals are kept between runs",
    )
    args = parser.parse_args()
    if args.only in (None, "storage"):
        storage.run(args.cache, 10_000 if args.quick else 100_000)
    if args.only in (None, "insights"):
        from benchmarks import insights

        insights.run(args.cache, 10_000 if args.quick else 100_000, 3 if args.quick else 5)
    if args.only in (None, "flush"):
        flush.run(args.quick)
    if args.only in (None, "streaming"):
        streaming.run(3 if args.quick else 10)
    if args.only in (None, "grading"):
        from benchmarks import grading

        grading.run(args.quick)
    if args.only in (None, "check"):
        from benchmarks import check_grading

        check_grading.run(args.quick)
    if args.only in (None, "batch"):
        from benchmarks import batch

        batch.run(args.quick)
    if args.only in (None, "images"):
        from benchmarks import images

        images.run(args.quick)
    if args.only in (None, "conversation"):
        from benchmarks import gui_conversation

        gui_conversation.run(5 if args.quick else 15)
    if args.only in (None, "gui"):
        from benchmarks import gui_latency, gui_startup

        size = 10_000 if args.quick else 100_000
        gui_startup.run(cached_journal(args.cache, size), 3 if args.quick else 7)
        gui_latency.run()
    if args.only in (None, "live"):
        from benchmarks import gui_live_refresh

        gui_live_refresh.run(args.cache, 10_000 if args.quick else 100_000)
    if args.only in (None, "cli"):
        from benchmarks import cli_peers

        cli_peers.run(args.cache, 10_000 if args.quick else 100_000, 3 if args.quick else 5)
    if args.only in (None, "export"):
        from benchmarks import export_import

        export_import.run(args.cache, args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
