"""Order history on a grid of local days x hourly (or daily) bins: the DuckDB aggregation the estimator reads."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from ..distinct import distinct_per_group
from ..errors import InputError, MixedCurrencyError
from ..linegroups import LineGroup, LineGroups, earliest, latest, line_groups, total

METRICS = ("revenue", "orders", "units")
REV, ORD, UNI = 0, 1, 2


@dataclass
class ChannelSeries:
    """One channel's history on the common day grid."""

    name: str
    slots: int  # 24 for hourly data, 1 for date-only exports
    values: np.ndarray  # (3, n_days, slots): revenue, orders, units per bin
    q: np.ndarray  # (3,) E[x^2]/E[x] per order: variance of a bin's total is about q x its mean (compound Poisson)
    unit: np.ndarray  # (3,) mean per order: order value, 1, units per order
    first_day: int  # first and last day with an order
    last_day: int
    marketplaces: list[str] = field(default_factory=list)


class LocalClock:
    """Grid hours <-> instants. Grid hour g counts the zone's wall-clock hours since local midnight of day 0, so every
    day of the grid is one local calendar day and slot h its local hour h, across clock changes too.

    The map from u (real hours since day 0's midnight) to g is piecewise linear with slope 1, except at a change of
    the clock: when it springs forward the grid jumps over the skipped local hour (its bin has no instants and stays
    empty, with a real length of 0), and when it falls back both occurrences of the repeated local hour fold into one
    bin that lasts 2 real hours (g runs at half speed through them). Both directions stay monotone, so a window
    [start, end) maps to a grid span whose bins carry their real share of it.
    """

    def __init__(self, u: np.ndarray, g: np.ndarray):
        self.u, self.g = u, g  # knots, with sentinels far outside any history
        self.identity = len(u) == 2

    @classmethod
    def build(cls, zone: ZoneInfo, day0: datetime, n_days: int) -> LocalClock:
        big = 1e7
        us, gs = [-big], [-big]
        shift = 0.0

        def off(h: float) -> float:
            at = (day0 + timedelta(hours=h)).replace(tzinfo=UTC).astimezone(zone)
            return (at.utcoffset() or timedelta(0)).total_seconds() / 3600

        prev = off(0)
        for d in range(n_days + 2):
            if off(24 * (d + 1)) == prev:
                continue
            for h in range(24 * d + 1, 24 * (d + 1) + 1):  # the first hour with the new offset
                o = off(h)
                if o == prev:
                    continue
                delta = o - prev
                if delta > 0:  # spring forward: the grid jumps over `delta` local hours
                    us += [h, h]
                    gs += [h + shift, h + shift + delta]
                else:  # fall back: the real hours [h - back, h + back) fill the local hours [h - back, h) of the grid
                    back = -delta
                    us += [h - back, h + back]
                    gs += [h - back + shift, h + shift]
                shift += delta
                prev = o
                break
        us.append(big)
        gs.append(big + shift)
        return cls(np.array(us, float), np.array(gs, float))

    def grid(self, u: np.ndarray | float) -> np.ndarray:
        """Grid hours of real hours `u` since day 0."""
        u = np.asarray(u, float)
        if self.identity:
            return u
        i = np.clip(np.searchsorted(self.u, u, side="right") - 1, 0, len(self.u) - 2)
        du = self.u[i + 1] - self.u[i]
        slope = np.where(du > 0, (self.g[i + 1] - self.g[i]) / np.where(du > 0, du, 1), 1.0)
        return self.g[i] + (u - self.u[i]) * slope

    def instant(self, g: np.ndarray | float) -> np.ndarray:
        """Real hours since day 0 at which grid hour `g` starts (a skipped local hour: the instant of the jump)."""
        g = np.asarray(g, float)
        if self.identity:
            return g
        i = np.clip(np.searchsorted(self.g, g, side="right") - 1, 0, len(self.g) - 2)
        dg = self.g[i + 1] - self.g[i]
        return self.u[i] + (g - self.g[i]) * (self.u[i + 1] - self.u[i]) / np.where(dg > 0, dg, 1)


IDENTITY = LocalClock(np.array([-1e7, 1e7]), np.array([-1e7, 1e7]))


