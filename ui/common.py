"""What every part of the screen shares: settings, the outage catalog, time zones and how text is formatted."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

import streamlit as st

from impact.errors import ImpactError
from impact.outages import load_catalog, window_json
from impact.settings import Settings, load_settings

COMMON_ZONES = [
    "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
    "America/Sao_Paulo", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam",
    "Asia/Tokyo", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney",
]  # fmt: skip
CHART_CONFIG = {"displaylogo": False}


def settings() -> Settings:
    # Read on every use, as the single-file app did on every script run: the environment may change between runs
    # of one server process (tests set it per test).
    return load_settings()


@st.cache_data(show_spinner=False)
def zone_options() -> list[str]:
    """Common zones first, then every IANA zone (the select box is searchable)."""
    rest = sorted(z for z in available_timezones() if "/" in z and z not in COMMON_ZONES and not z.startswith("Etc/"))
    return COMMON_ZONES + rest


@st.cache_data(show_spinner=False, ttl=600)
def catalog() -> dict[str, dict]:
    """Built-in outage catalog (public facts, the same for every session), newest first, keyed by id."""
    try:
        entries = [window_json(w) for w in load_catalog()]
    except ImpactError:
        return {}
    entries.sort(key=lambda w: w["start"], reverse=True)
    return {w["id"]: w for w in entries}


def default_zone() -> str:
    """The browser's zone when it is one we list, else the configured default (else UTC)."""
    try:
        browser = st.context.timezone
    except Exception:  # noqa: BLE001 - no browser context (e.g. a bare script run): fall back quietly
        browser = None
    options = zone_options()
    for zone in (browser, settings().default_tz):
        if zone and zone in options:
            return zone
    return "UTC"


def md_escape(text: object) -> str:
    """User-supplied text (file names, column names) shown inside markdown without becoming markup or links."""
    # Brackets, emphasis, code, HTML and streamlit's :directive[...] syntax; dots and dashes are harmless mid-line.
    return re.sub(r"([\\`*_\[\]<>|~$:#])", r"\\\1", str(text))


def sentence(text: str) -> str:
    """A message from impact as a sentence: capital first letter, full stop at the end."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def parse_iso(text: str | None) -> datetime | None:
    """'2025-10-20T06:48:00Z' -> naive UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "")) if text else None


def to_utc(local: datetime, tz: str) -> datetime:
    """Naive wall-clock time in tz -> naive UTC."""
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)


def from_utc(value: datetime, tz: str) -> datetime:
    """Naive UTC -> naive wall clock in tz."""
    return value.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def fmt_local(value: datetime | str | None, tz: str, with_zone: bool = True) -> str:
    if isinstance(value, str):
        value = parse_iso(value)
    if value is None:
        return "not known"
    text = f"{from_utc(value, tz):%a %d %b %Y %H:%M}"
    return f"{text} ({tz})" if with_zone else text


def fmt_span(start: datetime, end: datetime, tz: str) -> str:
    """'Mon 20 Oct 2025 15:00 – 22:00' in tz (the end's date only when it differs), without the zone name."""
    s, e = from_utc(start, tz), from_utc(end, tz)
    tail = f"{e:%H:%M}" if s.date() == e.date() else f"{e:%a %d %b %H:%M}"
    return f"{s:%a %d %b %Y %H:%M} – {tail}"


def channel_names(channels) -> str:
    return ", ".join(c.capitalize() for c in channels) if channels else "all channels"


def count(value: float | None, digits: int = 0) -> str:
    return "unknown" if value is None else f"{value:,.{digits}f}"
