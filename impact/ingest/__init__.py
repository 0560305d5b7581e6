"""Import seller order exports into the canonical `lines` table (see impact.store.LINES_COLUMNS).

    report = ingest_files(con, ["orders.txt", "orders_export_1.csv"], tz="America/New_York")

Every line of every file is loaded, a duplicate, skipped for a stated reason, or rejected with its line number.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InputError, MixedCurrencyError
from ..settings import Settings, load_settings
from .formats import DETECTORS, detect
from .generic import COLUMN_KEYS, MappingStore, header_fingerprint, validate_mapping
from .loader import FileReport, IngestReport, load_file
from .textfile import prepare

__all__ = [
    "COLUMN_KEYS", "DETECTORS", "FileReport", "IngestReport", "MappingStore", "MixedCurrencyError", "detect",
    "header_fingerprint", "ingest_files", "prepare", "summary", "validate_mapping",
]


def _check_tz(tz: str) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"unknown time zone '{tz}': use an IANA name such as Europe/Berlin or America/New_York") from None
    return tz


def ingest_files(con, paths: list[str | Path], *, tz: str | None = None, mapping: dict | None = None,
                 names: list[str] | None = None, settings: Settings | None = None) -> IngestReport:
    """Import files into the session database and return the report for everything imported so far.

    tz: zone for timestamps that carry no offset. mapping: a generic-CSV column mapping, used for files whose
    header matches no known export. names: display names (uploads arrive as temporary files).
    """
    settings = settings or load_settings()
    tz = _check_tz(tz or settings.default_tz)
    names = names or [Path(p).name for p in paths]
    next_id = con.execute("SELECT coalesce(max(file_id), 0) + 1 FROM import_files").fetchone()[0]
    for offset, (path, name) in enumerate(zip(paths, names, strict=True)):
        file_id = next_id + offset
        report = load_file(con, Path(path), name, file_id, tz=tz, mapping=mapping, settings=settings)
        con.execute(
            """INSERT INTO import_files VALUES ($id, $name, $format, $label, $enc, $lines, 0, 0, $skipped, $rejected,
                   $reasons, (SELECT max(purchased_at) FROM staged_lines WHERE file_id = $id), now()::TIMESTAMP)""",
            {"id": file_id, "name": name, "format": report.format, "label": report.format_label,
             "enc": report.encoding, "lines": report.lines, "skipped": report.skipped, "rejected": report.rejected,
             "reasons": report.skipped_reasons},
        )
        if report.rejects:
            con.executemany(
                "INSERT INTO import_rejects VALUES (?, ?, ?)", [(file_id, r["line"], r["reason"]) for r in report.rejects]
            )
    _dedupe(con)
    return summary(con)


def _dedupe(con) -> None:
    """Rebuild `lines` from everything staged: one row per channel + order + line, the newest export winning.

    "Newest" is the file whose orders reach furthest in time (ties: the later import), so a re-exported month
    replaces the older export's statuses. A ship time known only to the losing copy is kept.
    """
    con.execute(
        """CREATE OR REPLACE TABLE lines AS
        SELECT * EXCLUDE (_rank, _shipped, _promised) REPLACE (coalesce(shipped_at, _shipped) AS shipped_at,
                                                                coalesce(promised_at, _promised) AS promised_at)
        FROM (
            SELECT s.*,
                row_number() OVER w AS _rank,
                max(s.shipped_at) OVER (PARTITION BY s.channel, s.order_id, s.line_key) AS _shipped,
                max(s.promised_at) OVER (PARTITION BY s.channel, s.order_id, s.line_key) AS _promised
            FROM staged_lines s JOIN import_files f USING (file_id)
            WINDOW w AS (PARTITION BY s.channel, s.order_id, s.line_key ORDER BY f.newest DESC NULLS LAST,
                         s.file_id DESC)
        ) WHERE _rank = 1"""
    )
    con.execute(
        """UPDATE import_files f SET loaded = coalesce(k.n, 0),
               duplicates = f.lines - f.skipped - f.rejected - coalesce(k.n, 0)
           FROM (SELECT i.file_id, (SELECT count(*) FROM lines l WHERE l.file_id = i.file_id) AS n
                 FROM import_files i) k
           WHERE f.file_id = k.file_id"""
    )


def summary(con) -> IngestReport:
    """The import report for everything in the session database."""
    files = []
    for row in con.execute(
        "SELECT file_id, name, format, format_label, encoding, lines, loaded, duplicates, skipped, rejected, "
        "skipped_reasons FROM import_files ORDER BY file_id"
    ).fetchall():
        fid, name, fmt, label, enc, lines, loaded, dups, skipped, rejected, reasons = row


        rep = FileReport(fid, name, fmt, label, enc, lines, loaded, dups, skipped, rejected,
                         json.loads(reasons) if isinstance(reasons, str) else (reasons or {}))
        rep.rejects = [{"line": int(n), "reason": r} for n, r in con.execute(
            "SELECT line, reason FROM import_rejects WHERE file_id = ? ORDER BY line", [fid]).fetchall()]
        files.append(rep)
    orders, nlines, first, last, day_lines = con.execute(
        """SELECT count(DISTINCT CASE WHEN status <> 'cancelled' THEN channel || '\x1f' || order_id END),
                  count(*), min(purchased_at), max(purchased_at), count(*) FILTER (time_precision = 'day')
           FROM lines"""
    ).fetchone()
    currencies = [r[0] for r in con.execute(
        "SELECT DISTINCT currency FROM lines WHERE currency IS NOT NULL ORDER BY 1").fetchall()]
    channels = {}
    for ch, n, rev in con.execute(
        """SELECT channel, count(DISTINCT order_id) FILTER (status <> 'cancelled'),
                  sum(revenue) FILTER (status <> 'cancelled')
           FROM lines GROUP BY channel ORDER BY channel"""
    ).fetchall():
        channels[ch] = {"orders": int(n), "revenue": round(float(rev or 0), 2) if len(currencies) <= 1 else None}
    if len(currencies) > 1:
        # Never add up different currencies: give the revenue per currency instead.
        for ch, cur, rev in con.execute(
            """SELECT channel, currency, sum(revenue) FILTER (status <> 'cancelled') FROM lines
               GROUP BY ALL ORDER BY ALL"""
        ).fetchall():
            channels[ch].setdefault("revenue_by_currency", {})[cur] = round(float(rev or 0), 2)
    return IngestReport(files, int(orders or 0), int(nlines or 0), currencies, channels, first, last, int(day_lines or 0))


def first_last(con) -> tuple[datetime | None, datetime | None]:
    return con.execute("SELECT min(purchased_at), max(purchased_at) FROM lines").fetchone()
