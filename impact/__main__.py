"""python -m impact: the command-line face of the core. Every number the app shows can be produced here."""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import ImpactError

# Each command lives in impact/commands/<name>.py with register(subparsers) and run(args) -> int.
COMMANDS = (
    "ingest",
    "outages",
    "scenarios",
    "late_orders",
    "share",
    "analyze",
    "report",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m impact",
        description="Outage Impact: what a platform outage cost an online seller, from the seller's own exports.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"impact.commands.{name}").register(sub)
    return parser




def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return 2 if exc.code not in (0, None) else 0
    if not args.command:
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except ImpactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - no traceback ever reaches a user
        print(f"error: unexpected failure ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
