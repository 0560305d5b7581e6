"""Fee schedules: what each sales channel takes from a sale, as sourced and editable defaults or the seller's own.

The defaults live in data/fees.csv, one row per fee component, each with the page it was read from and the date it
was read (`as_of`): a seller can correct a rate there, or give `--fees 'amazon=15%,shopify=2.9%+0.30'` for one run.
In the file `pct` is a percentage (15 = 15 %) because that is how the fee pages print it; a FeeRule and the
fee_rules table hold the fraction (0.15), which is what the profit engine multiplies by.

A rule costs `pct` of the line's revenue, plus `fixed_per_order` once per order and `per_unit` for each unit sold,
the last two in `fixed_currency`. `applies_to` says which lines pay it: 'all'; 'fba' (Amazon lines fulfilled by
Amazon; the amount is per SKU, from the Fee Preview report, so the default row carries no number); or
'category:<name>' (a category rate that takes the place of the 'all' rule of the same channel and component for
lines of that category).

A channel named in a `--fees` spec pays exactly what the spec says, in place of every default fee of that channel,
FBA and per-SKU fees included: its one rule is marked `overridden` so the profit engine skips per-SKU fees for it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..errors import InputError
from ..settings import DATA_DIR
from ..store import CHANNELS

FEES_CSV = DATA_DIR / "fees.csv"
COLUMNS = (
    "channel",
    "marketplace",
    "category",
    "component",
    "pct",
    "fixed_per_order",
    "per_unit",
    "fixed_currency",
    "applies_to",
    "source",
    "as_of",
    "note",
)
SPEC_EXAMPLE = "--fees 'amazon=15%,shopify=2.9%+0.30'"
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class FeeRule:
    channel: str
    component: str
    pct: Decimal  # fraction of line revenue, e.g. Decimal("0.15")
    fixed_per_order: Decimal
    per_unit: Decimal
    fixed_currency: str | None  # None: the order's own currency (a --fees amount is typed in it)
    applies_to: str  # 'all' | 'fba' | 'category:<name>'
    source: str
    overridden: bool
    marketplace: str = ""
    as_of: str = ""
    note: str = ""


# --------------------------------------------------------------------------- defaults


def _amount(text: str, what: str, where: str) -> Decimal:
    """A non-negative decimal; empty means zero (a component without that part)."""
    text = text.strip()
    if not text:
        return ZERO
    # Digits with a decimal point: Decimal() would also take 1_000, 1e3 or Infinity.
    if re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text) is None:
        raise InputError(f"{where}: {what} '{text}' is not a number; write digits with a decimal point, e.g. 2.90")
    value = Decimal(text)
    if value < 0:
        raise InputError(f"{where}: {what} '{text}' must be a number of 0 or more")
    return value


def _rule_from_row(row: dict[str, str], where: str) -> FeeRule:
    channel = row["channel"].strip().lower()
    if channel not in CHANNELS:
        raise InputError(f"{where}: '{row['channel']}' is not a channel; use one of {', '.join(CHANNELS)}")
    component = row["component"].strip()
    if not component:
        raise InputError(f"{where}: the component is empty; name the fee, e.g. referral")
    pct = _amount(row["pct"], "pct", where)
    if pct > HUNDRED:
        raise InputError(f"{where}: pct '{row['pct']}' is over 100; write percentages as 15 for 15%")
    fixed = _amount(row["fixed_per_order"], "fixed_per_order", where)
    per_unit = _amount(row["per_unit"], "per_unit", where)
    currency = row["fixed_currency"].strip().upper() or None
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise InputError(f"{where}: fixed_currency '{row['fixed_currency']}' is not a currency code like USD")
    if (fixed or per_unit) and currency is None:
        raise InputError(f"{where}: a fixed amount needs its fixed_currency, e.g. USD")
    applies_to = row["applies_to"].strip() or "all"
    category = applies_to.removeprefix("category:").strip()
    if applies_to not in ("all", "fba") and not (applies_to.startswith("category:") and category):
        raise InputError(f"{where}: applies_to '{applies_to}' must be all, fba or category:<name>")
    if applies_to == "fba" and channel != "amazon":
        raise InputError(f"{where}: applies_to fba is only for amazon lines fulfilled by Amazon")
    source = row["source"].strip()
    if not source:
        raise InputError(f"{where}: the source is empty; say where the rate comes from (a web address)")
    as_of = row["as_of"].strip()
    try:
        date.fromisoformat(as_of)
    except ValueError:
        raise InputError(f"{where}: as_of '{as_of}' is not a date like 2025-01-15") from None
    return FeeRule(
        channel=channel,
        component=component,
        pct=pct / HUNDRED,
        fixed_per_order=fixed,
        per_unit=per_unit,
        fixed_currency=currency,
        applies_to=applies_to,
        source=source,
        overridden=False,
        marketplace=row["marketplace"].strip(),
        as_of=as_of,
        note=row["note"].strip(),
    )


def default_rules(path: Path | str | None = None) -> list[FeeRule]:
    """Every row of the fee file (data/fees.csv unless `path`), checked; a bad row is an InputError naming its line."""
    path = Path(path or FEES_CSV)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise InputError(f"the fee file {path.name} cannot be read as UTF-8 text") from None
    reader = csv.reader(text.splitlines())
    header = [h.strip().lower() for h in next(reader, [])]
    if tuple(header) != COLUMNS:
        raise InputError(f"{path.name} line 1: the header must be {','.join(COLUMNS)}")
    rules: list[FeeRule] = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue  # a blank line left by an editor
        where = f"{path.name} line {number}"
        if len(values) != len(COLUMNS):
            raise InputError(f"{where}: {len(values)} fields where the header has {len(COLUMNS)}")
        rules.append(_rule_from_row(dict(zip(COLUMNS, values, strict=True)), where))
    return rules


# --------------------------------------------------------------------------- --fees


_NUMBER = r"\d+(?:\.\d+)?|\.\d+"
_VALUE = re.compile(rf"^(?:(?P<pct>{_NUMBER})\s*%\s*(?:\+\s*(?P<fixed>{_NUMBER}))?|(?P<only>{_NUMBER}))$")


def parse_fee_spec(text: str) -> dict[str, list[FeeRule]]:
    """'amazon=15%,shopify=2.9%+0.30' -> {channel: [its one overriding rule]}; '' or None gives {}.

    A value is a percentage of line revenue, optionally plus a fixed amount per order ('2.9%+0.30'), or a fixed
    amount alone ('0.30'; '0' for no fee). The fixed amount is in the orders' own currency.
    """
    spec: dict[str, list[FeeRule]] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        channel = name.strip().lower()
        if not sep or not channel:
            raise InputError(f"--fees: '{part.strip()}' is not CHANNEL=FEE; for example {SPEC_EXAMPLE}")
        if channel not in CHANNELS:
            raise InputError(f"--fees: '{channel}' is not a channel; use one of {', '.join(CHANNELS)}.")
        if channel in spec:
            raise InputError(f"--fees: '{channel}' is named twice; give each channel once")
        match = _VALUE.match(value.strip())
        if not match:
            raise InputError(
                f"--fees: '{part.strip()}' is not a fee like 15% or 2.9%+0.30 or 0.30; for example {SPEC_EXAMPLE}"
            )
        pct = Decimal(match["pct"]) if match["pct"] else ZERO
        fixed = Decimal(match["fixed"] or match["only"] or "0")
        if pct > HUNDRED:
            raise InputError(f"--fees: '{part.strip()}' is over 100%; a percentage is between 0 and 100")
        spec[channel] = [
            FeeRule(
                channel=channel,
                component="override",
                pct=pct / HUNDRED,
                fixed_per_order=fixed,
                per_unit=ZERO,
                fixed_currency=None,
                applies_to="all",
                source="--fees",
                overridden=True,
                note=f"given as {channel}={value.strip()}; replaces every default fee of {channel}",
            )
        ]
    return spec


def fee_rules(channels: Iterable[str], spec: str | None = None, *, path: Path | str | None = None) -> list[FeeRule]:
    """The rules for `channels`: the defaults, except that a channel named in `spec` has only its spec rule."""
    wanted: list[str] = []
    for c in channels:
        if not c:
            continue  # lines without a channel pay no platform fee
        c = c.strip().lower()
        if c not in CHANNELS:
            raise InputError(f"'{c}' is not a channel; use one of {', '.join(CHANNELS)}.")
        if c not in wanted:
            wanted.append(c)
    overrides = parse_fee_spec(spec or "")
    defaults = default_rules(path)
    rules: list[FeeRule] = []
    for channel in wanted:
        if channel in overrides:
            rules.extend(overrides[channel])
        else:
            rules.extend(r for r in defaults if r.channel == channel)
    return rules


# --------------------------------------------------------------------------- table and description


def fees_table(con, rules: Iterable[FeeRule]) -> None:
    """Replace the table fee_rules with `rules`, one row each, pct as a fraction."""
    con.execute(
        """CREATE OR REPLACE TABLE fee_rules (
            channel VARCHAR, component VARCHAR, pct DECIMAL(9,6), fixed_per_order DECIMAL(18,4),
            per_unit DECIMAL(18,4), fixed_currency VARCHAR, applies_to VARCHAR, source VARCHAR, overridden BOOLEAN
        )"""
    )
    rows = [
        (
            r.channel,
            r.component,
            r.pct,
            r.fixed_per_order,
            r.per_unit,
            r.fixed_currency,
            r.applies_to,
            r.source,
            r.overridden,
        )
        for r in rules
    ]
    if rows:
        con.executemany("INSERT INTO fee_rules VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _plain(value: Decimal) -> str:
    """Decimal('0.0290') -> '0.029', Decimal('15') -> '15': no exponent, no trailing zeros."""
    return format(value.normalize(), "f")


def fee_text(rule: FeeRule) -> str:
    """'2.9% + 0.30 USD per order', as a seller reads a fee page."""
    parts = []
    if rule.pct:
        parts.append(f"{_plain(rule.pct * HUNDRED)}%")
    currency = f" {rule.fixed_currency}" if rule.fixed_currency else ""
    if rule.fixed_per_order:
        parts.append(f"{rule.fixed_per_order:.2f}{currency} per order")
    if rule.per_unit:
        parts.append(f"{rule.per_unit:.2f}{currency} per unit")
    if not parts:
        return "per SKU from the Fee Preview report" if rule.applies_to == "fba" else "no fee"
    return " + ".join(parts)


def describe(rules: Iterable[FeeRule]) -> list[dict]:
    """What fee each channel pays, with its source, JSON-ready (amounts as strings so no digit is lost)."""
    order = {c: i for i, c in enumerate(CHANNELS)}
    out = []
    for r in sorted(rules, key=lambda r: order.get(r.channel, len(order))):
        out.append(
            {
                "channel": r.channel,
                "component": r.component,
                "fee": fee_text(r),
                "pct": _plain(r.pct),
                "fixed_per_order": _plain(r.fixed_per_order),
                "per_unit": _plain(r.per_unit),
                "fixed_currency": r.fixed_currency,
                "applies_to": r.applies_to,
                "source": r.source,
                "as_of": r.as_of or None,
                "overridden": r.overridden,
                "note": r.note,
            }
        )
    return out
