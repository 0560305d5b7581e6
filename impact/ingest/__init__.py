"""Import seller order exports into the canonical `lines` table (see impact.store.LINES_COLUMNS).

    report = ingest_files(con, ["orders.txt", "orders_export_1.csv"], tz="America/New_York")

Every line of every file is loaded, a duplicate, skipped for a stated reason, or rejected with its line number.
"""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..distinct import count_distinct, distinct_per_group
from ..errors import ImpactError, InputError, MixedCurrencyError
from ..linegroups import LineGroups, earliest, latest, line_groups, total
from ..settings import Settings, load_settings
from .formats import DETECTORS, detect
from .generic import COLUMN_KEYS, MappingStore, header_fingerprint, mapping_fits, validate_mapping
from .loader import FileReport, IngestReport, load_file
from .shipping import is_shipping_mapping
from .textfile import prepare

__all__ = [
    "COLUMN_KEYS",
    "DETECTORS",
    "FileReport",
    "IngestReport",
    "MappingStore",
    "MixedCurrencyError",
    "detect",
    "file_kind",
    "header_fingerprint",
    "ingest_files",
    "prepare",
    "summary",
    "validate_mapping",
]


def _check_tz(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone '{tz}': use an IANA name such as Europe/Berlin or America/New_York"
        ) from None
    return tz


def ingest_files(
    con,
    paths: list[str | Path],
    *,
    tz: str | None = None,
    mapping: dict | None = None,
    names: list[str] | None = None,
    settings: Settings | None = None,
    keep_groups: bool = False,
) -> IngestReport:
    """Import files into the session database and return the report for everything imported so far.

    tz: zone for timestamps that carry no offset. mapping: a generic-CSV column mapping, used for files whose
    header matches no known export. names: display names (uploads arrive as temporary files). keep_groups: read
    the report off impact.linegroups' scan and keep it in report.groups, for an analysis that follows at once
    (the scan costs twice the report's own, and the analysis saves the whole of it).
    """
    settings = settings or load_settings()
    tz = _check_tz(tz or settings.default_tz or "UTC")
    names = names or [Path(p).name for p in paths]
    # Shipping files add to the orders: they go after the order exports, whatever order they were given in.
    pairs = list(zip(paths, names, strict=True))
    pairs.sort(key=lambda pn: file_kind(pn[0], pn[1], mapping=mapping, settings=settings) == "shipping")
    next_id = con.execute("SELECT coalesce(max(file_id), 0) + 1 FROM import_files").fetchone()[0]
    for offset, (path, name) in enumerate(pairs):
        file_id = next_id + offset
        report = load_file(con, Path(path), name, file_id, tz=tz, mapping=mapping, settings=settings)
        # load_file registered the file (newest, loaded); add what the report knows
        con.execute(
            """UPDATE import_files SET name = $name, format = $format, format_label = $label, encoding = $enc,
                   lines = $lines, skipped = $skipped, rejected = $rejected,
                   duplicates = $lines - $skipped - $rejected - loaded, skipped_reasons = $reasons,
                   notes = $notes, imported_at = now()::TIMESTAMP
               WHERE file_id = $id""",
            {
                "id": file_id,
                "name": name,
                "format": report.format,
                "label": report.format_label,
                "enc": report.encoding,
                "lines": report.lines,
                "skipped": report.skipped,
                "rejected": report.rejected,
                "reasons": json.dumps(report.skipped_reasons),
                "notes": json.dumps(report.notes) if report.notes else None,
            },
        )
        if report.rejects:
            # One statement for the whole list: executemany costs ~0.5 ms a row (0.9 s for 2,000 rejects).
            con.execute(
                "INSERT INTO import_rejects SELECT $id, unnest($lines), unnest($reasons)",
                {
                    "id": file_id,
                    "lines": [r["line"] for r in report.rejects],
                    "reasons": [r["reason"] for r in report.rejects],
                },
            )
    return summary(con, line_groups(con) if keep_groups else None)


def file_kind(path, name: str | None = None, *, mapping: dict | None = None, settings: Settings | None = None) -> str:
    """'shipping' for a shipping file (ShipStation, an Amazon seller-fulfilled order report, a mapped shipments CSV),
    else 'orders' (also for a file that cannot be read: its import says why). Reads the header only."""
    try:
        prepared = prepare(path, name, header_only=True)
    except ImpactError:
        return "orders"
    fmt = detect(prepared.header)
    if fmt is not None and (not mapping or not mapping_fits(mapping, prepared.header)):
        return fmt.kind  # as loader._select_format decides
    settings = settings or load_settings()
    chosen = mapping or MappingStore(settings.mappings_path).get(prepared.header)
    if not chosen:
        return fmt.kind if fmt is not None else "orders"
    return "shipping" if is_shipping_mapping(chosen) else "orders"


