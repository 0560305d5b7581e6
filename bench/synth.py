"""Synthetic sellers with known ground truth, for accuracy benchmarks and tests.

A seller has one to three channels sharing a demand process: hour-of-day shape (weekday and weekend, in the seller's
own time zone), day-of-week pattern, trend, a slowly drifting level, daily demand shocks shared by every channel plus
a smaller channel-specific part, hourly noise, holidays, promotions and a few unannounced outages in the history.
Orders are Poisson draws from that intensity; each has one or more lines of catalogue SKUs with their own prices and
quantities. An outage removes a share of the affected channel's orders in its window; some of them come back later
on the same channel (recapture) and some move to another channel during the window (spill-over). Because every
removed, recaptured and moved order is known, so is the true loss.

    rng = np.random.default_rng(7)
    seller = make_seller(rng, orders_per_day=300)
    out = Outage(start=..., end=..., channel="amazon", fraction=0.8, recapture=0.3, spill=0.1)
    data = simulate(rng, seller, [out])
    data.history()            # impact.revenue.History, for the estimator
    data.truth[0].lost        # revenue the outage really removed
    data.lines()              # a DataFrame in the schema of table `lines`
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from impact.revenue import History, history_from_orders

CHANNEL_NAMES = ("amazon", "shopify", "ebay")
START = datetime(2025, 1, 6)  # a Monday, UTC midnight


@dataclass
class Seller:
    """Parameters of one synthetic seller; hourly intensity per channel is built from them."""

    orders_per_day: float
    channels: tuple[str, ...]
    shares: np.ndarray  # of orders per channel
    n_days: int
    start: datetime
    hod: np.ndarray  # (channels, 2, 24) hour-of-day shape, weekday/weekend, each sums to 1: UTC hours, or the local
    # hours of `tz` for a seller with a zone
    dow: np.ndarray  # (channels, 7)
    trend: np.ndarray  # (channels,) log growth per year
    shock_sd: float  # shared daily shock
    idio_sd: float  # channel-specific daily shock
    hour_sd: float  # hourly noise
    prices: np.ndarray  # catalogue prices
    popularity: np.ndarray  # SKU choice probabilities
    lines_per_order: float  # extra lines per order (Poisson mean)
    special_days: dict[int, np.ndarray] = field(default_factory=dict)  # day -> multiplier per channel
    hidden_outages: list[tuple[int, float, float, float]] = field(default_factory=list)  # (ch, start_h, end_h, frac)
    tz: str = "UTC"  # the seller's zone: days, weekdays and the hour shape follow its wall clock, DST included

    @property
    def mean_order_value(self) -> float:
        qty_mean = 0.85 + 2 * 0.10 + 3 * 0.05
        return float((1 + self.lines_per_order) * (self.popularity * self.prices).sum() * qty_mean)


@dataclass
class Outage:
    start: datetime
    end: datetime
    channel: str
    fraction: float  # share of the channel's orders in the window that are lost
    recapture: float = 0.0  # share of lost orders placed again within 24 h after the window
    spill: float = 0.0  # share of the remaining lost orders placed on another channel during the window
    # when the recaptured orders come: 'soon' (exponential delay, mean `recapture_hours`) or 'spread' (uniform over
    # the 24 h)
    recapture_timing: str = "soon"
    recapture_hours: float = 4.0


@dataclass
class Truth:
    lost: float  # revenue of the orders the outage removed from its window
    lost_orders: int
    lost_units: float
    recaptured: float
    spill: dict[str, float]
    expected_mean: float  # expected revenue in the window given the day's demand (what an oracle would predict)
    actual: float  # revenue left in the window on the affected channel
    lost_sku_units: np.ndarray | None = None  # units of each catalogue SKU in the removed orders (profit truth)
    # expected revenue of the channel's own (not re-placed) orders in the 24 h after the window: with expected_mean,
    # an oracle's net loss
    recovery_mean: float = 0.0
    # when each re-placed order came (hours since the seller's start) and its revenue: recapture up to any time
    recaptured_at: np.ndarray | None = None
    recaptured_revenue: np.ndarray | None = None


@dataclass
class Simulated:
    seller: Seller
    channel: np.ndarray  # per order
    hours: np.ndarray  # hours since seller.start
    revenue: np.ndarray
    units: np.ndarray
    order_id: np.ndarray  # per order
    line_order: np.ndarray  # per line: index into the order arrays
    line_sku: np.ndarray
    line_qty: np.ndarray
    line_price: np.ndarray
    truth: list[Truth]

    def history(self, daily: frozenset[str] = frozenset()) -> History:
        return history_from_orders(
            self.seller.start,
            self.seller.n_days,
            list(self.seller.channels),
            self.channel,
            self.hours,
            self.revenue,
            self.units,
            daily=daily,
            currency="USD",
            tz=self.seller.tz,
        )

    def lines(self, time_precision: str = "second") -> pd.DataFrame:
        """The orders as rows of table `lines` (one per order line), with no personal data."""
        o = self.line_order
        ts = pd.Timestamp(self.seller.start) + pd.to_timedelta(self.hours[o], unit="h")
        if time_precision == "day":
            ts = ts.floor("D")
        ch = np.array(self.seller.channels)[self.channel[o]]
        n = len(o)
        return pd.DataFrame(
            {
                "channel": ch,
                "marketplace": ch,
                "order_id": self.order_id[o].astype(str),
                "line_key": np.arange(n).astype(str),
                "purchased_at": ts.floor("s"),
                "time_precision": time_precision,
                "sku": np.char.add("SKU-", self.line_sku.astype(str)),
                "product_name": "",
                "quantity": self.line_qty.astype(float),
                "revenue": self.line_price * self.line_qty,
                "currency": "USD",
                "status": "completed",
                "fulfilment": "",
                "ship_country": "",
                "file_id": 1,
                "shipped_at": pd.NaT,
                "promised_at": pd.NaT,
                "ship_precision": None,
                "carrier": None,
                "cancelled_by": None,
            }
        )


def _bumps(rng: np.random.Generator, peaks: list[float], widths: list[float], weights: list[float]) -> np.ndarray:
    h = np.arange(24) + 0.5
    out = np.full(24, 0.08)
    for p, w, a in zip(peaks, widths, weights, strict=True):
        d = np.minimum(np.abs(h - p), 24 - np.abs(h - p))
        out += a * np.exp(-0.5 * (d / w) ** 2)
    return out


def make_seller(
    rng: np.random.Generator,
    orders_per_day: float,
    *,
    n_channels: int | None = None,
    n_days: int = 150,
    start: datetime = START,
    hidden_outages: int = 2,
    special: bool = True,
    tz: str = "UTC",
    family: str = "A",
) -> Seller:
    """A random seller around `orders_per_day` (all channels together, before trend and shocks). With a zone other
    than UTC the hour shape is in that zone's local time, across its clock changes (the same random draws).

    `family` (see FAMILIES): 'A' the lunch and evening peaks above; 'B' one evening peak, a strong weekly pattern
    and volatile days; 'C' buyers around the clock (a flat day), steady days and a steeper trend. B and C draw their
    differences after A's draws, so an A seller is the same whatever else the benchmark draws."""
    n_ch = n_channels or int(rng.choice([1, 2, 2, 3]))
    channels = CHANNEL_NAMES[:n_ch]
    shares = rng.dirichlet(np.full(n_ch, 3.0)) if n_ch > 1 else np.ones(1)
    shares = np.maximum(shares, 0.1)
    shares /= shares.sum()
    tz_shift = int(rng.integers(-9, 10))  # seller's zone: local shape moved to UTC
    base_peaks = [rng.uniform(11, 14), rng.uniform(19, 22)]
    hod = np.zeros((n_ch, 2, 24))
    for c in range(n_ch):
        jitter = rng.normal(0, 0.7, 2)
        wd = _bumps(rng, [base_peaks[0] + jitter[0], base_peaks[1] + jitter[1]], [2.0, 2.2], [0.6, 1.0])
        we = _bumps(rng, [base_peaks[0] + 1.5 + jitter[0], base_peaks[1] + jitter[1]], [3.0, 2.5], [0.9, 0.9])
        shift = tz_shift if tz == "UTC" else 0
        hod[c, 0] = np.roll(wd / wd.sum(), -shift)
        hod[c, 1] = np.roll(we / we.sum(), -shift)
    pattern = np.array([1.02, 0.98, 0.97, 0.99, 1.0, 0.93, 1.11])
    amp = rng.uniform(0.5, 2.5)
    dow = np.exp(amp * np.log(pattern))[None, :] * np.exp(rng.normal(0, 0.03, (n_ch, 7)))
    trend = rng.uniform(-0.3, 0.6) + rng.normal(0, 0.1, n_ch)
    n_sku = 300
    prices = np.exp(rng.normal(np.log(rng.uniform(12, 60)), 0.7, n_sku)).round(2)
    pop = 1.0 / np.arange(1, n_sku + 1) ** 1.1
    pop = rng.permutation(pop / pop.sum())
    seller = Seller(
        orders_per_day,
        channels,
        shares,
        n_days,
        start,
        hod,
        dow,
        trend,
        shock_sd=float(rng.uniform(0.05, 0.2)),
        idio_sd=0.05,
        hour_sd=0.08,
        prices=prices,
        popularity=pop,
        lines_per_order=float(rng.uniform(0.1, 0.6)),
        tz=tz,
    )
    if special:
        for d in rng.choice(np.arange(14, n_days), size=3, replace=False):  # holidays, every channel
            m = rng.uniform(1.6, 2.5) if rng.random() < 0.6 else rng.uniform(0.4, 0.6)
            seller.special_days[int(d)] = m * np.exp(rng.normal(0, 0.1, n_ch))
        for c in range(n_ch):  # promotions, one channel
            for d in rng.choice(np.arange(7, n_days - 3), size=2, replace=False):
                for k in range(int(rng.integers(1, 4))):
                    mult = seller.special_days.setdefault(int(d) + k, np.ones(n_ch)).copy()
                    mult[c] *= rng.uniform(1.3, 2.0)
                    seller.special_days[int(d) + k] = mult
    for _ in range(hidden_outages):
        c = int(rng.integers(n_ch))
        s = float(rng.integers(24 * 7, 24 * (n_days - 1)))
        seller.hidden_outages.append((c, s, s + float(rng.integers(2, 11)), float(rng.uniform(0.5, 1.0))))
    if family != "A":
        _family(rng, seller, family, tz_shift if tz == "UTC" else 0, pattern)
    return seller


