"""python -m impact ingest FILE... : import exports and report what was loaded, skipped and rejected."""

from __future__ import annotations

import json

from ..ingest import IngestReport
from ..present import format_money_ascii, plural, to_local
from . import options


def register(sub) -> None:
    p = sub.add_parser(
        "ingest",
        help="import order exports and report every line's fate",
        description="Import order exports into DuckDB and report loaded, duplicate, skipped and "
        "rejected lines per file.",
    )
    options.add_input(p)
    options.add_json(p, "the report")
    p.set_defaults(func=run)


def _span(report: IngestReport, tz: str) -> str:
    """The orders' first and last purchase; as days in the zone the import read them in when every line has a date
    but no time (their instants are that zone's midnights: '2016-01-18 05:00 UTC' would say a time nobody wrote)."""
    if not report.first:
        return "no orders"
    if report.day_precision_lines == report.lines:
        first, last = to_local(report.first, tz), to_local(report.last, tz)
        return f"{first:%Y-%m-%d} to {last:%Y-%m-%d} (dates without times)"
    return f"{report.first:%Y-%m-%d %H:%M} to {report.last:%Y-%m-%d %H:%M} UTC"


def human_summary(report: IngestReport, tz: str = "UTC") -> str:
    out = []
    for f in report.files:
        out.append(
            f"{f.name}: {f.format_label} ({f.encoding}) - {f.lines:,} lines: {f.loaded:,} loaded, "
            f"{f.duplicates:,} duplicates, {f.skipped:,} skipped, {f.rejected:,} rejected"
        )
        for note in f.notes:
            out.append(f"    {note}")
        for reason, n in f.skipped_reasons.items():
            out.append(f"    skipped {n:,}: {reason}")
        for r in f.rejects[:10]:
            out.append(f"    rejected line {r['line']}: {r['reason']}")
        if f.rejected > 10:
            out.append(f"    ... {f.rejected - 10:,} more rejected lines (use --json for the list)")
    span = _span(report, tz)
    out.append(
        f"{report.orders:,} orders, {report.lines:,} lines, {span}; currency: {', '.join(report.currency) or '-'}"
    )
    # Amounts through the wording module: each in its currency's digits and sign, as every other command writes them.
    single = report.currency[0] if len(report.currency) == 1 else None
    for ch, v in report.channels.items():
        rev = (
            format_money_ascii(v["revenue"], single)
            if v.get("revenue") is not None
            else ", ".join(format_money_ascii(a, c) for c, a in v.get("revenue_by_currency", {}).items())
        )
        out.append(f"  {ch}: {plural(v['orders'], 'order')}, revenue {rev}")
    return "\n".join(out)


def run(args) -> int:
    _, report, opts = options.load_from_args(args)
    print(json.dumps(report.to_json(), indent=1) if args.json else human_summary(report, opts.tz))
    return 0
