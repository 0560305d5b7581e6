"""What a share link may hold: the privacy scrub of a snapshot (aggregates only; order-level data, personal data and
local paths dropped) and the snapshot builder. impact.share stores and serves what this module lets through.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from ..errors import ShareError
from ..settings import Settings
from ..windows import Window, iso_utc

SNAPSHOT_VERSION = 1


# Top-level sections a snapshot may carry; anything else is dropped.
SECTIONS = (
    "version",
    "settings",
    "view",
    "windows",
    "analysis",
    "ingest",
    "charts",
    "scenarios",
    "shipments",
    "outages",
    "appeals",  # per marketplace: the metrics with and without the outage (service.appeal_metrics), never orders
)
# A dict holding one of these keys describes a single order or line: it is dropped whole, wherever it is.
ORDER_LEVEL_KEYS = frozenset(
    {
        "order_id",
        "order_ids",
        "orderid",
        "order_number",
        "order_numbers",
        "order_no",
        "order_ref",
        "line_key",
        "line_keys",
        "source_line",
        "source_lines",
        "line_number",
        "tracking_number",
        "transaction_id",
    }
)
# Keys dropped (with their value) wherever they appear.
DROP_KEYS = ORDER_LEVEL_KEYS | frozenset(
    {
        "rejects",
        "reject_lines",
        "rejected_lines",
        "source_file",
        "source_files",
        "file",
        "files",
        "file_name",
        "file_names",
        "filename",
        "filenames",
        "file_id",
        "file_ids",
        "path",
        "paths",
        "raw",
        "raw_line",
        "raw_lines",
        "sample",
        "samples",
        "header",
        "headers",
        "mapping",
        "mappings",
        "token",
        "token_hash",
        "secret",
    }
)
# Keys with one of these words (between underscores, after normalising) name personal data.
PERSONAL_WORDS = frozenset(
    {
        "buyer",
        "buyers",
        "customer",
        "customers",
        "email",
        "emails",
        "mail",
        "phone",
        "phones",
        "telephone",
        "mobile",
        "address",
        "addresses",
        "recipient",
        "recipients",
        "purchaser",
        "billing",
        "postal",
        "postcode",
        "zip",
        "zipcode",
        "city",
        "street",
        "surname",
        "firstname",
        "lastname",
        "fullname",
        "ip",
    }
)
PERSONAL_PHRASES = ("first_name", "last_name", "full_name", "ship_name", "shipping_name", "e_mail")
# Bounded repeats keep the search linear in the text length (an unbounded one is quadratic on long strings).
_EMAIL_RE = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}\.[A-Za-z]{2,24}")
# Settings that say where things live on the server, not how the analysis was run.
_SETTINGS_DROP_SUFFIXES = ("_path", "_dir", "_url", "_file")
_SETTINGS_DROP_PREFIXES = ("duckdb_", "db_", "feed_", "share_")
WINDOW_KEYS = ("start", "end", "title", "source", "channels", "impact", "degraded_pct", "score", "precision", "url")
INGEST_KEYS = ("orders", "lines", "currency", "channels", "first", "last", "day_precision_lines")
INGEST_FILE_KEYS = (
    "format",
    "format_label",
    "encoding",
    "lines",
    "loaded",
    "duplicates",
    "skipped",
    "rejected",
    "skipped_reasons",
)

_DROP = object()


def _has_email(text: str) -> bool:
    return "@" in text and _EMAIL_RE.search(text) is not None


def _norm_key(key: object) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(key).strip().lower()).strip("_")


@functools.lru_cache(maxsize=8192)
def _key_verdict(key: str) -> int:
    """0: keep; 1: drop the key; 2: an order-level key (drop the whole record). Cached: keys repeat a lot."""
    k = _norm_key(key)
    if k in ORDER_LEVEL_KEYS:
        return 2
    if (
        k in DROP_KEYS
        or not PERSONAL_WORDS.isdisjoint(k.split("_"))
        or any(p in k for p in PERSONAL_PHRASES)
        or _has_email(key)
    ):
        return 1
    return 0


def _plain(value: Any) -> Any:
    """JSON-ready scalar, or _DROP for what cannot be shared (an email address, an unknown object)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return _DROP if _has_email(value) else value
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and getattr(value, "shape", None) == ():
        return _plain(item())
    return _DROP


def _scrub(value: Any) -> Any:
    """Recursive scrub: drop order-level records, personal or location keys, email-like strings; plain JSON out."""
    kind = type(value)
    # Plain JSON values first: a snapshot is mostly numbers and short strings (hourly series).
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is int or kind is bool or value is None:
        return value
    if kind is str:
        return _DROP if "@" in value and _has_email(value) else value
    if kind is dict or isinstance(value, Mapping):
        verdicts = [_key_verdict(k if type(k) is str else str(k)) for k in value]
        if 2 in verdicts:
            return _DROP
        out = {}
        for (k, v), verdict in zip(value.items(), verdicts, strict=True):
            if not verdict:
                clean = _scrub(v)
                if clean is not _DROP:
                    out[str(k)] = clean
        return out
    if kind is list or kind is tuple or (hasattr(value, "tolist") and getattr(value, "ndim", 0) >= 1):
        items = value.tolist() if hasattr(value, "tolist") else value
        return [c for c in map(_scrub, items) if c is not _DROP]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _scrub(value.to_json() if hasattr(value, "to_json") else dataclasses.asdict(value))
    return _plain(value)