FAMILIES = ("A", "B", "C")


def _family(rng: np.random.Generator, seller: Seller, family: str, shift: int, pattern: np.ndarray) -> None:
    """Family B or C's hour shape, weekly pattern, day-to-day volatility and trend in place of A's."""
    n_ch = len(seller.channels)
    if family == "B":
        peaks, widths, weights = [rng.uniform(19.5, 22.5)], [rng.uniform(1.5, 2.5)], [1.2]
        amp, shock = rng.uniform(2.5, 3.5), rng.uniform(0.15, 0.3)
    elif family == "C":
        peaks, widths, weights = [rng.uniform(10, 16)], [6.0], [0.25]
        amp, shock = rng.uniform(0.3, 1.0), rng.uniform(0.03, 0.08)
        seller.trend = rng.uniform(0.3, 1.0) + rng.normal(0, 0.1, n_ch)
    else:
        raise ValueError(f"unknown family {family!r}: one of {', '.join(FAMILIES)}")
    for c in range(n_ch):
        shape = _bumps(rng, [p + rng.normal(0, 0.5) for p in peaks], widths, weights)
        for k in range(2):
            seller.hod[c, k] = np.roll(shape / shape.sum(), -shift)
    seller.dow = np.exp(amp * np.log(pattern))[None, :] * np.exp(rng.normal(0, 0.03, (n_ch, 7)))
    seller.shock_sd = float(shock)