@dataclass
class History:
    """All channels on one grid of local days; day 0 starts at `day0` (naive UTC). Day d is the zone's local
    calendar day d days after day 0's and slot h its local hour h, clock changes included (`clock`): convert
    instants with hour_of/day_of/at_hour/day_start, not with day0 + timedelta."""

    day0: datetime
    n_days: int
    utc_offset: timedelta  # the zone's offset at day 0's midnight
    channels: dict[str, ChannelSeries]
    currency: str = ""
    first_order: datetime | None = None
    last_order: datetime | None = None
    tz: str = "UTC"
    notes: list[str] = field(default_factory=list)  # caveats about the data itself, for the report
    clock: LocalClock = IDENTITY
    scoped: tuple[str, ...] = ()  # 'channel:Marketplace' series split out of their channel (series_sql)

    @property
    def dow0(self) -> int:
        return (self.day0 + self.utc_offset).weekday()

    def hour_of(self, t: datetime) -> float:
        """Grid hours (local wall-clock hours since day 0's midnight) of instant t (naive UTC)."""
        return float(self.clock.grid((t - self.day0).total_seconds() / 3600))

    def day_of(self, t: datetime) -> int:
        return math.floor(self.hour_of(t) / 24)

    def at_hour(self, g: float) -> datetime:
        """The instant (naive UTC) at which grid hour g starts."""
        return self.day0 + timedelta(hours=float(self.clock.instant(g)))

    def day_start(self, day: int) -> datetime:
        return self.at_hour(24 * day)

    def bin_scale(self, slots: int) -> np.ndarray | None:
        """(n_days, slots) real length of each bin over its nominal length: 1, except 0 for the local hour a clock
        change skips and 2 for the one it repeats (23/24 and 25/24 for daily bins); None when every bin is nominal."""
        if self.clock.identity:
            return None
        cache = self.__dict__.setdefault("_scale", {})
        if slots not in cache:
            width = 24 // slots
            edges = self.clock.instant(np.arange(self.n_days * slots + 1) * float(width))
            sc = (np.diff(edges) / width).reshape(self.n_days, slots)
            cache[slots] = None if np.allclose(sc, 1) else sc
        return cache[slots]


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except Exception:  # noqa: BLE001 - ZoneInfo raises several kinds for bad names
        raise InputError(f"unknown time zone '{tz}': use an IANA name such as Europe/Berlin") from None


