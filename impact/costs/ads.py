"""Advertising spend by channel, local day and (where the report has it) local hour.

Amazon Ads spend buys Amazon sales, so its channel is amazon. Google and Meta ads send buyers to the seller's own
store, which the caller names: an ads argument is a path, "CHANNEL=PATH", a (channel, path) pair or an AdsFile.
Without a channel the store comes from the orders (default_ad_channel). Days and hours are the ad account's local
time as the report writes them; the analysis reads them in the seller's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..ingest import sqlexpr
from ..ingest.base import Cols
from ..store import CHANNELS
from .reader import (
    AD_DATES,
    CostFormat,
    clean,
    currency_mismatch,
    date,
    find_column,
    money_problem,
    money_sql,
    names,
    shown,
    sql_text,
)

KIND = "ad_spend"
OWN_STORES = ("shopify", "woocommerce")  # where Google and Meta ads send buyers, in order of preference

TABLES = """
CREATE TABLE IF NOT EXISTS ad_spend (
    channel VARCHAR NOT NULL, day DATE NOT NULL, hour INTEGER, spend DECIMAL(18,4) NOT NULL, currency VARCHAR,
    source VARCHAR, file_id INTEGER, line INTEGER);
"""


@dataclass(frozen=True)
class AdsFile:
    path: Path
    channel: str | None = None  # None: Amazon Ads -> amazon, a generic file's own column, else default_ad_channel
    name: str | None = None  # what the seller calls the file (an upload's name); the path's name if None


def ads_file(item) -> AdsFile:
    """One ads argument as an AdsFile: a path, "CHANNEL=PATH", (channel, path) or an AdsFile.

    A string is split at its first "=" only when the part before it is a channel name, so a path holding "=" works.
    """
    if isinstance(item, AdsFile):
        return AdsFile(Path(item.path), check_channel(item.channel) if item.channel else None, item.name)
    if isinstance(item, tuple):
        channel, path = item
        return AdsFile(Path(path), check_channel(channel) if channel else None)
    text = str(item)
    head, sep, tail = text.partition("=")
    if sep and head.strip().lower() in CHANNELS:
        return AdsFile(Path(tail.strip()), head.strip().lower())
    return AdsFile(Path(text))


def check_channel(channel: str) -> str:
    value = str(channel).strip().lower()
    if value not in CHANNELS:
        raise InputError(f"'{channel}' is not a sales channel; use one of {', '.join(CHANNELS)}")
    return value


def default_ad_channel(order_channels: Sequence[str]) -> str:
    """The store Google and Meta ads are taken to sell for: the first of Shopify, WooCommerce among the orders."""
    present = {str(c).lower() for c in order_channels}
    for channel in OWN_STORES:
        if channel in present:
            return channel
    raise InputError(
        "Google and Meta ads send buyers to your own store, but the orders show no Shopify or WooCommerce store; "
        "say which channel the ads sell for as CHANNEL=FILE, e.g. shopify=google_ads.csv"
    )


def _hour(col: str) -> str:
    """0-23 from "13", "13:00" or Meta's "13:00:00 - 13:59:59"; NULL when the text is none of these."""
    return f"TRY_CAST(regexp_extract({clean(col)}, '^([0-9]{{1,2}})(:00(:00)?( - [0-9:]+)?)?$', 1) AS INTEGER)"


def _spend_text(col: str) -> str:
    return f"(CASE WHEN trim({col}) IN ('--', '-') THEN NULL ELSE {clean(col)} END)"


def _shape(day: str, hour: str, spend: str, currency: str, channel: str, *, end: str = "NULL") -> dict[str, str]:
    """The ad_spend columns of a format, and the raw texts the checks quote."""
    return {
        "_day": day,
        "day": date(day, AD_DATES),
        "_end": end,
        "end_day": date(end, AD_DATES),
        "_hour": hour,
        "hour": _hour(hour),
        "_spend": _spend_text(spend),
        "spend": money_sql(_spend_text(spend)),
        "currency": currency,
        "_channel": channel,
        "channel": f"lower({clean(channel)})",
    }


SKIP = """CASE
    WHEN starts_with(lower(trim(coalesce(_day, ''))), 'total') THEN 'total row'
    WHEN nullif(trim(_day), '') IS NULL AND _spend IS NULL THEN 'empty row'
    WHEN _spend IS NULL THEN 'no spend given' END"""
REJECT = f"""CASE
    WHEN nullif(trim(_day), '') IS NULL THEN 'missing date: export the report with its Day (or Date) column'
    WHEN day IS NULL THEN 'unreadable date ' || {shown("_day")} || ': write the day as 2025-10-20'
    WHEN day NOT BETWEEN DATE '2000-01-01' AND DATE '2100-12-31'
        THEN 'date out of range ' || {shown("_day")} || ': check its year'
    WHEN end_day IS NOT NULL AND end_day <> day
        THEN 'the row covers ' || day || ' to ' || end_day || '; export the report broken down by day'
    WHEN nullif(trim(_hour), '') IS NOT NULL AND (hour IS NULL OR hour NOT BETWEEN 0 AND 23)
        THEN 'hour must be 0 to 23, not ' || {shown("_hour")}
    WHEN {money_problem("_spend", "spend")} IS NOT NULL THEN {money_problem("_spend", "spend")}
    WHEN channel IS NULL THEN 'no channel: give one in the channel column or as CHANNEL=FILE'
    WHEN channel NOT IN ({", ".join(sql_text(c) for c in CHANNELS)})
        THEN 'unknown channel ' || {shown("_channel")} || ' (one of {", ".join(CHANNELS)})'
    WHEN currency IS NOT NULL AND NOT regexp_full_match(currency, '[A-Z]{{3}}')
        THEN 'currency ' || {shown("currency")} || ' is not a 3-letter code such as USD'
    WHEN {currency_mismatch("_spend", "currency", "spend")} IS NOT NULL
        THEN {currency_mismatch("_spend", "currency", "spend")}
    END"""


