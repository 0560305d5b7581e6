"""python -m impact: the command-line face of the core. Every number the app shows can be produced here."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from .errors import ImpactError
from .terminal import TerminalSafe

# numpy's OpenBLAS starts a worker thread per core that spins after every call: ~0.07 CPU s at import and ~0.1 in
# a 2 M-line analyze, for matrices a few dozen wide that one thread multiplies as fast. Set before any command
# imports numpy; a value the user set stands.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Each command lives in impact/commands/<name>.py with register(subparsers) and run(args) -> int.
COMMANDS = (
    "ingest",
    "outages",
    "scenarios",
    "late_orders",
    "share",
    "analyze",
    "detect",
    "report",
    "appeal",
    "fx",
    "claim",
    "portfolio",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser for every command, or for `only` one of them: importing a command loads its dependencies
    (pandas, requests...), which would slow down every other command's start."""
    parser = argparse.ArgumentParser(
        prog="impact",
        description="Outage Impact: what a platform outage cost an online seller, from the seller's own exports.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [only] if only else COMMANDS:
        importlib.import_module(f"impact.commands.{name}").register(sub)
    return parser


def _requested_command(argv: list[str]) -> str | None:
    first = next((a for a in argv if not a.startswith("-")), None)
    module = first.replace("-", "_") if first else None
    return module if module in COMMANDS else None


def main(argv: list[str] | None = None) -> int:
    # Text from a seller's file (a SKU, a reject reason) must not drive the operator's terminal (impact.terminal).
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafe(out), TerminalSafe(err)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_requested_command(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return 2 if exc.code not in (0, None) else 0
    if not args.command:
        parser.print_help()
        return 0
    # psycopg's pool logs each failed reconnection; the one line below already says the share store is down.
    logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)
    try:
        return int(args.func(args) or 0)
    except ImpactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    except Exception:  # noqa: BLE001 - no traceback, nor a library's internals, ever reaches a user
        if os.environ.get("IMPACT_DEBUG"):
            raise
        print(
            f"error: {args.command} failed unexpectedly and changed nothing; run it again with IMPACT_DEBUG=1 "
            "to see the details for a bug report",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