def local_grid(tz: str, first: datetime, last: datetime) -> tuple[datetime, int, timedelta, LocalClock]:
    """Day 0 (the naive UTC instant of local midnight of `first`'s local date), the number of local days up to
    `last`, the zone's offset at day 0 and the clock of the grid."""
    zone = _zone(tz)
    lf = first.replace(tzinfo=UTC).astimezone(zone)
    day0 = datetime(lf.year, lf.month, lf.day, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
    offset = day0.replace(tzinfo=UTC).astimezone(zone).utcoffset() or timedelta(0)
    rough = int((last - day0).total_seconds() // 86400) + 2
    clock = LocalClock.build(zone, day0, rough)
    n_days = math.floor(float(clock.grid((last - day0).total_seconds() / 3600)) / 24) + 1
    return day0, n_days, offset, clock


def _pick_currency(found: list[tuple[str, int]], currency: str | None) -> str:
    """The single currency to analyse, from (currency, lines) most lines first; refuses to add up several."""
    if not found:
        raise InputError("no orders to analyse: the files contain no order lines that are not cancelled")
    if currency:
        code = currency.strip().upper()
        if code not in {c for c, _ in found}:
            raise InputError(f"no orders in {code}; the data has {', '.join(c or '(none)' for c, _ in found)}")
        return code
    if len(found) > 1:
        listed = ", ".join(f"{c or '(none)'} ({n:,} lines)" for c, n in found)
        raise MixedCurrencyError(
            f"the orders are in several currencies: {listed}; choose one with --currency {found[0][0]}"
        )
    return found[0][0]


def series_sql(scoped: tuple[str, ...] | list[str]) -> str:
    """The SQL naming each line's series: its channel, or 'channel:Marketplace' for a marketplace in `scoped` (read
    from the parameter $scoped, which the query must then be given as a list)."""
    if not scoped:
        return "channel"
    key = "channel || ':' || coalesce(marketplace, '')"
    return f"(CASE WHEN list_contains($scoped::VARCHAR[], {key}) THEN {key} ELSE channel END)"


def series_params(scoped: tuple[str, ...] | list[str]) -> dict:
    """The parameters series_sql's text reads (none without scopes: DuckDB refuses unused ones)."""
    return {"scoped": list(scoped)} if scoped else {}


def resolve_scopes(con, names) -> dict[str, str]:
    """Each 'channel:Marketplace' among `names` -> the marketplace as the data spells it ('shopify:tiktok shop' ->
    'shopify:TikTok Shop'); InputError naming the channel's marketplaces when the data has no such one."""
    wanted = {n: n.split(":", 1) for n in dict.fromkeys(names) if ":" in n}
    if not wanted:
        return {}
    rows = con.execute(
        """SELECT DISTINCT channel, marketplace FROM lines
           WHERE list_contains($chs::VARCHAR[], channel) AND marketplace IS NOT NULL ORDER BY ALL""",
        {"chs": sorted({ch for ch, _ in wanted.values()})},
    ).fetchall()
    out = {}
    for name, (ch, mk) in wanted.items():
        have = [m for c, m in rows if c == ch]
        match = [m for m in have if m.casefold() == mk.strip().casefold()]
        if not match:
            listed = ", ".join(f"'{ch}:{m}'" for m in have) or "none"
            raise InputError(f"no {ch} orders from the marketplace '{mk.strip()}'; the data has {listed}")
        out[name] = f"{ch}:{match[0]}"
    return out


def load_history(
    con,
    *,
    currency: str | None = None,
    tz: str = "UTC",
    at: datetime | None = None,
    scoped: tuple[str, ...] = (),
    groups: LineGroups | None = None,
) -> History:
    """Aggregate table `lines` into a History (cancelled lines excluded, one currency).

    tz defines the local day (daily shocks, weekday seasonality) and the local hour of each bin, clock changes
    included: the grid follows the zone's wall clock (History.clock). `at` is accepted for compatibility and unused
    (one fixed offset per analysis, taken at `at`, was the method before). `scoped` ('shopify:TikTok Shop', as
    resolve_scopes spells it) makes those marketplaces' lines series of their own, out of their channel's.
    `groups`: impact.linegroups' scan of `lines` when the caller has made it (it is made here otherwise).
    """
    scoped = tuple(sorted(set(scoped)))
    cur, mine = _currency_groups(groups or line_groups(con), currency)
    first = min(g[6] for g in mine)
    last = max(g[7] for g in mine)
    if scoped:  # each group under its series' name, as series_sql names its lines
        mine = [(g[0], f"{g[1]}:{g[2]}" if f"{g[1]}:{g[2]}" in scoped else g[1], *g[2:]) for g in mine]
    counts: dict[str, list[int]] = {}  # channel -> [lines, date-only lines]
    for _, ch, _, _, n, n_day, _, _, _ in mine:
        acc = counts.setdefault(ch, [0, 0])
        acc[0] += n
        acc[1] += n_day
    per_channel = [(ch, n_day / n, n) for ch, (n, n_day) in sorted(counts.items())]
    markets = sorted(((g[1], g[2], g[8]) for g in mine), key=lambda m: (-(m[2] or 0), m[0], m[1] or ""))
    day0, n_days, offset, clock = local_grid(tz, first, last)
    daily = {ch for ch, share, _ in per_channel if share >= 0.5}
    rows = _hour_rows(con, cur, day0, [ch for ch, _, _ in per_channel], scoped)
    channels: dict[str, ChannelSeries] = {}
    for name, _, n_lines in per_channel:
        slots = 1 if name in daily else 24
        vals = _channel_values(rows, name, clock, n_days, slots)
        q, unit = _order_spread(con, cur, name, n_lines, vals, scoped)
        days_with = np.nonzero(vals[ORD].reshape(n_days, slots).sum(axis=1))[0]
        channels[name] = ChannelSeries(
            name,
            slots,
            vals.reshape(3, n_days, slots),
            q,
            unit,
            int(days_with[0]) if len(days_with) else 0,
            int(days_with[-1]) if len(days_with) else -1,
            [mk for ch, mk, _ in markets if ch == name],
        )
    notes = _precision_notes(per_channel)
    return History(day0, n_days, offset, channels, cur, first, last, tz, notes, clock, scoped)


_HOUR_US = 3_600_000_000
_WHERE = "status IS DISTINCT FROM 'cancelled' AND currency IS NOT DISTINCT FROM $cur AND purchased_at IS NOT NULL"


def _currency_groups(groups: LineGroups, currency: str | None) -> tuple[str, list[tuple]]:
    """The currency to analyse and its (currency, channel, marketplace, lines, timed lines, date-only lines, first,
    last, revenue) groups with a purchase time."""
    # The currencies, each channel's share of date-only lines, line count and span, and the revenue per marketplace
    # come from the one grouped scan (impact.linegroups; three scans of every line before).
    merged: dict[tuple, list[LineGroup]] = {}
    for g in groups.where(lambda g: g.live):
        merged.setdefault((g.currency, g.channel, g.marketplace), []).append(g)
    found: dict[str, int] = {}
    for (cur, _, _), parts in merged.items():
        found[cur or ""] = found.get(cur or "", 0) + sum(g.lines for g in parts)
    cur = _pick_currency(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])), currency)
    # this currency's groups with a purchase time (NULL currency never equals the chosen one, as in _WHERE)
    mine = [
        (
            *key,
            sum(g.lines for g in parts),
            sum(g.timed for g in parts),
            sum(g.timed for g in parts if g.dated),
            earliest(g.first for g in parts),
            latest(g.last for g in parts),
            total(g.revenue_timed for g in parts) or 0,
        )
        for key, parts in merged.items()
        if key[0] is not None and key[0] == cur and any(g.timed for g in parts)
    ]
    if not mine:
        raise InputError("no orders with a purchase time to analyse")
    return cur, mine


