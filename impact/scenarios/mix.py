"""Channel mix: revenue shares, concentration (HHI), the hour-of-week revenue profile, target mixes and what-ifs.

Everything that reads orders is DuckDB SQL over the `lines` table (cancelled lines excluded); everything after that
works on small explicit inputs (dicts of per-channel numbers, a 168-slot array per channel) so it can be tested by hand.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np

from ..errors import InputError, MixedCurrencyError, NotEnoughHistoryError
from ..store import CHANNELS

HOURS_PER_WEEK = 168
# Mean Gregorian year: the profile is per week, losses and fees are reported per year.
WEEKS_PER_YEAR = 365.2425 / 7
# A channel with fewer lines than this keeps the seller's overall hour-of-week shape: a handful of orders would
# make a spiky shape that says more about chance than about when that channel's buyers shop.
MIN_LINES_FOR_OWN_SHAPE = 100
# Shares must add up to 1 within this before they are rescaled; more is a typo the seller should see.
MIX_SUM_TOLERANCE = 0.011

_GROUPINGS = {"channel": "channel", "marketplace": "coalesce(marketplace, channel)"}
_PERIODS = {
    "month": ("month", "%Y-%m"),
    "week": ("week", "%Y-%m-%d"),
    "quarter": ("quarter", "%Y-%m"),
    "day": ("day", "%Y-%m-%d"),
}

# Revenue is DOUBLE; DuckDB adds a parallel aggregate's partial sums in whatever order its threads finish, so a DOUBLE
# sum can differ in the last digits between two runs on the same files. Summed as DECIMAL the total is exact and the
# same every run; it is made DOUBLE once, at the end.
EXACT_SUM = "sum(CAST({} AS DECIMAL(38, 8)))::DOUBLE"

_BASE = """
base AS (
    SELECT channel, marketplace, purchased_at, time_precision, revenue
    FROM lines
    WHERE coalesce(status, '') <> 'cancelled' AND purchased_at IS NOT NULL AND revenue IS NOT NULL
      AND channel IS NOT NULL AND ($currency IS NULL OR currency = $currency)
)"""


def check_currency(con: duckdb.DuckDBPyConnection, currency: str | None = None) -> str | None:
    """The single currency of the loaded orders (or the one asked for); refuses to add up several currencies."""
    rows = con.execute(
        "SELECT DISTINCT currency FROM lines WHERE coalesce(status, '') <> 'cancelled' AND revenue IS NOT NULL "
        "ORDER BY 1 NULLS FIRST"
    ).fetchall()
    found = [r[0] for r in rows]
    if not found:
        raise InputError("No orders are loaded: the channel mix needs at least one order that was not cancelled.")
    if currency is not None:
        if currency not in found:
            listed = ", ".join(str(c) for c in found)
            raise InputError(f"No orders in {currency}: the files hold {listed}.")
        return currency
    named = [c for c in found if c is not None]
    if len(named) > 1:
        raise MixedCurrencyError(
            f"The orders are in several currencies ({', '.join(named)}); choose one for the mix (--currency {named[0]})."
        )
    return named[0] if named else None


def hhi(shares: Mapping[str, float]) -> float:
    """Herfindahl-Hirschman index on the 0-10,000 scale: the sum of squared percentage shares.

    10,000 means all revenue in one channel; n equal channels give 10,000 / n. Shares are rescaled to sum to 1 first.
    """
    values = [float(v) for v in shares.values() if v and v > 0]
    total = sum(values)
    if total <= 0:
        return 0.0
    return float(sum((100.0 * v / total) ** 2 for v in values))


def _shares(revenue: Mapping[str, float]) -> dict[str, float]:
    # A channel whose refunds outweigh its sales has no share of demand rather than a negative one.
    positive = {k: float(v) for k, v in revenue.items() if v is not None and v > 0}
    total = sum(positive.values())
    if total <= 0:
        return {}
    return {k: v / total for k, v in sorted(positive.items(), key=lambda kv: (-kv[1], kv[0]))}


def revenue_shares(
    con: duckdb.DuckDBPyConnection, by: str = "channel", currency: str | None = None
) -> dict[str, float]:
    """Share of revenue per channel (or per marketplace), largest first; cancelled lines excluded."""
    if by not in _GROUPINGS:
        raise InputError(f"Shares can be grouped by {' or '.join(_GROUPINGS)}, not '{by}'.")
    rows = con.execute(
        f"WITH {_BASE} SELECT {_GROUPINGS[by]} AS k, {EXACT_SUM.format('revenue')} FROM base GROUP BY k ORDER BY k",
        {"currency": currency},
    ).fetchall()
    return _shares(dict(rows))


def mix_over_time(
    con: duckdb.DuckDBPyConnection, by: str = "channel", period: str = "month", currency: str | None = None
) -> list[dict]:
    """Per period (default calendar month, UTC): revenue, shares per channel or marketplace, and the HHI."""
    if by not in _GROUPINGS:
        raise InputError(f"Shares can be grouped by {' or '.join(_GROUPINGS)}, not '{by}'.")
    if period not in _PERIODS:
        raise InputError(f"The period must be one of {', '.join(_PERIODS)}, not '{period}'.")
    unit, fmt = _PERIODS[period]
    rows = con.execute(
        f"""WITH {_BASE}
        SELECT strftime(date_trunc('{unit}', purchased_at), '{fmt}') AS p, {_GROUPINGS[by]} AS k,
               {EXACT_SUM.format("revenue")}
        FROM base GROUP BY p, k ORDER BY p, k""",
        {"currency": currency},
    ).fetchall()
    periods: dict[str, dict[str, float]] = {}
    for p, k, rev in rows:
        periods.setdefault(p, {})[k] = rev
    out = []
    for p, revenue in periods.items():
        shares = _shares(revenue)
        out.append({"period": p, "revenue": float(sum(revenue.values())), "shares": shares, "hhi": hhi(shares)})
    return out


def current_mix(con: duckdb.DuckDBPyConnection, currency: str | None = None, period: str = "month") -> dict:
    """The seller's mix today: shares and HHI per channel and per marketplace, and their history per period."""
    currency = check_currency(con, currency)
    shares = revenue_shares(con, "channel", currency)
    markets = revenue_shares(con, "marketplace", currency)
    return {
        "currency": currency,
        "shares": shares,
        "hhi": hhi(shares),
        "marketplaces": {"shares": markets, "hhi": hhi(markets)},
        "by_period": {
            "period": period,
            "channel": mix_over_time(con, "channel", period, currency),
            "marketplace": mix_over_time(con, "marketplace", period, currency),
        },
    }