def intensity(
    rng: np.random.Generator, seller: Seller, quiet_days: set[int] = frozenset()
) -> tuple[np.ndarray, np.ndarray]:
    """(channels, hours) expected orders per hour with this draw's daily shocks, before and after hourly noise.

    `quiet_days` get no holiday or promotion. The hourly noise is overdispersion, like the randomness of the orders
    themselves: the expected revenue of a window is the intensity before it.
    """
    n_ch, D = len(seller.channels), seller.n_days
    days = np.arange(D)
    dow = (seller.start.weekday() + days) % 7
    weekend = (dow >= 5).astype(int)
    t_years = days / 365.0
    drift = np.zeros((n_ch, D))
    shared = np.zeros(D)
    e_shared = rng.normal(0, 0.02, D)
    e_ch = rng.normal(0, 0.015, (n_ch, D))
    for d in range(1, D):  # slow AR(1) level: persistent, not a trend
        shared[d] = 0.95 * shared[d - 1] + e_shared[d]
        drift[:, d] = 0.95 * drift[:, d - 1] + e_ch[:, d]
    shock = rng.normal(0, seller.shock_sd, D)[None, :] + rng.normal(0, seller.idio_sd, (n_ch, D))
    daily = (
        seller.orders_per_day
        * seller.shares[:, None]
        * seller.dow[:, dow]
        * np.exp(seller.trend[:, None] * t_years[None, :] + shared[None, :] + drift + shock - 0.5 * seller.shock_sd**2)
    )
    for d, mult in seller.special_days.items():
        if d < D and d not in quiet_days:
            daily[:, d] *= mult
    noise = np.exp(
        rng.normal(0, 0.06, (1, D, 24))
        + rng.normal(0, seller.hour_sd, (n_ch, D, 24))
        - 0.5 * (0.06**2 + seller.hour_sd**2)
    ).reshape(n_ch, D * 24)
    if seller.tz == "UTC":
        lam = (daily[:, :, None] * seller.hod[:, weekend, :]).reshape(n_ch, D * 24)  # (ch, D x 24)
    else:
        # Each UTC hour takes its local day's demand and the shape at its local hour: a clock change moves the
        # shape against UTC, the repeated hour is sold twice and the skipped one never.
        local = pd.date_range(seller.start, periods=D * 24, freq="h", tz="UTC").tz_convert(seller.tz)
        ld = np.clip((local.tz_localize(None).normalize() - pd.Timestamp(seller.start.date())).days, 0, D - 1)
        ld, lh = np.asarray(ld), np.asarray(local.hour)
        lam = daily[:, ld] * seller.hod[:, weekend[ld], lh]
    return lam, lam * noise


