"""How figures, names and times are written for a seller: the one place the app, the HTML report, the charts and
the CLI take their wording and colours from, so a figure reads the same on every surface.

    format_money(-493.66, "USD")               -> '−$493.66'
    money_per_currency({"USD": 1200, "EUR": 80}) -> ['€80.00', '$1,200.00']
    plural(1, "day"), plural(2, "day")         -> '1 day', '2 days'
    local_window(start, end, "America/New_York", zone=True) -> 'Mon 20 Oct 2025 02:48 to 17:20 America/New_York'
    format_channels(["amazon", "ebay", "etsy"]) -> 'Amazon, eBay and Etsy'
    unmeasurable("late shipments", "the exports carry no ship dates")
                                               -> 'late shipments could not be measured: the exports carry no ship dates'

No streamlit and no plotly import here: chart helpers only set properties on a figure they are given.
"""

from __future__ import annotations

import functools
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from babel.numbers import get_currency_precision, get_currency_symbol, parse_pattern

from .errors import InputError

# ---------------------------------------------------------------------------------------------------------------
# Locale

DEFAULT_LOCALE = "en_US"
# The app sets the browser's locale per session run; the CLI and the report read IMPACT_LOCALE.
_SESSION_LOCALE: ContextVar[str | None] = ContextVar("impact_locale", default=None)