def _precision_notes(per_channel: list[tuple[str, float, int]]) -> list[str]:
    """Caveats for channels whose lines partly have a date but no time."""
    notes = []
    for ch, share, _ in per_channel:
        if 0.01 <= share < 0.5:
            notes.append(
                f"{share:.0%} of {ch} lines have a date but no time; they are counted at the start of "
                "their day, so hourly figures around midnight are rough"
            )
        elif 0.5 <= share < 0.99:
            notes.append(
                f"{1 - share:.0%} of {ch} lines have a time but most have only a date; {ch} is analysed by whole days"
            )
    return notes


def _hour_rows(con, cur: str, day0: datetime, names: list[str], scoped: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Revenue, distinct orders and units per series (series_sql: a channel, or a scoped marketplace in it) and real
    hour since day 0 (date-only lines at their day).

    Orders are counted by distinct 64-bit hash of the id (a collision among one hour's orders has odds ~1e-13): the
    sums are grouped in SQL and the hashes counted per group by impact.distinct, which sorts them in about half the
    CPU time DuckDB's count(DISTINCT ...) per group took on 2 M lines, fetch included."""
    # Lines are summed per real hour since day 0 here and each hour is put in its local bin later (the clock's map is
    # exact for whole-hour steps, and far cheaper than converting every line's time zone). Date-only lines sit at
    # local midnight of the zone they were imported with; rounding to the nearest midnight keeps them on their day
    # even if this analysis uses another zone (or the other side of a clock change).
    names = [n for n in names if n is not None]
    # Each group's number: (hour * 2 + dated) * channels + channel, in integer microseconds (hours since day 0 are
    # never negative, so // floors). One integer key groups at half the cost of the channel, the flag and the hour,
    # which are read back from it below; with one channel its number is 0 and no list is searched per line.
    since = "(epoch_us(purchased_at) - epoch_us($day0::TIMESTAMP))"
    hour = f"""(CASE WHEN time_precision = 'day' THEN ({since} + {12 * _HOUR_US}) // {24 * _HOUR_US} * 48 + 1
                    ELSE {since} // {_HOUR_US} * 2 END)"""
    params = {"cur": cur, "day0": day0}
    channel = "0"
    if len(names) > 1:
        channel = f"list_position($names, {series_sql(scoped)}) - 1"
        params |= {"names": names, **series_params(scoped)}
    n_channels = max(len(names), 1)
    group = f"{hour} * {n_channels} + {channel}"
    lines = f"FROM lines WHERE {_WHERE} AND channel IS NOT NULL"
    rows = con.execute(
        f"""SELECT {group} AS g, sum(coalesce(revenue, 0))::DOUBLE AS rev, sum(coalesce(quantity, 1)) AS qty
            {lines} GROUP BY g ORDER BY g""",
        params,
    ).fetchnumpy()
    keyed = con.execute(f"SELECT {group} AS g, hash(order_id) AS h {lines}", params).fetchnumpy()
    g = rows["g"].astype(np.int64)
    rows["n"] = distinct_per_group(keyed["g"], keyed["h"], int(g.max(initial=-1)) + 1)[g]
    rows["channel"] = np.array([*names, None], dtype=object)[g % n_channels]
    rows["dated"] = (g // n_channels) % 2 == 1
    rows["hb"] = g // n_channels // 2
    return rows


def _channel_values(rows: dict[str, np.ndarray], name: str, clock: LocalClock, n_days: int, slots: int) -> np.ndarray:
    """(3, n_days x slots) revenue, orders and units of one channel in its local bins."""
    sel = rows["channel"] == name
    hb = rows["hb"][sel].astype(np.int64)
    if not clock.identity:
        local = np.floor(clock.grid(hb + 0.5)).astype(np.int64)
        hb = np.where(rows["dated"][sel].astype(bool), hb, local)
    hb = np.clip(hb, 0, n_days * 24 - 1)
    vals = np.zeros((3, n_days * slots))
    idx = hb // (24 // slots)
    for m, col in enumerate(("rev", "n", "qty")):
        np.add.at(vals[m], idx, rows[col][sel].astype(float))
    return vals


def _order_spread(
    con, cur: str, name: str, n_lines: int, vals: np.ndarray, scoped: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """(q, unit): E[x^2]/E[x] and the mean per order of revenue, orders and units."""
    sums = vals.sum(axis=1)
    n = max(sums[ORD], 1.0)
    # Basket-size spread (E[x^2]/E[x] per order) from a hash sample of whole orders: grouping millions of
    # orders by id costs more than everything else in an analysis, and ~50,000 orders pin it down.
    mod = max(1, int(n_lines) // 75_000)
    sr2, sr, su2, su = con.execute(
        f"""SELECT sum(r * r)::DOUBLE, sum(r)::DOUBLE, sum(u * u), sum(u) FROM (
                SELECT sum(coalesce(revenue, 0)) AS r, sum(coalesce(quantity, 1)) AS u FROM lines
                WHERE {_WHERE} AND {series_sql(scoped)} = $ch AND hash(order_id) % $mod::UBIGINT = 0
                GROUP BY order_id)""",
        {"cur": cur, "ch": name, "mod": mod, **series_params(scoped)},
    ).fetchall()[0]
    unit = np.array([sums[REV] / n, 1.0, sums[UNI] / n])
    q = np.array([sr2 / sr if sr else unit[REV], 1.0, su2 / su if su else unit[UNI]])
    return np.maximum(q, np.abs(unit)), unit  # E[x^2]/E[x] >= E[x]; also covers an empty sample


def history_from_orders(
    day0: datetime,
    n_days: int,
    names: list[str],
    channel: np.ndarray,
    hours: np.ndarray,
    revenue: np.ndarray,
    units: np.ndarray,
    *,
    daily: frozenset[str] = frozenset(),
    currency: str = "",
    tz: str = "UTC",
) -> History:
    """A History from order-level arrays (benchmarks, tests): channel index into `names`, hours since day0 (UTC
    midnight), order revenue and units. Same aggregation as load_history, without DuckDB. With a zone other than
    UTC the grid is that zone's local days and hours from the local date of day0 on, as load_history makes it."""
    channels: dict[str, ChannelSeries] = {}
    start, offset, clock = day0, timedelta(0), IDENTITY
    if tz != "UTC":
        day0, n_days, offset, clock = local_grid(tz, start, start + timedelta(days=n_days, microseconds=-1))
    grid = clock.grid(hours + (start - day0).total_seconds() / 3600)
    hb = np.clip(np.floor(grid).astype(np.int64), 0, n_days * 24 - 1)
    for i, name in enumerate(names):
        sel = channel == i
        slots = 1 if name in daily else 24
        idx = hb[sel] // (24 // slots)
        vals = np.zeros((3, n_days * slots))
        vals[REV] = np.bincount(idx, weights=revenue[sel], minlength=n_days * slots)
        vals[ORD] = np.bincount(idx, minlength=n_days * slots)
        vals[UNI] = np.bincount(idx, weights=units[sel], minlength=n_days * slots)
        n = max(int(sel.sum()), 1)
        rs, us = float(revenue[sel].sum()), float(units[sel].sum())
        q = np.array(
            [
                float((revenue[sel] ** 2).sum()) / rs if rs > 0 else 1.0,
                1.0,
                float((units[sel] ** 2).sum()) / us if us > 0 else 1.0,
            ]
        )
        unit = np.array([rs / n, 1.0, us / n])
        days_with = np.unique(hb[sel] // 24)
        channels[name] = ChannelSeries(
            name,
            slots,
            vals.reshape(3, n_days, slots),
            q,
            unit,
            int(days_with[0]) if len(days_with) else 0,
            int(days_with[-1]) if len(days_with) else -1,
            [name],
        )
    first = start + timedelta(hours=float(hours.min())) if len(hours) else None
    last = start + timedelta(hours=float(hours.max())) if len(hours) else None
    return History(day0, n_days, offset, channels, currency, first, last, tz, [], clock)