# An order counts once, unless every one of its lines was cancelled. Orders are counted by distinct 64-bit hash of
# the id, as in revenue.load_history (a collision among 10 million orders has odds ~3e-6), sorted in numpy rather
# than grouped by DuckDB (see impact.distinct for why).
_LIVE = "status <> 'cancelled' AND order_id IS NOT NULL"


def _orders(con) -> int:
    """The orders of a session with one channel: the hashes alone are counted."""
    return count_distinct(con.execute(f"SELECT hash(order_id) AS h FROM lines WHERE {_LIVE}").fetchnumpy()["h"])


def _orders_per_channel(con) -> list[tuple]:
    """(channel, orders, revenue of the lines not cancelled) per channel, in channel order."""
    revenue = con.execute(
        "SELECT channel, sum(revenue) FILTER (status <> 'cancelled') FROM lines GROUP BY channel ORDER BY channel"
    ).fetchall()
    names = [ch for ch, _ in revenue if ch is not None]
    got = con.execute(
        f"""SELECT list_position($names, channel) - 1 AS g, hash(order_id) AS h FROM lines
            WHERE {_LIVE} AND channel IS NOT NULL""",
        {"names": names},
    ).fetchnumpy()
    counts = distinct_per_group(got["g"], got["h"], len(names))
    orders = dict(zip(names, counts.tolist(), strict=True))
    return [(ch, orders.get(ch, 0), rev) for ch, rev in revenue]


def _totals(con, groups: LineGroups | None) -> tuple:
    """(lines, first and last purchase, date-only lines, currencies, revenue not cancelled) of `lines`, read off
    the grouped scan when there is one."""
    if groups is None:
        return con.execute(
            """SELECT count(*), min(purchased_at), max(purchased_at), count(*) FILTER (time_precision = 'day'),
                      list(DISTINCT currency ORDER BY currency) FILTER (currency IS NOT NULL),
                      sum(revenue) FILTER (status <> 'cancelled') FROM lines"""
        ).fetchone()
    return (
        sum(g.lines for g in groups.groups),
        earliest(g.first for g in groups.groups),
        latest(g.last for g in groups.groups),
        sum(g.lines for g in groups.groups if g.dated),
        sorted({g.currency for g in groups.groups if g.currency is not None}),
        # `status <> 'cancelled'` leaves out the lines without a status, as SQL does
        total(g.revenue for g in groups.groups if g.cancelled is False),
    )


def summary(con, groups: LineGroups | None = None) -> IngestReport:
    """The import report for everything in the session database; `groups` (impact.linegroups), when given, is the
    scan of `lines` as it is now, and the report keeps it."""
    files = []
    for row in con.execute(
        "SELECT file_id, name, format, format_label, encoding, lines, loaded, duplicates, skipped, rejected, "
        "skipped_reasons, notes FROM import_files ORDER BY file_id"
    ).fetchall():
        fid, name, fmt, label, enc, lines, loaded, dups, skipped, rejected, reasons, notes = row

        rep = FileReport(
            fid,
            name,
            fmt,
            label,
            enc,
            lines,
            loaded,
            dups,
            skipped,
            rejected,
            json.loads(reasons) if isinstance(reasons, str) else (reasons or {}),
        )
        rep.notes = json.loads(notes) if isinstance(notes, str) else list(notes or [])
        rep.rejects = [
            {"line": int(n), "reason": r}
            for n, r in con.execute(
                "SELECT line, reason FROM import_rejects WHERE file_id = ? ORDER BY line", [fid]
            ).fetchall()
        ]
        files.append(rep)
    nlines, first, last, day_lines, currencies, revenue = _totals(con, groups)
    # Every known export has one channel of its own; only mapped CSVs may read theirs from a column.
    known = {fmt.name: fmt.channel for fmt in DETECTORS if fmt.kind == "orders"}
    shipping_formats = {fmt.name for fmt in DETECTORS if fmt.kind == "shipping"} | {"generic_shipping_csv"}
    file_channels = {known.get(f.format) for f in files if f.format not in shipping_formats}
    currencies = currencies or []
    channels = {}
    if nlines and len(file_channels) == 1 and None not in file_channels:
        (only_channel,) = file_channels
        per_channel = [(only_channel, _orders(con), revenue)]
    else:
        per_channel = _orders_per_channel(con)
    orders = sum(int(n) for _, n, _ in per_channel)
    for ch, n, rev in per_channel:
        channels[ch] = {"orders": int(n), "revenue": round(float(rev or 0), 2) if len(currencies) <= 1 else None}
    if len(currencies) > 1:
        # Never add up different currencies: give the revenue per currency instead.
        for ch, cur, rev in con.execute(
            """SELECT channel, currency, sum(revenue) FILTER (status <> 'cancelled') FROM lines
               GROUP BY ALL ORDER BY ALL"""
        ).fetchall():
            channels[ch].setdefault("revenue_by_currency", {})[cur] = round(float(rev or 0), 2)
    return IngestReport(
        files, int(orders or 0), int(nlines or 0), currencies, channels, first, last, int(day_lines or 0), groups=groups
    )