@lru_cache(maxsize=64)
def check_locale(name: str) -> Locale:
    """A CLDR locale from 'de_DE' or 'de-DE'; an InputError naming the value and an example otherwise."""
    try:
        return Locale.parse((name or "").strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise InputError(f"locale {name!r} is not one we know; write it like en_US or de_DE") from None


def use_locale(name: str | None) -> None:
    """Money and dates of this run in `name` (the browser's locale in the app); None: IMPACT_LOCALE or en_US."""
    if name:
        check_locale(name)
    _SESSION_LOCALE.set(name or None)


# Set while a document written in English is built (letters, the claim pack, the HTML report): its dates are English
# whatever the locale, as a German month inside an English sentence reads as an error to its reader.
_ENGLISH_DOCUMENT: ContextVar[bool] = ContextVar("impact_english_document", default=False)
_F = TypeVar("_F", bound=Callable)


def english_document(build: _F) -> _F:
    """Decorator for a function that writes a document in English (a letter, the claim pack, the report): while it
    runs, dates and money are written the English way, in the chosen locale when it is an English one (en_GB) and
    in en_US otherwise: an English reader must not meet '129,83 $' or 'Mo. 20 Okt.' inside English sentences."""

    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        token = _ENGLISH_DOCUMENT.set(True)
        try:
            return build(*args, **kwargs)
        finally:
            _ENGLISH_DOCUMENT.reset(token)

    return wrapper


def active_locale() -> Locale:
    """The locale figures are written in: IMPACT_LOCALE when set (the seller chose it), else the session's, else
    en_US."""
    chosen = os.environ.get("IMPACT_LOCALE", "").strip()
    locale = check_locale(chosen or _SESSION_LOCALE.get() or DEFAULT_LOCALE)
    if _ENGLISH_DOCUMENT.get() and locale.language != "en":
        return check_locale(DEFAULT_LOCALE)
    return locale


# ---------------------------------------------------------------------------------------------------------------
# Money

# A typographic minus: a negative amount in a table never starts with '-', which a spreadsheet reads as a formula.
MINUS = "\u2212"
# Currencies priced without a minor unit in practice although CLDR gives them two (HUF); the rest follow CLDR.
NO_DECIMALS = {"HUF"}
MISSING = "not known"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def currency_digits(currency: str | None) -> int:
    """Decimals an amount in this currency is written with, from CLDR: 0 for yen, 3 for dinars, 2 for most."""
    code = (currency or "").upper()
    if code in NO_DECIMALS:
        return 0
    return get_currency_precision(code) if len(code) == 3 and code.isalpha() else 2


def _decimal(value: float) -> Decimal:
    # Through the shortest repr, so 2.675 is the 2.675 the seller's file said, not the binary 2.67499999...
    return Decimal(repr(float(value)))


def _rounded(value: Decimal, digits: int) -> Decimal:
    """value rounded half away from zero at `digits` decimals (2.675 -> 2.68, as a person rounds), without a sign."""
    return value.copy_abs().quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _fixed(value: Decimal, digits: int) -> str:
    """_rounded(value), grouped by thousands as the active locale writes numbers ('1,234.50', '1.234,50')."""
    pattern = parse_pattern("#,##0")
    pattern.frac_prec = (digits, digits)
    return pattern.apply(_rounded(value, digits), active_locale())


def currency_symbol(currency: str | None) -> str:
    """The active locale's symbol for an ISO code ('$', '€', 'CA$'), the code itself when CLDR has none."""
    code = (currency or "").upper()
    return get_currency_symbol(code, active_locale()) if code else ""


def format_money(
    value: float | None, currency: str | None = "USD", decimals: int | None = None, *, minus: str = MINUS
) -> str:
    """An amount with its currency in the active locale (CLDR): format_money(1234.5, 'USD') -> '$1,234.50',
    format_money(1500, 'JPY') -> '¥1,500', '1.234,50\xa0€' for de_DE; codes without a symbol as suffix: '10.00 CHF'.
    `decimals` asks for fewer digits (headlines use 0), never more than the currency has. Pass minus='-' where a
    program reads the sign (st.metric colours a delta by a leading '-')."""
    if _missing(value):
        return "n/a"
    code = (currency or "").upper()
    digits = currency_digits(code) if decimals is None else min(decimals, currency_digits(code))
    amount = _rounded(_decimal(value), digits)
    # The sign follows the rounded amount: -0.004 USD is '$0.00', not '-$0.00'.
    sign = minus if value < 0 and amount else ""
    symbol = currency_symbol(code)
    if not code or symbol == code:
        return f"{sign}{_fixed(amount, digits)} {code}".strip()
    locale = active_locale()
    pattern = parse_pattern(locale.currency_formats["standard"].pattern)
    pattern.frac_prec = (digits, digits)
    return sign + pattern.apply(amount, locale, currency=code, currency_digits=False)


def format_money_ascii(value: float | None, currency: str | None = "USD", decimals: int | None = None) -> str:
    """format_money with an ASCII '-', for text a program reads: st.metric colours a delta by a leading '-', and a
    terminal user greps for it (format_money_ascii(-3.2, 'EUR') -> '-€3.20')."""
    return format_money(value, currency, decimals, minus="-")


def money_per_currency(
    amounts: Mapping[str, float | None], decimals: int | None = None, *, minus: str = MINUS
) -> list[str]:
    """One string per currency, in currency-code order: amounts in different currencies are never added up.
    {'USD': 1200, 'EUR': 80} -> ['€80.00', '$1,200.00']; missing amounts are left out."""
    return [format_money(amounts[c], c, decimals, minus=minus) for c in sorted(amounts) if not _missing(amounts[c])]


def sum_per_currency(parts: Iterable[Mapping[str, float | None]]) -> dict[str, float]:
    """Per-currency totals of several per-currency amounts (e.g. each channel's revenue_by_currency), each currency
    added only to itself."""
    total: dict[str, float] = {}
    for part in parts:
        for code, amount in part.items():
            if not _missing(amount):
                total[code] = total.get(code, 0.0) + float(amount)
    return total


def money_axis(currency: str | None, axis: str = "y") -> dict:
    """Plotly tick prefix/suffix and hover fragment for amounts on `axis`, written as format_money() writes them."""
    code = (currency or "").upper()
    value = "%{" + axis + ":,." + str(currency_digits(code)) + "f}"
    symbol = currency_symbol(code)
    if code and symbol != code:
        if active_locale().currency_formats["standard"].pattern.startswith("¤"):
            return {"tickprefix": symbol, "ticksuffix": "", "hover": f"{symbol}{value}"}
        return {"tickprefix": "", "ticksuffix": f"\xa0{symbol}", "hover": f"{value}\xa0{symbol}"}
    return {"tickprefix": "", "ticksuffix": f" {code}" if code else "", "hover": f"{value} {code}".strip()}


# ---------------------------------------------------------------------------------------------------------------
# Numbers, percentages, plurals


def number(value: float | None, digits: int = 0) -> str:
    """1234.5 -> '1,235' (digits=0) or '1,234.5' (digits=1), with a typographic minus; 'not known' when missing."""
    if _missing(value):
        return MISSING
    exact = _decimal(value)
    return (MINUS if value < 0 and _rounded(exact, digits) else "") + _fixed(exact, digits)


def percent(fraction: float | None, digits: int = 0) -> str:
    """0.372 -> '37%' (digits=0) or '37.2%'; 'not known' when missing."""
    if _missing(fraction):
        return MISSING
    exact = _decimal(fraction) * 100
    return (MINUS if fraction < 0 and _rounded(exact, digits) else "") + _fixed(exact, digits) + "%"


def plural_word(count: float, singular: str, plural: str | None = None) -> str:
    """The word that goes with count: 'day' for 1, 'days' otherwise ('currencies', 'matches' by English rules, or
    the given plural for irregular ones)."""
    if count == 1:
        return singular
    if plural is not None:
        return plural
    if singular.endswith("y") and singular[-2:-1] not in tuple("aeiou"):
        return singular[:-1] + "ies"
    if singular.endswith(("s", "x", "ch", "sh")):
        return singular + "es"
    return singular + "s"


def plural(count: float | None, singular: str, plural: str | None = None, digits: int | None = 0) -> str:
    """A count with its noun: '1 day', '2 days', '1,234 orders', '14.5 hours' (digits=1; digits=None writes whole
    numbers without decimals and others with one: '24 hours', '14.5 hours'). The noun agrees with the number as
    written, so 0.96 days at digits=0 is '1 day'."""
    if _missing(count):
        return f"{MISSING} {plural or plural_word(2, singular)}"
    if digits is None:
        digits = 0 if float(count).is_integer() else 1
    text = number(count, digits)
    return f"{text} {plural_word(1 if text in ('1', '1.' + '0' * digits) else 2, singular, plural)}"


# ---------------------------------------------------------------------------------------------------------------
# Times: instants are UTC everywhere inside; the seller reads them in their own zone.

TIME_FORMAT = "%a %d %b %Y %H:%M"  # 'Mon 20 Oct 2025 02:48'
DAY_FORMAT = "%a %d %b"  # 'Mon 20 Oct'


def duration(hours: float | None) -> str:
    """A span of hours as a reader says it: 14.5333 -> '14 h 32 min', 0.75 -> '45 min', 2 -> '2 h'."""
    if _missing(hours):
        return ""
    minutes = int(round(float(hours) * 60))
    h, m = divmod(abs(minutes), 60)
    text = " ".join(p for p in (f"{h} h" if h else "", f"{m} min" if m else "") if p) or "0 min"
    return (MINUS if minutes < 0 else "") + text


def source_text(source: str | None) -> str:
    """A data source as a reader can follow it: the project's own reference files ('…/outage-sources.md: ') are not
    part of the product, so only what they cite is kept."""
    text = str(source or "").strip()
    head, sep, rest = text.partition(": ")
    if sep and head.endswith((".md", ".csv", ".txt")) and " " not in head:
        return rest.strip()
    return text


def check_zone(tz: str | None) -> ZoneInfo:
    """The zone for an IANA name (empty: UTC); an InputError naming it when there is no such zone."""
    try:
        return ZoneInfo(tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"'{tz}' is not a time zone name such as America/New_York or Europe/Berlin") from None


def parse_instant(value: str | datetime | None) -> datetime | None:
    """ISO text ('...Z', with an offset, or naive UTC) or a datetime (naive means UTC) -> an aware UTC datetime;
    None for a missing value (None, '', NaN, NaT)."""
    if value is None or value == "" or value != value:  # NaN and pandas' NaT are unequal to themselves
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def generated_instant(explicit: datetime | None = None) -> datetime:
    """The instant the report says it was generated (aware, UTC): `explicit` when given, else SOURCE_DATE_EPOCH when
    that is set, else now."""
    if explicit is not None:
        return parse_instant(explicit)
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(
            f"SOURCE_DATE_EPOCH is '{raw}': it must be a whole number of seconds since 1970-01-01 UTC, e.g. 1762162200"
        ) from None


def to_local(value: str | datetime | None, tz: str = "UTC") -> datetime | None:
    """An instant -> naive wall-clock datetime in tz (what plotly draws and strftime writes); None when missing."""
    instant = parse_instant(value)
    return None if instant is None else instant.astimezone(check_zone(tz)).replace(tzinfo=None)


def local_time(
    value: str | datetime | None, tz: str = "UTC", fmt: str = TIME_FORMAT, *, zone: bool = False, missing: str = MISSING
) -> str:
    """An instant as the seller's clock shows it: 'Mon 20 Oct 2025 02:48', with ' America/New_York' when zone is
    set; `missing` (default 'not known') when there is no instant. local_time(v, 'UTC') writes UTC."""
    local = to_local(value, tz)
    if local is None:
        return missing
    return strftime_local(local, fmt) + (f" {tz or 'UTC'}" if zone else "")


# strftime directives and the CLDR fields they become, so one format string serves every locale.
_CLDR_FIELDS = {
    "a": "EEE",
    "A": "EEEE",
    "d": "dd",
    "b": "MMM",
    "B": "MMMM",
    "m": "MM",
    "Y": "yyyy",
    "y": "yy",
    "H": "HH",
    "I": "hh",
    "M": "mm",
    "S": "ss",
    "p": "a",
}


def _cldr_pattern(fmt: str) -> str:
    """A strftime format as a CLDR date pattern: '%a %d %b %Y %H:%M' -> 'EEE dd MMM yyyy HH:mm', literals quoted."""
    parts = re.split(r"(%.)", fmt)
    out = []
    for part in parts:
        if part.startswith("%") and len(part) == 2:
            out.append(_CLDR_FIELDS.get(part[1], ""))
        elif part:
            out.append("'" + part.replace("'", "''") + "'" if re.search(r"[A-Za-z']", part) else part)
    return "".join(out)


def strftime_local(moment: datetime, fmt: str) -> str:
    """A wall-clock datetime written with a strftime format in the active locale: 'Mon 20 Oct 2025 02:48' in
    English, 'Mo. 20 Okt. 2025 02:48' for de_DE; always English inside a document built under english_document."""
    locale = active_locale()
    if locale.language == "en" or _ENGLISH_DOCUMENT.get():
        return moment.strftime(fmt)
    return format_datetime(moment, _cldr_pattern(fmt), locale=locale)


def local_window(start: str | datetime, end: str | datetime | None, tz: str = "UTC", *, zone: bool = False) -> str:
    """A window in the seller's clock, the end's date only when it is another local day:
    'Mon 20 Oct 2025 02:48 to 17:20', 'Mon 20 Oct 2025 22:00 to Tue 21 Oct 03:00', and 'to now' while open."""
    s, e = to_local(start, tz), to_local(end, tz)
    if s is None:
        return MISSING
    if e is None:
        tail = "now"
    elif e.date() == s.date():
        tail = f"{e:%H:%M}"
    elif e.year == s.year:
        tail = strftime_local(e, "%a %d %b %H:%M")
    else:
        tail = strftime_local(e, TIME_FORMAT)
    return f"{strftime_local(s, TIME_FORMAT)} to {tail}" + (f" {tz or 'UTC'}" if zone else "")


def local_days(start: str | datetime, end: str | datetime | None, tz: str = "UTC") -> list[datetime]:
    """The local days (naive midnights in tz) a window touches; an end at midnight does not touch the next day."""
    s, e = to_local(start, tz), to_local(end, tz)
    if s is None:
        return []
    last = (e - timedelta(microseconds=1)) if e is not None and e > s else s
    days, day = [], s.replace(hour=0, minute=0, second=0, microsecond=0)
    while day <= last:
        days.append(day)
        day += timedelta(days=1)
    return days


def hours_between(start: str | datetime, end: str | datetime) -> float:
    """Elapsed hours between two instants (real hours: a window across a DST change is not an hour off)."""
    return (parse_instant(end) - parse_instant(start)).total_seconds() / 3600


# ---------------------------------------------------------------------------------------------------------------
# Channel and marketplace names

CHANNEL_NAMES = {
    "amazon": "Amazon",
    "ebay": "eBay",
    "etsy": "Etsy",
    "shopify": "Shopify",
    "woocommerce": "WooCommerce",
    "walmart": "Walmart",
    "other": "Other",
}


def channel_name(channel: object) -> str:
    """A channel code as its brand writes it: 'ebay' -> 'eBay', 'woocommerce' -> 'WooCommerce'; other codes are
    capitalised; a marketplace scope 'shopify:TikTok Shop' -> 'TikTok Shop (in Shopify)'."""
    code = str(channel or "other").strip()
    base, sep, marketplace = code.partition(":")
    if sep and marketplace.strip():
        name = channel_name(base)
        if marketplace.strip().casefold() == name.casefold():  # the store's own orders, beside synced marketplaces
            return f"{name} (own orders)"
        return f"{marketplace.strip()} (in {name})"
    return CHANNEL_NAMES.get(code.lower(), code[:1].upper() + code[1:])


def sku_name(sku: object) -> str:
    """A SKU as a reader sees it; the lines without one, keyed '(none)' in the results (impact.analysis,
    impact.costs.profit), read '(no SKU)'."""
    text = str(sku or "").strip()
    return "(no SKU)" if text in ("", "(none)") else text


def marketplace_name(marketplace: object) -> str:
    """A marketplace as its owner writes it: 'amazon.de' -> 'Amazon.de', 'AMAZON.CO.UK' -> 'Amazon.co.uk', 'ebay'
    -> 'eBay'; anything else is the seller's own text, unchanged."""
    text = str(marketplace or "").strip()
    low = text.lower()
    if low in CHANNEL_NAMES:
        return CHANNEL_NAMES[low]
    if low.startswith("amazon.") and " " not in low:
        return "Amazon" + low[len("amazon") :]
    return text


def join_names(names: Iterable[object], *, empty: str = "") -> str:
    """Names as a sentence lists them: 'Amazon', 'Amazon and eBay', 'Amazon, eBay and Etsy'; `empty` for none."""
    items = [str(n) for n in names]
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def format_channels(channels: Iterable[object] | None, *, empty: str = "all channels") -> str:
    """Channel codes as a sentence: ['amazon', 'ebay'] -> 'Amazon and eBay'; no channels means all of them."""
    return join_names((channel_name(c) for c in channels or ()), empty=empty)


# ---------------------------------------------------------------------------------------------------------------
# Sentences


def sentence(text: str) -> str:
    """A clause as a sentence: first letter upper case, a full stop unless it already ends in . ! or ?."""
    text = str(text).strip()
    return text[:1].upper() + text[1:] + ("" if not text or text.endswith((".", "!", "?")) else ".")


def unmeasurable(figure: str, reason: str) -> str:
    """What is written instead of a figure that cannot be measured, with why: unmeasurable('late shipments', 'the
    exports carry no ship dates') -> 'late shipments could not be measured: the exports carry no ship dates'."""
    return f"{figure} could not be measured: {reason}"


def value_range(
    low: float | None, high: float | None, fmt: Callable[[float], str] = number, *, confidence: float | None = None
) -> str:
    """'90% range 3 to 12' (or '3 to 12' without a confidence); '' when either bound is missing, so a sentence
    never says 'unknown to unknown'."""
    if _missing(low) or _missing(high):
        return ""
    text = f"{fmt(low)} to {fmt(high)}"
    return f"{percent(confidence)} range {text}" if confidence is not None else text


# ---------------------------------------------------------------------------------------------------------------
# Charts: one palette, so a colour means the same thing in every figure of the app and the report.

FONT = "Inter, Segoe UI, Helvetica Neue, Arial, sans-serif"
COLORS = {
    "ink": "#111827",
    "actual": "#1f2937",  # solid dark slate: what really happened
    "expected": "#2563eb",  # dashed blue: what the history says should have happened
    "expected_fill": "rgba(37, 99, 235, 0.25)",
    "band": "rgba(37, 99, 235, 0.13)",  # interval around the expectation
    "outage": "rgba(220, 38, 38, 0.09)",  # soft red shading of the outage window
    "outage_edge": "rgba(220, 38, 38, 0.55)",
    "loss": "#dc2626",
    "loss_fill": "rgba(220, 38, 38, 0.08)",
    "gain": "#16a34a",
    "muted": "#9ca3af",
    "grid": "#e5e7eb",
    "today": "#555555",
}
# Each channel keeps its brand colour in every figure (stacked days, scenario mixes).
CHANNEL_COLORS = {
    "amazon": "#ff9900",
    "shopify": "#5e8e3e",
    "ebay": "#0064d2",
    "etsy": "#d5641c",
    "woocommerce": "#7f54b3",
    "walmart": "#ffc220",
    "other": "#8c8c8c",
}
# Series that are not channels (expected loss, 1 year in 20, net benefit, several mixes), in order of use.
SERIES = ("#1f4e79", "#c0504d", "#4f9a55", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f")


def channel_color(channel: object) -> str:
    """The channel's colour; channels without their own share the colour of 'other'."""
    return CHANNEL_COLORS.get(str(channel or "other").lower(), CHANNEL_COLORS["other"])


def base_layout(
    fig,
    *,
    title: str | None = None,
    y_title: str | None = None,
    x_title: str | None = None,
    money: dict | None = None,
    axes: bool = True,
):
    """The house style of a plotly figure (white template, font, margins, legend on top, light grid), with an
    optional title, axis titles and a money_axis() for the y axis. axes=False leaves the axes alone, for figures
    of several panels that style their own. Returns the figure."""
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "size": 13, "color": COLORS["ink"]},
        margin={"l": 10, "r": 10, "t": 56 if title else 30, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        hoverlabel={"font": {"family": FONT}},
        plot_bgcolor="white",
    )
    if title is not None:
        fig.update_layout(title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}})
    if not axes:
        return fig
    fig.update_xaxes(title_text=x_title, showgrid=False, linecolor=COLORS["grid"])
    fig.update_yaxes(title_text=y_title, gridcolor=COLORS["grid"], zerolinecolor=COLORS["grid"])
    if money:
        fig.update_yaxes(tickprefix=money["tickprefix"], ticksuffix=money["ticksuffix"], tickformat=",")
    return fig
