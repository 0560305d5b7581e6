"""python -m impact ingest FILE... : import exports and report what was loaded, skipped and rejected."""

from __future__ import annotations

import json

from ..errors import InputError
from ..ingest import IngestReport, ingest_files
from ..store import session_db


def add_input_arguments(p) -> None:
    """Arguments every command that reads exports shares."""
    p.add_argument("files", nargs="+", metavar="FILE", help="order exports (CSV or tab-separated)")
    p.add_argument("--tz", default=None, help="time zone of timestamps without an offset, e.g. America/New_York "
                                              "(default UTC or IMPACT_DEFAULT_TZ)")
    p.add_argument("--map", dest="mapping", default=None, metavar="FIELD=COLUMN,...",
                   help="column mapping for a CSV that is not a known export, e.g. "
                        "'order_id=Order,purchased_at=Date,revenue=Total,channel_value=walmart'")


def parse_mapping(text: str | None) -> dict | None:
    if not text:
        return None
    mapping = {}
    for part in text.split(","):
        if "=" not in part:
            raise InputError(f"--map expects FIELD=COLUMN pairs separated by commas, got '{part}'")
        key, value = part.split("=", 1)
        mapping[key.strip()] = value.strip()
    return mapping


def load(args):
    """Ingest the command's FILE arguments into a fresh session database: (connection, report)."""
    con = session_db()
    report = ingest_files(con, args.files, tz=args.tz, mapping=parse_mapping(args.mapping))
    return con, report


def register(sub) -> None:
    p = sub.add_parser("ingest", help="import order exports and report every line's fate",
                       description="Import order exports into DuckDB and report loaded, duplicate, skipped and "
                                   "rejected lines per file.")
    add_input_arguments(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def human_summary(report: IngestReport) -> str:
    out = []
    for f in report.files:
        out.append(f"{f.name}: {f.format_label} ({f.encoding}) - {f.lines:,} lines: {f.loaded:,} loaded, "
                   f"{f.duplicates:,} duplicates, {f.skipped:,} skipped, {f.rejected:,} rejected")
        for reason, n in f.skipped_reasons.items():
            out.append(f"    skipped {n:,}: {reason}")
        for r in f.rejects[:10]:
            out.append(f"    rejected line {r['line']}: {r['reason']}")
        if f.rejected > 10:
            out.append(f"    ... {f.rejected - 10:,} more rejected lines (use --json for the list)")
    span = f"{report.first:%Y-%m-%d %H:%M} to {report.last:%Y-%m-%d %H:%M} UTC" if report.first else "no orders"
    out.append(f"{report.orders:,} orders, {report.lines:,} lines, {span}; currency: {', '.join(report.currency) or '-'}")
    for ch, v in report.channels.items():
        rev = f"{v['revenue']:,.2f}" if v.get("revenue") is not None else ", ".join(
            f"{c} {a:,.2f}" for c, a in v.get("revenue_by_currency", {}).items())
        out.append(f"  {ch}: {v['orders']:,} orders, revenue {rev}")
    return "\n".join(out)


def run(args) -> int:
    _, report = load(args)
    print(json.dumps(report.to_json(), indent=1) if args.json else human_summary(report))
    return 0