def simulate(rng: np.random.Generator, seller: Seller, outages: list[Outage] | None = None) -> Simulated:
    """Orders for the seller, with the given outages applied; truth per outage."""
    outages = outages or []
    quiet: set[int] = set()
    for o in outages:  # keep holidays and promotions off the evaluated days so the truth is about the outage
        d0 = (o.start - seller.start).days
        quiet.update(range(d0 - 1, (o.end - seller.start).days + 3))
    smooth, lam = intensity(rng, seller, quiet)
    n_ch, H = lam.shape
    counts = rng.poisson(lam)
    ch = np.repeat(np.repeat(np.arange(n_ch), H), counts.ravel())
    hour = np.repeat(np.tile(np.arange(H), n_ch), counts.ravel())
    hours = hour + rng.random(len(hour))
    n = len(hours)
    # multi-item orders: lines of catalogue SKUs, qty 1-3
    n_lines = 1 + rng.poisson(seller.lines_per_order, n)
    line_order = np.repeat(np.arange(n), n_lines)
    sku = rng.choice(len(seller.prices), size=len(line_order), p=seller.popularity)
    qty = rng.choice([1, 2, 3], size=len(line_order), p=[0.85, 0.10, 0.05]).astype(float)
    price = seller.prices[sku]
    revenue = np.bincount(line_order, weights=price * qty, minlength=n)
    units = np.bincount(line_order, weights=qty, minlength=n)
    keep = np.ones(n, bool)
    # unannounced outages in the history
    for c, s, e, frac in seller.hidden_outages:
        if any(abs(s / 24 - (o.start - seller.start).total_seconds() / 86400) < 3 for o in outages):
            continue
        hit = (ch == c) & (hours >= s) & (hours < e)
        keep &= ~(hit & (rng.random(n) < frac))
    truths = []
    extra_ch, extra_hours, extra_src = [], [], []
    aov = seller.mean_order_value
    for o in outages:
        c = seller.channels.index(o.channel)
        s = (o.start - seller.start).total_seconds() / 3600
        e = (o.end - seller.start).total_seconds() / 3600
        hit = np.nonzero((ch == c) & (hours >= s) & (hours < e) & keep)[0]
        lost = hit[rng.random(len(hit)) < o.fraction]
        keep[lost] = False
        back = rng.random(len(lost)) < o.recapture
        delay = rng.exponential(o.recapture_hours, len(lost))
        if o.recapture_timing == "spread":
            delay = 24 * rng.random(len(lost))
        back &= (e + delay) < e + 24
        rec = lost[back]
        spill_dict: dict[str, float] = {}
        others = [i for i in range(n_ch) if i != c]
        if others:
            moved = lost[~back][rng.random(int((~back).sum())) < o.spill]
            dest = rng.choice(others, size=len(moved))
            for i in others:
                spill_dict[seller.channels[i]] = float(revenue[moved[dest == i]].sum())
            extra_ch.append(dest)
            extra_hours.append(hours[moved])
            extra_src.append(moved)
        extra_ch.append(np.full(len(rec), c))
        extra_hours.append(e + delay[back])
        extra_src.append(rec)
        lost_lines = np.nonzero(np.isin(line_order, lost))[0]
        sku_units = np.bincount(sku[lost_lines], weights=qty[lost_lines], minlength=len(seller.prices))
        h0, h1 = int(np.floor(s)), int(np.ceil(e))
        cover = np.clip(np.minimum(np.arange(h0, h1) + 1, e) - np.maximum(np.arange(h0, h1), s), 0, 1)
        exp_mean = float((smooth[c, h0:h1] * cover).sum() * aov)
        r0, r1 = int(np.floor(e)), int(np.ceil(e + 24))
        rcover = np.clip(np.minimum(np.arange(r0, r1) + 1, e + 24) - np.maximum(np.arange(r0, r1), e), 0, 1)
        rec_mean = float((smooth[c, r0:r1] * rcover[: max(min(r1, H) - r0, 0)]).sum() * aov) if r0 < H else 0.0
        truths.append(
            Truth(
                float(revenue[lost].sum()),
                len(lost),
                float(units[lost].sum()),
                float(revenue[rec].sum()),
                spill_dict,
                exp_mean,
                float(revenue[hit].sum() - revenue[lost].sum()),
                sku_units,
                rec_mean,
                e + delay[back],
                revenue[rec],
            )
        )
    src = np.concatenate([np.nonzero(keep)[0]] + extra_src) if extra_src else np.nonzero(keep)[0]
    new_ch = np.concatenate([ch[keep]] + extra_ch) if extra_ch else ch[keep]
    new_hours = np.concatenate([hours[keep]] + extra_hours) if extra_hours else hours[keep]
    inside = new_hours < H
    src, new_ch, new_hours = src[inside], new_ch[inside], new_hours[inside]
    # Lines follow their order (moved orders keep their basket); order ids are unique per row.
    order_id = np.arange(len(src)) + 100000
    starts = np.concatenate([[0], np.cumsum(n_lines)])
    counts_kept = n_lines[src]
    line_order_new = np.repeat(np.arange(len(src)), counts_kept)
    first_line = np.repeat(starts[src], counts_kept)
    within = np.arange(len(line_order_new)) - np.repeat(np.cumsum(counts_kept) - counts_kept, counts_kept)
    old_line = first_line + within
    return Simulated(
        seller,
        new_ch,
        new_hours,
        revenue[src],
        units[src],
        order_id,
        line_order_new,
        sku[old_line],
        qty[old_line],
        price[old_line],
        truths,
    )


