"""The built-in catalog of notable outages that hit online sellers, read from data/outages.csv.

The CSV is the catalog: add a row to extend it. Columns: id, name, providers (who failed, e.g. aws; ';'-separated),
channels (selling channels hit, ';'-separated, or all), start and end (ISO 8601 UTC), precision (empty when the times
are confirmed, otherwise what is approximate or unconfirmed, shown to the user as it is), affected (what broke),
source_url.
"""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path

from .. import present
from ..errors import InputError, WindowError
from ..settings import DATA_DIR
from ..windows import Window, parse_utc
from .windows_csv import parse_channels

CATALOG_PATH = DATA_DIR / "outages.csv"
COLUMNS = ("id", "name", "providers", "channels", "start", "end", "precision", "affected", "source_url")

_cache: dict[Path, tuple[float, list[Window]]] = {}
_lock = threading.Lock()


def providers(window: Window) -> tuple[str, ...]:
    """The infrastructure providers behind a window (catalog or feed), e.g. ('aws',)."""
    return tuple(window.extra.get("providers") or ())


def _split(value: str) -> tuple[str, ...]:
    return tuple(p.strip().lower() for p in value.replace(",", ";").split(";") if p.strip())


def parse_catalog(text: str, *, name: str = "outages.csv") -> list[Window]:
    """Catalog CSV text -> windows, oldest first; any bad row is an error naming its line (the file is ours)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{name}: missing {present.plural_word(len(missing), 'column')} {', '.join(missing)}")
    entries: list[Window] = []
    seen: set[str] = set()
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        values = {k: (row.get(k) or "").strip() for k in COLUMNS}
        try:
            if not values["id"] or not values["name"]:
                raise WindowError("id and name are required")
            if values["id"] in seen:
                raise WindowError(f"id '{values['id']}' is used twice")
            if not values["source_url"].startswith(("http://", "https://")):
                raise WindowError("source_url must be an http(s) address")
            seen.add(values["id"])
            entries.append(
                Window(
                    start=parse_utc(values["start"]),
                    end=parse_utc(values["end"]),
                    channels=parse_channels(values["channels"]),
                    title=values["name"],
                    source="catalog",
                    impact="full",
                    precision=values["precision"],
                    url=values["source_url"],
                    extra={
                        "id": values["id"],
                        "providers": list(_split(values["providers"])),
                        "affected": values["affected"],
                        "open": False,
                    },
                )
            )
        except WindowError as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise InputError(f"{name}: " + "; ".join(problems))
    entries.sort(key=lambda w: w.start)
    return entries


def load_catalog(path: str | Path | None = None) -> list[Window]:
    """The catalog as windows (cached until the file changes). Each has extra id, providers and affected."""
    path = Path(path) if path else CATALOG_PATH
    try:
        stamp = path.stat().st_mtime
    except OSError:
        raise InputError(f"the outage catalog {path} is missing") from None
    with _lock:
        hit = _cache.get(path)
        if hit and hit[0] == stamp:
            return list(hit[1])
    entries = parse_catalog(path.read_text(encoding="utf-8-sig"), name=path.name)
    with _lock:
        _cache[path] = (stamp, entries)
    return list(entries)


def catalog_entry(entry_id: str, catalog: list[Window] | None = None) -> Window:
    for window in catalog if catalog is not None else load_catalog():
        if window.extra.get("id") == entry_id:
            return window
    raise InputError(f"no outage '{entry_id}' in the catalog")