@dataclass(frozen=True)
class Profile:
    """Average revenue per hour of the week (slot 0 = Monday 00:00-01:00 UTC) for each channel."""

    channels: tuple[str, ...]
    hourly: np.ndarray  # shape (len(channels), 168)
    lines: tuple[int, ...] = ()  # non-cancelled lines behind each channel's row
    hours_observed: int = 0  # hours of history the averages come from (after excluded windows)
    currency: str | None = None
    excluded: tuple[tuple[datetime, datetime], ...] = field(default=(), compare=False)

    def __post_init__(self):
        hourly = np.asarray(self.hourly, dtype=float)
        if hourly.shape != (len(self.channels), HOURS_PER_WEEK):
            raise InputError(f"An hour-of-week profile needs 168 values per channel, got shape {hourly.shape}.")
        object.__setattr__(self, "hourly", hourly)
        if not self.lines:
            object.__setattr__(self, "lines", tuple(MIN_LINES_FOR_OWN_SHAPE for _ in self.channels))

    def annual(self) -> dict[str, float]:
        """Revenue per channel over an average year at today's weekly rhythm."""
        return {c: float(max(self.hourly[i].sum(), 0.0) * WEEKS_PER_YEAR) for i, c in enumerate(self.channels)}

    def total_shape(self) -> np.ndarray:
        """The seller's overall hour-of-week shape (sums to 1); flat when there is no revenue at all."""
        total = np.clip(self.hourly.sum(axis=0), 0, None)
        s = total.sum()
        return total / s if s > 0 else np.full(HOURS_PER_WEEK, 1.0 / HOURS_PER_WEEK)

    def shape(self, channel: str) -> np.ndarray:
        """Hour-of-week shape for a channel (sums to 1): its own with enough history, else the seller's overall."""
        if channel in self.channels:
            i = self.channels.index(channel)
            row = np.clip(self.hourly[i], 0, None)
            if self.lines[i] >= MIN_LINES_FOR_OWN_SHAPE and row.sum() > 0:
                return row / row.sum()
        return self.total_shape()

    def scaled(self, annual_revenue: Mapping[str, float]) -> tuple[tuple[str, ...], np.ndarray]:
        """Hourly revenue per channel for a scenario: each channel's shape carrying that channel's annual revenue."""
        channels = tuple(c for c, r in annual_revenue.items() if r > 0)
        rows = [self.shape(c) * (annual_revenue[c] / WEEKS_PER_YEAR) for c in channels]
        return channels, (np.vstack(rows) if rows else np.zeros((0, HOURS_PER_WEEK)))

    def window_expected(self, start: datetime, end: datetime) -> dict[str, float]:
        """Revenue each channel normally takes in [start, end), from the hour-of-week averages alone."""
        hours = (end - start).total_seconds() / 3600
        if hours <= 0:
            return dict.fromkeys(self.channels, 0.0)
        a = start.weekday() * 24 + start.hour + (start.minute * 60 + start.second) / 3600
        return {
            c: float(integrate_week(self.hourly[i][None, :], np.array([a]), np.array([hours]), np.array([0]))[0])
            for i, c in enumerate(self.channels)
        }