def _google_near_miss(header: list[str]) -> str | None:
    have = names(header)
    if {"campaign", "cost"} <= have and not have & {"day", "date"}:
        return "this Google Ads report has no Day column: export it with Segment → Day"
    return None


def _amazon_near_miss(header: list[str]) -> str | None:
    have = names(header)
    if (
        "campaign name" in have
        and find_column(header, r"^spend\b", r"^total cost")
        and not have & {"date", "start date"}
    ):
        return "this Amazon Ads report has no Date column: export it with Time unit → Daily"
    return None


def _meta_near_miss(header: list[str]) -> str | None:
    if find_column(header, r"^amount spent") and "reporting starts" not in names(header):
        return "this Meta Ads export has no Reporting starts column: export it with Breakdown → By time → Day"
    return None


def _format(name: str, label: str, matches, columns, **kw) -> CostFormat:
    return CostFormat(
        name=name,
        label=label,
        kind=KIND,
        matches=matches,
        columns=columns,
        skip=SKIP,
        reject=REJECT,
        money=("_spend",),
        **kw,
    )


def _generic(c: Cols, header: list[str]) -> dict[str, str]:
    # A channel cell left empty falls back to the one given with the file.
    return _shape(
        c("date"), c("hour"), c("spend"), f"upper({clean(c('currency'))})", f"coalesce({clean(c('channel'))}, $channel)"
    )


def _meta(c: Cols, header: list[str]) -> dict[str, str]:
    spent = find_column(header, r"^amount spent")
    code = re.search(r"\(([A-Za-z]{3})\)", spent or "")
    # The currency is in the header, "Amount spent (USD)": checked to be three letters before it becomes SQL.
    currency = sql_text(code.group(1).upper()) if code else "NULL::VARCHAR"
    hour = find_column(header, r"^time of day \(ad account time zone\)")
    return _shape(
        c("reporting starts"), c(hour) if hour else "NULL", c(spent), currency, "$channel", end=c("reporting ends")
    )


def _amazon(c: Cols, header: list[str]) -> dict[str, str]:
    spend = c(find_column(header, r"^spend\b", r"^total cost", r"^cost\b"))
    currency = f"upper({clean(c('currency'))})" if "currency" in names(header) else sqlexpr.currency_from_symbol(spend)
    # With a Date column the report is by day and Start/End Date are the campaign's schedule; without one, Start and
    # End Date are the period the row sums up, which must be a single day.
    if "date" in names(header):
        return _shape(c("date"), "NULL", spend, currency, "'amazon'")
    return _shape(c("start date"), "NULL", spend, currency, "'amazon'", end=c("end date"))


def _google(c: Cols, header: list[str]) -> dict[str, str]:
    first = f'"c{0}"'
    # Google's footer rows ("Total: Account", "Total: Search") start in the first column, whatever it holds.
    day = f"(CASE WHEN starts_with(lower(trim({first})), 'total') THEN {first} ELSE {c('day', 'date')} END)"
    currency = f"upper({clean(c('currency code', 'currency'))})"
    return _shape(day, c("hour of day", "hour"), c("cost"), currency, "$channel")


GENERIC = _format(
    "generic_ads",
    "ad spend CSV (date, channel, spend)",
    lambda h: {"date", "channel", "spend"} <= names(h),
    _generic,
)
META = _format(
    "meta_ads",
    "Meta Ads Manager export",
    lambda h: "reporting starts" in names(h) and bool(find_column(h, r"^amount spent")),
    _meta,
    near_miss=_meta_near_miss,
)
AMAZON = _format(
    "amazon_ads_sp",
    "Amazon Ads Sponsored Products campaign report",
    lambda h: (
        "campaign name" in names(h)
        and bool(names(h) & {"date", "start date"})
        and bool(find_column(h, r"^spend\b", r"^total cost", r"^cost\b"))
    ),
    _amazon,
    near_miss=_amazon_near_miss,
)
GOOGLE = _format(
    "google_ads",
    "Google Ads report",
    lambda h: bool(names(h) & {"day", "date"}) and "campaign" in names(h) and "cost" in names(h),
    _google,
    skip_raw=((r'^\s*"?Total', "total row"),),
    near_miss=_google_near_miss,
)

FORMATS = (GENERIC, META, AMAZON, GOOGLE)
NEEDS_STORE = ("meta_ads", "google_ads")  # formats whose channel is the seller's own store


def store(con, file_id: int, fmt_name: str, name: str) -> list[str]:
    """Append _parsed's spend; warn when the file repeats days another file of the same report already gave."""
    repeated = con.execute(
        """SELECT count(DISTINCT (p.channel, p.day)) FROM _parsed p
        JOIN ad_spend a ON a.channel = p.channel AND a.day = p.day AND a.source = $source""",
        {"source": fmt_name},
    ).fetchone()[0]
    con.execute(
        """INSERT INTO ad_spend
        SELECT channel, day, hour, spend, currency, $source, $f, line FROM _parsed ORDER BY line""",
        {"source": fmt_name, "f": file_id},
    )
    if repeated:
        return [
            f"{name}: {repeated:,} days already had spend from another file of this report for the same channel; "
            "both are added, so remove one file if it is the same export twice"
        ]
    return []
