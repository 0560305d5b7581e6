"""What every part of the screen shares: settings, the outage catalog, time zones and markdown escaping. How figures,
names and times are written is impact.present's, as in the report and the charts."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

import streamlit as st

from impact import present
from impact.errors import ImpactError
from impact.outages import load_catalog, window_json
from impact.settings import Settings, load_settings
from impact.terminal import terminal_text

COMMON_ZONES = [
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
]
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
    """Before any file is read: the deployment's zone (IMPACT_DEFAULT_TZ) when set, else the browser's when it is
    one we list, else UTC. Once the orders are loaded, ui.zone reads the seller's zone from them."""
    try:
        browser = st.context.timezone
    except Exception:  # noqa: BLE001 - no browser context (e.g. a bare script run): fall back quietly
        browser = None
    options = zone_options()
    for zone in (settings().default_tz, browser):
        if zone and zone in options:
            return zone
    return "UTC"


def use_browser_locale() -> str:
    """Money and dates of this run in the browser's locale when the seller has set none (IMPACT_LOCALE); a locale
    CLDR does not know falls back to en_US. Returns the locale used, e.g. 'de_DE'."""
    try:
        browser = st.context.locale
    except Exception:  # noqa: BLE001 - no browser context (e.g. a bare script run): fall back quietly
        browser = None
    try:
        present.use_locale(browser)
    except ImpactError:
        present.use_locale(None)
    return str(present.active_locale())


def md_escape(text: object) -> str:
    """User-supplied text (file names, column names, SKUs) shown inside markdown without becoming markup or links.

    Escaping markup is not enough: Streamlit's Markdown turns a bare URL, `www.` host or e-mail address into a
    live link after the escapes are resolved, so those are defanged the way security notes write them
    (`http[:]//`, `www[.]`, `name[@]host`): still readable, no longer a link an analyst could click or a browser
    fetch. Control, zero-width and bidi characters are shown as escapes (impact.terminal).
    """
    text = terminal_text(str(text))
    text = _URL_SCHEME.sub(r"\1[:]//", text)
    text = _WWW.sub(r"\1[.]", text)
    text = _EMAIL_AT.sub("[@]", text)
    # Brackets, emphasis, code, HTML and streamlit's :directive[...] syntax; dots and dashes are harmless mid-line.
    return re.sub(r"([\\`*_\[\]<>|~$:#])", r"\\\1", text)


_URL_SCHEME = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*):/{2}")
_WWW = re.compile(r"\b(www)\.", re.IGNORECASE)
_EMAIL_AT = re.compile(r"(?<=[\w.+-])@(?=[\w-]+\.)")


def escape_dollars(text: str) -> str:
    """Markdown we wrote ourselves (its **bold** kept) with each $ escaped: a literal $ opens LaTeX in streamlit."""
    return text.replace("$", "\\$")


def to_utc(local: datetime, tz: str) -> datetime:
    """Naive wall-clock time in tz (what the datetime widgets hold) -> naive UTC; present.to_local is the way back."""
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)