@dataclass(frozen=True)
class WeekSpans:
    """Intervals on the weekly clock (start hour of week, duration), pre-digested into positions on a two-week
    cumulative sum, so integrating many different rate tables over the same intervals is a few array gathers."""

    row: np.ndarray  # which rate row each interval reads
    weeks: np.ndarray  # whole weeks in the duration
    cum_a: np.ndarray  # flat index into the (R, 337) cumulative table at the start
    cum_b: np.ndarray  # ... and at the end of the remainder
    rate_a: np.ndarray  # flat index into the (R, 336) rate table, for the part-hour at the start
    rate_b: np.ndarray
    frac_a: np.ndarray  # fraction of the hour already passed at the start
    frac_b: np.ndarray

    @classmethod
    def of(cls, start: np.ndarray, hours: np.ndarray, row: np.ndarray) -> WeekSpans:
        row = np.asarray(row, dtype=np.int64)
        a = np.mod(np.asarray(start, dtype=float), HOURS_PER_WEEK)
        hours = np.asarray(hours, dtype=float)
        weeks = np.floor(hours / HOURS_PER_WEEK)
        b = a + (hours - weeks * HOURS_PER_WEEK)
        last = 2 * HOURS_PER_WEEK - 1
        ka = np.minimum(np.floor(a).astype(np.int64), last)
        kb = np.minimum(np.floor(b).astype(np.int64), last)
        return cls(
            row,
            weeks,
            row * (2 * HOURS_PER_WEEK + 1) + ka,
            row * (2 * HOURS_PER_WEEK + 1) + kb,
            row * 2 * HOURS_PER_WEEK + ka,
            row * 2 * HOURS_PER_WEEK + kb,
            a - ka,
            b - kb,
        )

    def integrate(self, rates: np.ndarray) -> np.ndarray:
        """Integral of each interval's weekly-periodic hourly rate (rates: (R, 168) revenue per hour)."""
        rates = np.asarray(rates, dtype=float)
        twice = np.concatenate([rates, rates], axis=1)
        cum = np.concatenate([np.zeros((rates.shape[0], 1)), np.cumsum(twice, axis=1)], axis=1)
        weekly = cum[:, HOURS_PER_WEEK]
        cum_f, twice_f = cum.ravel(), twice.ravel()
        at_b = cum_f[self.cum_b] + self.frac_b * twice_f[self.rate_b]
        at_a = cum_f[self.cum_a] + self.frac_a * twice_f[self.rate_a]
        return self.weeks * weekly[self.row] + at_b - at_a


