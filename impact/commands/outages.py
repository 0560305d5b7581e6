"""python -m impact outages: list outage windows from the catalog, a windows CSV, or a status feed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import InputError
from ..outages import (
    KINDS,
    load_catalog,
    load_feed,
    load_windows_csv,
    looks_like_feed,
    match_catalog,
    parse_channels,
    parse_impacts,
    read_feed_file,
    window_json,
)
from ..settings import load_settings


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "outages",
        help="list outage windows: the built-in catalog, a windows CSV, or a status feed",
        description="List outage windows from the built-in catalog (--catalog), a CSV of windows (--file) or a "
        "status feed (--feed: Statuspage, RSS/Atom, Google Cloud incidents.json).",
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--catalog", action="store_true", help="the built-in catalog of notable outages")
    source.add_argument("--feed", metavar="URL", help="a status page base address or feed address")
    source.add_argument(
        "--file",
        metavar="FILE",
        help="windows CSV (start,end,channels,title[,impact,degraded_pct]) or a saved status feed: Statuspage or "
        "Google Cloud incidents.json, or an RSS/Atom history feed",
    )
    p.add_argument("--kind", choices=KINDS, default="auto", help="feed kind (default: auto-detect)")
    p.add_argument("--impact", metavar="LIST", help="feed only: keep these impacts, e.g. major,critical")
    p.add_argument(
        "--component",
        metavar="NAME",
        action="append",
        help="feed only: keep incidents touching a component (repeatable)",
    )
    p.add_argument(
        "--channels", metavar="LIST", help="feed only: selling channels the feed's outages hit (default all)"
    )
    p.add_argument("--match", action="store_true", help="add the catalog outages each window overlaps")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def _short(stamp: str) -> str:
    """'2025-10-20T06:48:00Z' -> '2025-10-20 06:48' (catalog and feed times are never finer than minutes)."""
    return stamp.replace("T", " ")[:16] if stamp[:1].isdigit() else stamp


def _table(rows: list[dict]) -> str:
    if not rows:
        return "no outage windows"
    headers = ("start (UTC)", "end (UTC)", "hours", "channels", "impact", "title", "precision")
    body = []
    for r in rows:
        end = r["end"] or "open"
        hours = f"{r['_hours']:.1f}"
        impact = r["impact"] + (f" {r['degraded_pct']:g}%" if r.get("degraded_pct") is not None else "")
        if r.get("severity"):
            impact += f" ({r['severity']})"
        title = r["title"]
        if r.get("matches"):
            title += " [matches: " + ", ".join(m["id"] for m in r["matches"]) + "]"
        body.append(
            (
                _short(r["start"]),
                _short(end),
                hours,
                ",".join(r["channels"]) or "all",
                impact,
                title,
                r.get("precision") or "",
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(headers)]
    widths[-1] = len(headers[-1])  # the last column is not padded
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in body:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _feed_file(path: Path, args) -> bool:
    """Whether --file names a saved status feed (JSON or XML) rather than a windows CSV."""
    try:
        with open(path, "rb") as fh:
            return looks_like_feed(fh.read(4096))
    except OSError as exc:
        raise InputError(f"cannot read {path.name}: {exc.strerror or exc}") from None


def _feed_options(args) -> dict:
    return {
        "kind": args.kind,
        "impacts": parse_impacts(args.impact),
        "components": args.component,
        "channels": parse_channels(args.channels),
    }


def run(args) -> int:
    feed_only = [
        flag
        for flag, value in (
            ("--impact", args.impact),
            ("--component", args.component),
            ("--channels", args.channels),
            ("--kind", args.kind != "auto"),
        )
        if value
    ]
    if feed_only and args.catalog:
        raise InputError(f"{', '.join(feed_only)} only applies to a status feed (--feed, or --file with a saved feed)")
    skipped: list[str] = []
    if args.catalog:
        windows = load_catalog()
    elif args.file:
        path = Path(args.file)
        if not path.is_file():
            raise InputError(f"{args.file} is not a file")
        if _feed_file(path, args):
            result = read_feed_file(path, **_feed_options(args))
            windows, skipped = result.windows, result.skipped
        elif feed_only:
            raise InputError(f"{', '.join(feed_only)} only applies to a status feed, and {path.name} is a windows CSV")
        else:
            windows = load_windows_csv(path, source_name=f"file:{path.name}")
    else:
        result = load_feed(args.feed, **_feed_options(args), settings=load_settings())
        windows, skipped = result.windows, result.skipped
    catalog = load_catalog() if args.match else None
    rows = []
    for window in windows:
        row = window_json(window)
        if catalog is not None:
            row["matches"] = [
                {"id": m.extra.get("id"), "title": m.title}
                for m in match_catalog(window, catalog)
                if not (window.source == "catalog" and m.extra.get("id") == window.extra.get("id"))
            ]
        rows.append((row, window))
    if args.json:
        print(json.dumps([row for row, _w in rows], indent=2, ensure_ascii=False))
    else:
        printable = []
        for row, window in rows:
            printable.append({**row, "_hours": window.hours})
        print(_table(printable))
    for note in skipped:
        print(f"warning: skipped {note}", file=sys.stderr)
    return 0