def random_outage(rng: np.random.Generator, seller: Seller, day: int, *, fraction: float | None = None) -> Outage:
    """An outage of 2-15 h starting at a random hour of `day`, removing 20-100% of one channel's orders."""
    start = seller.start + timedelta(days=day, hours=int(rng.integers(0, 24)))
    end = start + timedelta(hours=int(rng.integers(2, 16)))
    channel = seller.channels[int(rng.integers(len(seller.channels)))]
    frac = float(rng.uniform(0.2, 1.0)) if fraction is None else fraction
    return Outage(
        start,
        end,
        channel,
        frac,
        recapture=float(rng.uniform(0, 0.5)) if frac else 0.0,
        spill=float(rng.uniform(0, 0.2)) if frac else 0.0,
    )


def write_exports(sim: Simulated, folder) -> list:
    """The seller's orders as the files a seller downloads, one per channel, each in its platform's real format and
    clock: Amazon's All Orders report (tab-separated, UTC times `2025-05-06T16:02:11+00:00`), Shopify's orders
    export (the shop's local time with its UTC offset, `2025-05-06 12:02:11 -0400`: the offsets follow the seller's
    clock changes) and eBay's orders report (local time without an offset, `May-06-25 12:02:11`). A product run on
    these files with no zone given sees only what a new user's files show. DuckDB writes them (seconds, not
    minutes, for a busy seller's 150 days)."""
    from pathlib import Path

    import duckdb

    from bench.perf import NEEDED

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = sim.lines()
    utc = pd.DatetimeIndex(lines["purchased_at"]).tz_localize("UTC")
    off = utc.tz_convert(sim.seller.tz).tz_localize(None) - utc.tz_localize(None)
    lines["off_min"] = (off.total_seconds() // 60).astype(int)
    lines["unit"] = sim.line_price
    con = duckdb.connect()
    con.register("l", lines)
    local = "(purchased_at + to_minutes(off_min))"
    sign = "CASE WHEN off_min < 0 THEN '-' ELSE '+' END"
    offset = f"{sign} || lpad((abs(off_min) // 60)::VARCHAR, 2, '0') || lpad((abs(off_min) % 60)::VARCHAR, 2, '0')"
    amazon = {
        "amazon-order-id": "'111-' || order_id",
        "purchase-date": "strftime(purchased_at, '%Y-%m-%dT%H:%M:%S+00:00')",
        "order-status": "'Shipped'",
        "fulfillment-channel": "'Amazon'",
        "sales-channel": "'Amazon.com'",
        "product-name": "sku",
        "sku": "sku",
        "item-status": "'Shipped'",
        "quantity": "quantity::INT",
        "currency": "'USD'",
        "item-price": "printf('%.2f', revenue)",
        "ship-country": "'US'",
    }
    first = "row_number() OVER (PARTITION BY order_id ORDER BY line_key::INT) = 1"
    shopify = {
        "Name": "'#' || order_id",
        "Created at": f"CASE WHEN {first} THEN strftime({local}, '%Y-%m-%d %H:%M:%S ') || {offset} ELSE '' END",
        "Currency": f"CASE WHEN {first} THEN 'USD' ELSE '' END",
        "Financial Status": f"CASE WHEN {first} THEN 'paid' ELSE '' END",
        "Lineitem quantity": "quantity::INT",
        "Lineitem name": "sku",
        "Lineitem price": "printf('%.2f', unit)",
        "Lineitem sku": "sku",
        "Shipping Country": f"CASE WHEN {first} THEN 'US' ELSE '' END",
    }
    ebay = {
        "Sales Record Number": "line_key",
        "Order Number": "'12-' || order_id",
        "Item Title": "sku",
        "Custom Label": "sku",
        "Quantity": "quantity::INT",
        "Sold For": "'$' || printf('%.2f', unit)",
        "Sale Date": f"strftime({local}, '%b-%d-%y %H:%M:%S')",
        "Ship To Country": "'United States'",
    }
    formats = {
        "amazon": ("amazon_all_orders.txt", amazon, "\t"),
        "shopify": ("orders_export_1.csv", shopify, ","),
        "ebay": ("ebay_orders.csv", ebay, ","),
    }
    assert set(amazon) <= set(NEEDED) | {"product-name"}
    paths = []
    for ch in sim.seller.channels:
        name, cols, sep = formats[ch]
        sel = ", ".join(f'{expr} AS "{col}"' for col, expr in cols.items())
        path = folder / name
        con.execute(
            f"COPY (SELECT {sel} FROM l WHERE channel = $ch ORDER BY purchased_at, order_id::BIGINT, line_key::INT) "
            f"TO '{path}' (HEADER, DELIMITER '{sep}')",
            {"ch": ch},
        )
        paths.append(path)
    con.close()
    return paths