def integrate_week(rates: np.ndarray, start: np.ndarray, hours: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Integral of a weekly-periodic hourly rate from `start` (hour of week, 0-168) over `hours`, vectorised.

    rates: (R, 168) revenue per hour; row picks the rate row for each interval. Whole weeks add the weekly total,
    the rest is read off a cumulative sum over two weeks, interpolated within the hour.
    """
    return WeekSpans.of(start, hours, row).integrate(rates)


def hour_of_week_profile(
    con: duckdb.DuckDBPyConnection,
    exclude: Sequence[tuple[datetime, datetime]] = (),
    currency: str | None = None,
) -> Profile:
    """Average revenue per UTC hour of the week per channel, from `lines` (cancelled excluded).

    Each slot is the revenue in that hour of the week divided by how many times that hour occurs in the history, so
    quiet hours count as zero. Hours overlapping an `exclude` window (e.g. the outage itself) are left out of both
    sums. The history runs from the first order's day to the last order's day, whole UTC days. Date-only lines
    (time_precision 'day', e.g. Etsy) are spread evenly over the 24 hours of their day.
    """
    currency = check_currency(con, currency)
    starts = [s for s, _ in exclude]
    ends = [e for _, e in exclude]
    params = {"currency": currency, "starts": starts, "ends": ends}
    sql = f"""WITH {_BASE},
    expanded AS (
        SELECT channel, date_trunc('hour', purchased_at) AS hr, revenue FROM base
        WHERE coalesce(time_precision, 'second') <> 'day'
        UNION ALL
        SELECT channel, date_trunc('day', purchased_at) + to_hours(r.i::INTEGER), revenue / 24.0
        FROM base, range(24) AS r(i) WHERE time_precision = 'day'
    ),
    excl AS (SELECT unnest($starts::TIMESTAMP[]) AS s, unnest($ends::TIMESTAMP[]) AS e),
    bounds AS (SELECT date_trunc('day', min(hr)) AS lo, date_trunc('day', max(hr)) + INTERVAL 23 HOUR AS hi FROM expanded),
    all_hours AS (SELECT unnest(generate_series(lo, hi, INTERVAL 1 HOUR)) AS hr FROM bounds),
    kept_hours AS (
        SELECT hr FROM all_hours h
        WHERE NOT EXISTS (SELECT 1 FROM excl WHERE h.hr < excl.e AND h.hr + INTERVAL 1 HOUR > excl.s)
    ),
    occ AS (SELECT (isodow(hr) - 1) * 24 + hour(hr) AS how, count(*) AS n FROM kept_hours GROUP BY how),
    rev AS (
        SELECT x.channel, (isodow(x.hr) - 1) * 24 + hour(x.hr) AS how, {EXACT_SUM.format("x.revenue")} AS revenue
        FROM expanded x SEMI JOIN kept_hours k ON x.hr = k.hr
        GROUP BY x.channel, how
    )
    SELECT 'occ' AS kind, NULL AS channel, how, n::DOUBLE FROM occ
    UNION ALL
    SELECT 'rev', channel, how, revenue FROM rev
    UNION ALL
    SELECT 'lines', channel, NULL, count(*)::DOUBLE FROM base GROUP BY channel"""
    rows = con.execute(sql, params).fetchall()
    occ = np.zeros(HOURS_PER_WEEK)
    revenue: dict[str, np.ndarray] = {}
    lines: dict[str, int] = {}
    for kind, channel, how, value in rows:
        if kind == "occ":
            occ[int(how)] = value
        elif kind == "rev":
            revenue.setdefault(channel, np.zeros(HOURS_PER_WEEK))[int(how)] += value
        else:
            lines[channel] = int(value)
    if (occ == 0).any():
        days = occ.sum() / 24
        raise NotEnoughHistoryError(
            f"The risk model needs at least one full week of order history outside the outage; "
            f"the files cover about {days:.1f} days."
        )
    channels = tuple(sorted(lines, key=lambda c: (-float(revenue.get(c, np.zeros(1)).sum()), c)))
    hourly = np.vstack([revenue.get(c, np.zeros(HOURS_PER_WEEK)) / occ for c in channels]) if channels else None
    if hourly is None:
        raise InputError("No orders are loaded: the risk model needs order history.")
    return Profile(channels, hourly, tuple(lines[c] for c in channels), int(occ.sum()), currency, tuple(exclude))


# --- target mixes ---------------------------------------------------------------------------------------------


def _check_channel(name: str) -> str:
    key = name.strip().lower()
    if key not in CHANNELS:
        raise InputError(f"'{name}' is not a channel; use one of {', '.join(CHANNELS)}.")
    return key


def _fraction(text: str, what: str) -> float:
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise InputError(f"{what} '{text}' is not a number such as 0.3 or 30%.") from None
    if not math.isfinite(value):
        raise InputError(f"{what} '{text}' is not a finite number.")
    return value


def normalise_mix(mix: Mapping[str, float]) -> dict[str, float]:
    """Checks a target mix (known channels, shares >= 0 adding up to 1, within rounding) and rescales it exactly."""
    out: dict[str, float] = {}
    for name, value in mix.items():
        key = _check_channel(name)
        v = float(value)
        if not math.isfinite(v) or v < 0:
            raise InputError(f"The share for {key} must be 0 or more, not {value}.")
        out[key] = out.get(key, 0.0) + v
    total = sum(out.values())
    if total <= 0:
        raise InputError("A target mix needs at least one channel with a share above 0.")
    if abs(total - 1.0) > MIX_SUM_TOLERANCE:
        raise InputError(f"The shares of a target mix must add up to 1 (100%); these add up to {total:.4g}.")
    return {k: v / total for k, v in out.items() if v > 0}


def parse_mix(text: str) -> dict[str, float]:
    """'amazon=0.5,shopify=0.3,ebay=0.2' (or 50%) -> {'amazon': 0.5, ...}, checked."""
    mix: dict[str, float] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise InputError(f"'{part.strip()}' in the mix should look like channel=share, e.g. amazon=0.5.")
        name, value = part.split("=", 1)
        mix[_check_channel(name)] = mix.get(_check_channel(name), 0.0) + _fraction(
            value, f"The share for {name.strip()}"
        )
    if not mix:
        raise InputError("The mix is empty; give it as amazon=0.5,shopify=0.3,ebay=0.2.")
    return normalise_mix(mix)


def move_demand(shares: Mapping[str, float], source: str, fraction: float, targets: Sequence[str]) -> dict[str, float]:
    """Target mix after moving `fraction` of `source`'s demand to `targets`, split evenly between them."""
    source = _check_channel(source)
    targets = list(dict.fromkeys(_check_channel(t) for t in targets))
    if not targets:
        raise InputError("Say where the demand moves to, e.g. amazon:0.3:shopify.")
    if source in targets:
        raise InputError(f"Demand cannot move from {source} to itself.")
    if not 0 <= fraction <= 1:
        raise InputError(f"The share of {source} demand to move must be between 0 and 1 (0-100%), not {fraction}.")
    mix = {k: float(v) for k, v in _shares(shares).items()}
    moved = mix.get(source, 0.0) * fraction
    if moved <= 0 and fraction > 0:
        raise InputError(f"There is no {source} revenue to move.")
    mix[source] = mix.get(source, 0.0) - moved
    for t in targets:
        mix[t] = mix.get(t, 0.0) + moved / len(targets)
    return {k: v for k, v in mix.items() if v > 1e-15}


def parse_move(text: str, shares: Mapping[str, float]) -> dict[str, float]:
    """'amazon:0.3:shopify' or 'amazon:30%:shopify+ebay' -> the target mix after that move."""
    parts = text.split(":")
    if len(parts) != 3:
        raise InputError(
            f"'{text}' should look like FROM:FRACTION:TO, e.g. amazon:0.3:shopify or amazon:30%:shopify+ebay."
        )
    source, frac, to = parts
    targets = [t for t in to.replace(",", "+").split("+") if t.strip()]
    return move_demand(shares, source, _fraction(frac, "The share to move"), targets)


def realise_mix(current: Mapping[str, float], target: Mapping[str, float], transfer: float = 1.0) -> dict[str, float]:
    """Annual revenue per channel once the seller steers today's demand towards `target` shares.

    Channels above their target shrink to it; of the demand they give up only `transfer` (0-1) arrives at the
    channels that grow, in proportion to how far each is below its target. The rest is demand that did not follow
    and is lost. With transfer 1 the realised shares equal the target and total revenue is unchanged.
    """
    if not 0 <= transfer <= 1:
        raise InputError(f"The share of moved demand that transfers must be between 0 and 1, not {transfer}.")
    target = normalise_mix(target)
    now = {k: max(float(v), 0.0) for k, v in current.items()}
    total = sum(now.values())
    if total <= 0:
        raise InputError("There is no current revenue to steer towards a target mix.")
    out = {}
    for c in sorted(set(now) | set(target)):
        have, want = now.get(c, 0.0), target.get(c, 0.0) * total
        out[c] = want if want <= have else have + transfer * (want - have)
    return out


# --- what the analysed outage would have cost under another mix -----------------------------------------------


def resolve_impacts(
    measured: Mapping[str, Mapping[str, float]] | None,
    channels: Iterable[str],
    affected: Collection[str] | None = None,
) -> dict[str, dict]:
    """Per channel, the share of demand an outage of one of its providers removes and the share of that recaptured.

    A channel the analysed outage hit keeps its own measured numbers (lost/expected, clipped to 0-1, and the
    recapture fraction). Any other channel (untouched by that outage, or new to the seller) is assumed to react like
    the measured channels together (sum lost / sum expected); with nothing measured it loses all its demand while
    a provider it depends on is down and recaptures none of it.
    """
    measured = measured or {}
    hit = {c for c in measured if affected is None or c in affected}
    exp = sum(max(float(measured[c].get("expected", 0.0)), 0.0) for c in hit)
    lost = sum(max(float(measured[c].get("lost", 0.0)), 0.0) for c in hit)
    recaptured = sum(
        max(float(measured[c].get("lost", 0.0)), 0.0) * _clip01(measured[c].get("recapture_frac", 0.0)) for c in hit
    )
    if exp > 0:
        default = {
            "lost_frac": _clip01(lost / exp),
            "recapture_frac": _clip01(recaptured / lost) if lost > 0 else 0.0,
            "source": "assumed: like the measured channels",
        }
    else:
        default = {"lost_frac": 1.0, "recapture_frac": 0.0, "source": "assumed: all demand lost while down"}
    out = {}
    for c in channels:
        m = measured.get(c)
        if c in hit and m is not None:
            frac = m.get("lost_frac")
            if frac is None:
                e = float(m.get("expected", 0.0))
                frac = float(m.get("lost", 0.0)) / e if e > 0 else 0.0
            out[c] = {
                "lost_frac": _clip01(frac),
                "recapture_frac": _clip01(m.get("recapture_frac", 0.0)),
                "source": "measured",
            }
        else:
            out[c] = dict(default)
    return out


def _clip01(value) -> float:
    v = float(value or 0.0)
    return 0.0 if not math.isfinite(v) else min(max(v, 0.0), 1.0)


def window_whatif(
    window_expected: Mapping[str, float],
    impacts: Mapping[str, Mapping[str, float]],
    affected: Collection[str],
    current_revenue: Mapping[str, float],
    scenario_revenue: Mapping[str, float],
) -> dict:
    """What the analysed window(s) would have cost with the scenario's revenue per channel.

    A channel's demand in the window scales with its annual revenue (scenario / current); a channel the seller does
    not sell on yet takes the window's total demand times its share of today's revenue. Only channels in `affected`
    lose anything, each at its own impact fraction; `net_lost` is what stays lost after recapture.
    """
    total_now = sum(max(v, 0.0) for v in current_revenue.values())
    window_total = sum(max(v, 0.0) for v in window_expected.values())
    by_channel = {}
    for c, rev in scenario_revenue.items():
        if rev <= 0:
            continue
        now = current_revenue.get(c, 0.0)
        if now > 0 and c in window_expected:
            expected = max(window_expected[c], 0.0) * rev / now
        else:
            expected = window_total * rev / total_now if total_now > 0 else 0.0
        imp = impacts.get(c, {})
        frac = _clip01(imp.get("lost_frac", 0.0)) if c in affected else 0.0
        lost = expected * frac
        by_channel[c] = {
            "expected": expected,
            "lost": lost,
            "net_lost": lost * (1 - _clip01(imp.get("recapture_frac", 0.0))),
        }
    return {
        "expected": float(sum(v["expected"] for v in by_channel.values())),
        "lost": float(sum(v["lost"] for v in by_channel.values())),
        "net_lost": float(sum(v["net_lost"] for v in by_channel.values())),
        "by_channel": by_channel,
    }