def _scrub_settings(settings: Any) -> dict:
    if isinstance(settings, Settings):
        settings = {f.name: getattr(settings, f.name) for f in dataclasses.fields(settings) if f.name != "extra"}
    if not isinstance(settings, Mapping):
        return {}
    kept = {
        k: v
        for k, v in settings.items()
        if not _norm_key(k).endswith(_SETTINGS_DROP_SUFFIXES)
        and not _norm_key(k).startswith(_SETTINGS_DROP_PREFIXES)
        and _norm_key(k) not in ("db", "app_url", "extra")
    }
    return _scrub(kept)


def _scrub_window(window: Any) -> Any:
    if isinstance(window, Window):
        raw = window.to_json() | {"degraded_pct": window.degraded_pct, "precision": window.precision, "url": window.url}
    elif isinstance(window, Mapping):
        raw = window
    else:
        return _DROP
    return _scrub({k: raw[k] for k in WINDOW_KEYS if k in raw})


def _scrub_ingest(ingest: Any) -> Any:
    if hasattr(ingest, "to_json"):
        ingest = ingest.to_json()
    if not isinstance(ingest, Mapping):
        return _DROP
    out = _scrub({k: ingest[k] for k in INGEST_KEYS if k in ingest})
    # Per-file counts stay (they explain the totals); names and line-level rejects do not.
    out["files"] = [
        _scrub({k: f[k] for k in INGEST_FILE_KEYS if k in f})
        for f in ingest.get("files") or []
        if isinstance(f, Mapping)
    ]
    return out


def scrub_snapshot(snapshot: Mapping) -> dict:
    """The shareable part of a snapshot: aggregates only, as plain JSON values.

    Kept: the sections in SECTIONS, nothing else. `windows`: WINDOW_KEYS of each window. `ingest`: INGEST_KEYS and,
    per file, INGEST_FILE_KEYS (no file names, no rejected lines). `settings`: everything but server locations and
    server tuning (keys ending _path/_dir/_url/_file, starting duckdb_/db_/feed_/share_). Everywhere: a dict holding an
    order-level key (ORDER_LEVEL_KEYS) is dropped whole; keys in DROP_KEYS, or with a PERSONAL_WORDS word or a
    PERSONAL_PHRASES phrase, are dropped; strings or keys that contain an email address are dropped; datetimes become
    ISO UTC strings, numpy values and Series plain numbers, NaN and infinity null; anything else that is not plain
    data is dropped (a DataFrame of orders, say).
    """
    if not isinstance(snapshot, Mapping):
        raise ShareError("a share needs an analysis snapshot (a mapping of sections)")
    out: dict[str, Any] = {"version": SNAPSHOT_VERSION}
    for key in SECTIONS[1:]:
        if key not in snapshot or snapshot[key] is None:
            continue
        value = snapshot[key]
        if key == "settings":
            clean = _scrub_settings(value)
        elif key == "windows":
            clean = [c for c in (_scrub_window(w) for w in value or []) if c is not _DROP]
        elif key == "ingest":
            clean = _scrub_ingest(value)
        else:
            clean = _scrub(value)
        if clean is not _DROP:
            out[key] = clean
    return out


def build_snapshot(
    *,
    settings: Any = None,
    windows: Iterable = (),
    analysis: Any = None,
    ingest: Any = None,
    view: Mapping | None = None,
    **sections: Any,
) -> dict:
    """A snapshot from the pieces the app and CLI hold (Window objects, IngestReport, result objects with to_json),
    already scrubbed. Extra sections (charts, scenarios, shipments, outages) go in by keyword."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown snapshot sections: {', '.join(sorted(unknown))}")
    raw = {"settings": settings, "windows": list(windows), "analysis": analysis, "ingest": ingest, "view": view}
    raw |= sections
    for key, value in list(raw.items()):
        if hasattr(value, "to_json") and key != "ingest":
            raw[key] = value.to_json()
    return scrub_snapshot(raw)


def describe(snapshot: Mapping) -> str:
    parts = []
    for w in snapshot.get("windows") or []:
        start, end = (w.get("start") or "")[:16].replace("T", " "), (w.get("end") or "")[:16].replace("T", " ")
        if end[:10] == start[:10]:
            end = end[11:]
        chans = ",".join(w.get("channels") or []) or "all channels"
        parts.append(f"{start}–{end or 'open'} UTC ({chans})")
    if len(parts) > 2:
        parts = parts[:2] + [f"+{len(parts) - 2} more"]
    return "; ".join(parts) or "no window"
