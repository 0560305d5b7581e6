"""One outage window end to end: checks, placebos, a fit per channel, the loss and recapture intervals."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from ..errors import InputError, WindowError
from ..present import plural
from ..settings import Settings
from ..windows import iso_utc
from .baseline import LOOKBACK_DAYS, MIN_HISTORY_DAYS, THIN_HISTORY_DAYS, BaselineParams
from .fit import ChannelFit, fit_channel
from .history import IDENTITY, ORD, REV, History, LocalClock, load_history
from .interval import MIN_PLACEBOS_CONFORMAL, Interval, calibrate, hourly_bands, noise_scale
from .placebos import EventGeometry

# Callers pass the user's options; these keyword defaults (for the engine's own callers and tests) are Settings' own.
DEFAULTS = Settings()

RECAPTURE_MIN_PLACEBOS = 10  # fewer placebos cannot tell the hours' normal variation: the excess is taken as it is


@dataclass
class Recapture:
    """What came back after the window: the excess of actual over expected sales in the first `hours` of the
    recovery period, times `factor`, the share of it that normal variation does not explain.

    The whole recovery period's excess (`excess`) is unbiased but carries the noise of every hour in it, and the
    lost orders that come back usually do so in the first hours: a day of ordinary ups and downs can hide or invent
    a recapture several times its size. So the estimate reads the recovery period up to the hour where its excess
    stands out most from normal variation, and counts it as far as it stands out beyond what the same search finds
    on the placebo copies of the recovery period, where nothing happened (_read_until_strongest)."""

    excess: np.ndarray  # (3,) actual - expected over the whole recovery period
    value: np.ndarray  # (3,) the estimate
    hours: float  # hours after the window's end read by the estimate
    factor: float  # 0..1
    whole: bool  # the estimate read the whole recovery period


def measure_recapture(fits: dict[str, ChannelFit], affected: tuple[str, ...]) -> Recapture:
    """The recapture estimate over the affected channels (see Recapture)."""
    regs = [fits[c].recovery for c in affected]
    excess = np.array([sum(r[m].actual - r[m].expected for r in regs) for m in range(3)])
    bins = [fits[c].recovery_bins for c in affected]
    n_bins = {len(b) for b in bins}
    K = min(len(r[REV].placebo_pred) for r in regs)
    hours_all = float(sum(b.w.sum() * 24 / fits[c].slots for c, b in zip(affected, bins, strict=True)) / len(bins))
    if K < RECAPTURE_MIN_PLACEBOS or not excess.any():
        return Recapture(excess, excess.copy(), hours_all, 1.0, True)
    if len(n_bins) == 1 and all(fits[c].slots > 1 for c in affected):
        # Bins hold whole-bin values; the first one is shared with the window's end (and the last may be cut by the
        # end of the data), so each counts by its overlap with the recovery period, as the region's totals do.
        w = [b.w for b in bins]
        d = np.array(
            [sum(wi * (r[m].bins_actual - r[m].bins_expected) for wi, r in zip(w, regs, strict=True)) for m in range(3)]
        )  # (3, J)
        pe = sum(wi * (r[REV].bin_placebo_actual - r[REV].bin_placebo_pred) for wi, r in zip(w, regs, strict=True))
        T, factor = _read_until_strongest(d[REV], pe)
        read = d[:, :T].sum(axis=1)
        hours = float(bins[0].w[:T].sum() * 24 / fits[affected[0]].slots)
        return Recapture(excess, read * factor, hours, factor, T == d.shape[1])
    # Daily bins or channels on different grids: the whole period, shrunk by its signal-to-noise ratio.
    var = float(_robust_var(sum(r[REV].placebo_actual - r[REV].placebo_pred for r in regs)[:, None])[0])
    factor = max(0.0, 1.0 - var / float(excess[REV]) ** 2) if excess[REV] else 0.0
    return Recapture(excess, excess * factor, hours_all, factor, True)


def _read_until_strongest(d: np.ndarray, pe: np.ndarray) -> tuple[int, float]:
    """(T, share counted): the recovery period is read up to the hour T at which its
    cumulative excess `d` (J,) stands out most from normal variation, the placebos' cumulative errors `pe` (K, J) at
    the same hours; that excess is then shrunk by how far it stands out beyond what picking the strongest hour finds
    on the placebos themselves.

    Buyers who retry after an outage mostly do so within hours: their bump is strongest a few hours in, while the
    day's ordinary ups and downs keep growing with every hour read, so a quick return is read where it is and a
    return spread over the day is read over the day. Choosing the hour by the data would find something in pure
    noise too, so the share counted is 1 - m / z^2 (positive-part James-Stein) with m the 90th percentile of the
    placebos' own strongest z^2 instead of 1: the same selection applied where nothing happened. (With their mean,
    test_recapture.py's ten sellers of 300 a day with no recapture counted something on 5 of 10, up to 61% of the
    excess read; with the 90th percentile on 1, 2% of it, and a clear return still counts almost whole.)
    """
    cum = np.cumsum(pe, axis=1)
    v = _robust_var(cum)
    sd = np.sqrt(np.maximum(v, 1e-12))
    z = np.cumsum(d) / sd
    T = int(np.argmax(np.abs(z))) + 1
    z_null = np.abs(cum / sd).max(axis=1)
    m = float(np.quantile(z_null, 0.9) ** 2)
    z2 = float(z[T - 1] ** 2)
    return T, max(0.0, 1.0 - m / z2) if z2 > 0 else 0.0


def _at_most_the_loss(rc: Recapture, lost: float) -> Recapture:
    """The recapture counted is at most the window's loss: only lost orders can be placed again, so sales above
    normal after a window that lost nothing (or more of them than it lost) are the hours' ordinary ups and downs
    or new demand, not buyers coming back. The three metrics and the share counted shrink together."""
    value = float(rc.value[REV])
    if value <= max(lost, 0.0):
        return rc
    keep = max(lost, 0.0) / value
    return replace(rc, value=rc.value * keep, factor=rc.factor * keep)


def _robust_var(x: np.ndarray) -> np.ndarray:
    """Per column, the squared robust scale (1.4826 x median absolute value) of placebo errors (K, n): about zero by
    construction, and a placebo day with an unnoticed promotion must not pass for normal variation."""
    return (1.4826 * np.median(np.abs(x), axis=0)) ** 2


@dataclass
class EventEstimate:
    """Everything the estimator knows about one window; impact.analysis turns it into the report."""

    start: datetime
    end: datetime
    recovery_end: datetime
    affected: tuple[str, ...]
    controls: tuple[str, ...]
    fits: dict[str, ChannelFit]  # affected and unaffected channels
    lost: Interval  # revenue, all affected channels
    expected: np.ndarray  # (3,) totals over affected channels
    actual: np.ndarray
    recovery_expected: np.ndarray
    recovery_actual: np.ndarray
    recaptured: Interval
    n_placebos: int
    warnings: list[str]
    resolution: str  # 'hour' or 'day'
    day0: datetime  # the history's day 0, to turn bins back into times
    placebo_shifts: np.ndarray  # days each placebo copy of the window was moved (positive = earlier)
    # Net loss (window + recovery together: expected minus actual over both), calibrated on the placebos as a whole:
    # one baseline error moves the loss and the recapture in opposite directions, which separate intervals miss.
    net: Interval | None = None
    clock: LocalClock = IDENTITY  # the history's local clock, to turn bins back into times
    recapture: Recapture | None = None  # the estimate of what came back (the point behind `recaptured`)

    def recaptured_point(self) -> np.ndarray:
        """(3,) the recapture estimate (revenue, orders, units): `recapture.value`, else the recovery's excess."""
        if self.recapture is not None:
            return self.recapture.value
        return self.recovery_actual - self.recovery_expected

    def hourly(self, confidence: float) -> list[dict]:
        """Per affected channel and bin, from CONTEXT_HOURS before the window to the end of the recovery period:
        actual, expected, low/high of the counterfactual, cumulative loss since the window started."""
        rows = []
        for name in self.affected:
            f = self.fits[name]
            c, zlo, zhi = hourly_bands(f, confidence)
            q, floor = float(f.q[REV]), float(f.unit[REV]) * 0.5
            parts = [
                ("before", f.context_bins, f.context_expected[REV], f.context_actual[REV]),
                ("outage", f.window_bins, f.window[REV].bins_expected, f.window[REV].bins_actual),
                ("recovery", f.recovery_bins, f.recovery[REV].bins_expected, f.recovery[REV].bins_actual),
            ]
            seen: dict[tuple[int, int], dict] = {}
            cum = 0.0
            for phase, bins, exp, act in parts:
                for j in range(len(bins)):
                    key = (int(bins.day[j]), int(bins.slot[j]))
                    e, a = float(exp[j]), float(act[j])
                    sc = float(noise_scale(np.array([e]), q, c, floor)[0])
                    if key in seen:  # the bin holding the window's end is both outage and recovery: keep one row
                        continue
                    if f.slots > 1 and _bin_start(self, f, key) == _bin_start(self, f, (key[0], key[1] + 1)):
                        continue  # the local hour a clock change skipped: no such hour, nothing to show
                    if phase != "before":
                        cum += e - a
                    hour = _bin_start(self, f, key)
                    row = {
                        "hour": iso_utc(hour),
                        "channel": name,
                        "actual": round(a, 2),
                        "expected": round(e, 2),
                        "low": round(max(0.0, e + zlo * sc), 2),
                        "high": round(max(0.0, e + zhi * sc), 2),
                        "phase": phase,
                        "cumulative": round(cum, 2) if phase != "before" else 0.0,
                    }
                    seen[key] = row
                    rows.append(row)
        rows.sort(key=lambda r: (r["hour"], r["channel"]))
        return rows


def _bin_start(est: EventEstimate, f: ChannelFit, key: tuple[int, int]) -> datetime:
    g = key[0] * 24 + key[1] * (24 // f.slots)
    return est.day0 + timedelta(hours=float(est.clock.instant(g)))


def check_window(hist: History, start: datetime, end: datetime, affected: tuple[str, ...]) -> list[str]:
    """WindowError when the window cannot be analysed; warnings when it can but thinly."""
    warns: list[str] = []
    if end <= start:
        raise WindowError(f"the window ends ({iso_utc(end)}) before it starts ({iso_utc(start)})")
    span = f"{iso_utc(hist.first_order)} to {iso_utc(hist.last_order)}"
    if start >= hist.last_order or end <= hist.first_order:
        raise WindowError(f"the window {iso_utc(start)} to {iso_utc(end)} is outside the order history ({span})")
    unknown = [c for c in affected if c not in hist.channels]
    if unknown:
        have = ", ".join(hist.channels) or "none"
        raise WindowError(f"no orders on {', '.join(unknown)} in {hist.currency or 'the data'}; channels: {have}")
    for c in affected:
        s = hist.channels[c]
        first = hist.day_start(s.first_day)
        days_before = (start - first).total_seconds() / 86400
        if days_before < MIN_HISTORY_DAYS:
            raise WindowError(
                f"only {max(days_before, 0):.1f} days of {c} orders before the window (from {iso_utc(first)}); "
                f"at least {MIN_HISTORY_DAYS} are needed to estimate what sales would have been"
            )
        if days_before < THIN_HISTORY_DAYS:
            since = iso_utc(start - timedelta(days=LOOKBACK_DAYS))[:10]
            warns.append(
                f"only {days_before:.0f} days of {c} history before the window (4 weeks or more are "
                f"needed for a full baseline, 12 for the weekly pattern: export orders from {since} on); the "
                "interval leans on days after the window and is wider"
            )
    if end > hist.last_order:
        warns.append(
            f"the order history ends at {iso_utc(hist.last_order)}, before the window ends; if the export "
            "stops early the loss is overstated"
        )
    return warns


def estimate_event(
    hist: History,
    start: datetime,
    end: datetime,
    affected: tuple[str, ...] = (),
    *,
    recovery_hours: float = DEFAULTS.recovery_hours,
    confidence: float = DEFAULTS.confidence,
    other_windows: list[tuple[datetime, datetime]] | None = None,
    controls: tuple[str, ...] | None = None,
    recovery_until_normal: int = 0,
) -> EventEstimate:
    """Counterfactual, loss interval, recapture and spill-over estimates for one window.

    affected: channels hit (empty = all). other_windows: further known outages as (start, end incl. recovery),
    kept out of the baseline and the placebos. controls: unaffected channels to use as controls (default: all).
    recovery_until_normal: 0 for a recovery period of `recovery_hours`; N > 0 ends it when sales are back to normal
    (see recovery_hours_until_normal), `recovery_hours` at most.
    """
    if not 0.5 <= confidence < 1:
        raise InputError("the confidence level must be between 0.5 and 0.99, e.g. 0.9")
    if recovery_until_normal > 0 and recovery_hours > 0:
        kw = dict(confidence=confidence, other_windows=other_windows, controls=controls)
        full = estimate_event(hist, start, end, affected, recovery_hours=recovery_hours, **kw)
        hours = recovery_hours_until_normal(full, recovery_until_normal, confidence)
        if hours is None:
            if full.resolution == "hour" and full.recovery_end >= end + timedelta(hours=recovery_hours):
                full.warnings.append(
                    f"sales were not back to normal for {recovery_until_normal} hours in a row within the "
                    f"{recovery_hours:g} recovery hours, so recapture is measured over all of them"
                )
            return full
        return estimate_event(hist, start, end, affected, recovery_hours=hours, **kw)
    affected = tuple(affected) or tuple(hist.channels)
    warns = check_window(hist, start, end, affected)
    unaffected = tuple(c for c in hist.channels if c not in affected)
    if controls is None:
        controls = unaffected
    rec_end = _recovery_end(hist, end, recovery_hours, warns)
    ev = EventGeometry(hist, start, end, affected, (rec_end - end).total_seconds() / 3600, list(other_windows or []))
    daily = [c for c in affected if hist.channels[c].slots == 1]
    if daily:
        warns.append(
            f"{', '.join(daily)} has dates without times, so the loss is measured over whole days "
            f"({iso_utc(hist.day_start(ev.anchor))[:10]}"
            f"{' to ' + iso_utc(hist.day_start(hist.day_of(end)))[:10] if end - start > timedelta(days=1) else ''}"  # noqa: E501
            "), not the hours of the window"
        )
    ks = ev.valid_shifts(list(affected))
    fits = _fit_channels(ev, affected, unaffected, tuple(controls), ks)
    warns += _fit_warnings(fits, affected, ks, warns)
    # Totals over the affected channels, (3,) each.
    totals = {
        "expected": np.array([sum(fits[c].window[m].expected for c in affected) for m in range(3)]),
        "actual": np.array([sum(fits[c].window[m].actual for c in affected) for m in range(3)]),
        "recovery_expected": np.array([sum(fits[c].recovery[m].expected for c in affected) for m in range(3)]),
        "recovery_actual": np.array([sum(fits[c].recovery[m].actual for c in affected) for m in range(3)]),
    }
    warns += _sparse_warning(affected, totals["expected"])
    lost, recaptured, net, rc = _intervals(fits, affected, totals, confidence, bool(recovery_hours))
    return EventEstimate(
        start=start,
        end=end,
        recovery_end=rec_end,
        affected=affected,
        controls=tuple(controls),
        fits=fits,
        lost=lost,
        recaptured=recaptured,
        n_placebos=len(ks),
        warnings=warns,
        resolution="day" if daily else "hour",
        day0=hist.day0,
        placebo_shifts=ks,
        net=net,
        clock=hist.clock,
        recapture=rc,
        **totals,
    )


def _recovery_end(hist: History, end: datetime, recovery_hours: float, warns: list[str]) -> datetime:
    """The recovery period's end: `recovery_hours` after the window, or the end of the data (with a warning)."""
    rec_end = end + timedelta(hours=recovery_hours)
    if recovery_hours and rec_end > hist.last_order + timedelta(hours=1):
        have = max((hist.last_order - end).total_seconds() / 3600, 0)
        warns.append(
            f"the data ends {have:.0f} h after the window, so recapture covers {have:.0f} of the "
            f"{recovery_hours:g} recovery hours"
        )
        # The recovery period stops with the data: hours after the last order have no sales to read, not zero sales.
        last_hour = hist.last_order.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        rec_end = max(end, min(rec_end, hist.day_start(hist.n_days), last_hour))
    return rec_end


def _fit_channels(
    ev: EventGeometry, affected: tuple[str, ...], unaffected: tuple[str, ...], controls: tuple[str, ...], ks
) -> dict[str, ChannelFit]:
    """The counterfactual fit of every channel: the affected ones with the controls, each unaffected one with the
    other unaffected ones (for spill-over) on its own placebos."""
    params: dict[str, BaselineParams] = {}
    fits: dict[str, ChannelFit] = {}
    for c in affected:
        fits[c] = fit_channel(ev, c, True, list(controls), ks, params)
    for c in unaffected:
        uks = ev.valid_shifts([c])
        fits[c] = fit_channel(ev, c, False, [o for o in unaffected if o != c], uks, {})
    return fits


def _fit_warnings(fits: dict[str, ChannelFit], affected: tuple[str, ...], ks, warns: list[str]) -> list[str]:
    """Caveats of the fit: too few placebos for a conformal interval, thin weeks before the window."""
    out = []
    if len(ks) < MIN_PLACEBOS_CONFORMAL:
        days = f"only {plural(len(ks), 'comparable day')}" if len(ks) else "no comparable days"
        out.append(f"{days} without known outages around the window; the interval is approximate and wider")
    thin = [c for c in affected if fits[c].lookback_days < THIN_HISTORY_DAYS]
    if thin and not any("days of" in w for w in warns):
        out.append(
            f"the weeks before the window have few usable days for {', '.join(thin)}; the baseline leans on fewer days"
        )
    return out


SPARSE_ORDERS = 5  # expected orders in a window below which an outage cannot be told from a quiet spell


def _sparse_warning(affected: tuple[str, ...], expected: np.ndarray) -> list[str]:
    """A sentence for a window expecting only a few orders: its interval is wide because it has to be."""
    if expected[ORD] >= SPARSE_ORDERS:
        return []
    n = float(expected[ORD])
    about = "fewer than one order was" if n < 1 else f"only about {n:.0f} orders were"
    return [
        f"{about} expected in this window on {', '.join(affected)}: too few to tell an outage from an ordinary "
        "quiet spell, so the interval runs from what was sold up to what the channel sold at its best in the "
        "same hours of other days"
    ]


def _intervals(
    fits: dict[str, ChannelFit], affected: tuple[str, ...], totals: dict[str, np.ndarray], confidence: float, rec: bool
) -> tuple[Interval, Interval, Interval, Recapture | None]:
    """The loss, recapture and net-loss intervals and the recapture estimate, from the placebos of the affected
    channels summed (the placebo sums keep the channels' shared shocks in the calibration)."""
    expected, actual = totals["expected"], totals["actual"]
    r_exp, r_act = totals["recovery_expected"], totals["recovery_actual"]
    q = _pooled_q(fits, affected)
    floor = 0.5 * min(float(fits[c].unit[REV]) for c in affected)
    pp = np.asarray(sum(fits[c].window[REV].placebo_pred for c in affected))
    pa = np.asarray(sum(fits[c].window[REV].placebo_actual for c in affected))
    lost = calibrate(float(expected[REV]), float(actual[REV]), pp, pa, q, floor, confidence)
    if expected[ORD] < 1:
        # Less than one order was expected: no placebo rank says whether that one order went missing (a window of
        # 0.0 expected orders and none sold read "probability of an effect 97%" on a real store).
        lost = replace(lost, p_effect=None)
    rp = np.asarray(sum(fits[c].recovery[REV].placebo_pred for c in affected))
    ra = np.asarray(sum(fits[c].recovery[REV].placebo_actual for c in affected))
    gain = calibrate(float(r_exp[REV]), float(r_act[REV]), rp, ra, q, floor, confidence)
    # recaptured = actual - expected = -(expected - actual)
    recaptured = Interval(-gain.high, -gain.low, gain.p_effect, gain.method)
    box = calibrate(
        float(expected[REV] + r_exp[REV]), float(actual[REV] + r_act[REV]), pp + rp, pa + ra, q, floor, confidence
    )
    rc = measure_recapture(fits, affected) if rec else None
    if rc is None:
        return lost, recaptured, box, None
    rc = _at_most_the_loss(rc, float(expected[REV] - actual[REV]))
    point = float(expected[REV] - actual[REV]) - float(rc.value[REV])
    # Nor can more come back than the loss's upper bound: the recapture's interval stops there too.
    high = min(max(recaptured.high, float(rc.value[REV])), max(lost.high, 0.0))
    recaptured = Interval(min(recaptured.low, float(rc.value[REV]), high), high, recaptured.p_effect, recaptured.method)
    # Lost orders placed again are at most the lost orders, and a recapture is not negative: unless the hours
    # after say otherwise (a measurable shortfall, or more coming back than the loss could hold), the net loss
    # lies between nothing and the loss.
    lo, hi = box.low, box.high
    if recaptured.high >= 0:
        hi = min(hi, lost.high)
    if recaptured.low <= lost.high:
        lo = max(lo, 0.0)
    if lo > hi:  # the loss itself is negative or nil: nothing to bound it by
        lo, hi = box.low, box.high
    return lost, recaptured, Interval(min(lo, point), max(hi, point), box.p_effect, box.method), rc


NORMAL_QUIET_SHARE = 0.5  # hours expecting under half the channel's mean hour neither prove nor break "normal"


def recovery_hours_until_normal(est: EventEstimate, n: int, confidence: float) -> float | None:
    """Hours from the window's end to the first whole hour from which every affected channel's actual revenue stays
    within its normal band (the recovery region's fitted hourly band at `confidence`) for `n` consecutive hours;
    None when that never happens within the estimate's recovery period (or the data is date-only).

    Quiet hours (night: expected revenue under half the channel's mean hour over the period) neither count towards
    the n hours nor break them: a handful of orders cannot show whether the lost ones are still coming back, and a
    recapture on the next morning is not cut off by a normal-looking night. They stay in the recovery period when
    they come before the n hours.
    """
    if est.resolution != "hour" or n <= 0:
        return None
    starts: dict[datetime, list[bool | None]] = {}
    for name in est.affected:
        f = est.fits[name]
        reg = f.recovery[REV]
        bins = f.recovery_bins
        if not len(bins):
            return None
        c, zlo, zhi = hourly_bands(f, confidence, recovery_only=reg.bin_placebo_pred.size > 0)
        exp, act = reg.bins_expected, reg.bins_actual
        sc = noise_scale(exp, float(f.q[REV]), c, float(f.unit[REV]) * 0.5)
        normal = (act >= exp + zlo * sc) & (act <= exp + zhi * sc)
        quiet = exp < NORMAL_QUIET_SHARE * max(float(exp[bins.w > 0.999].mean()) if (bins.w > 0.999).any() else 0, 0)
        for j in range(len(bins)):
            if bins.w[j] < 0.999:  # the hour holding the window's end, or cut by the end of the data
                continue
            t = _bin_start(est, f, (int(bins.day[j]), int(bins.slot[j])))
            state = None if quiet[j] else bool(normal[j])
            starts.setdefault(t, []).append(state)
    run_start, run = None, 0
    for t in sorted(starts):
        states = starts[t]
        if any(s is False for s in states):
            run_start, run = None, 0
            continue
        if all(s is None for s in states):
            continue
        if run == 0:
            run_start = t
        run += 1
        if run >= n:
            return max((run_start - est.end).total_seconds() / 3600, 0.0)
    return None


def _pooled_q(fits: dict[str, ChannelFit], names: tuple[str, ...]) -> float:
    """Variance factor of the summed revenue: revenue-weighted mean of the channels' q."""
    w = np.array([max(fits[c].window[REV].expected, 1e-9) for c in names])
    qs = np.array([float(fits[c].q[REV]) for c in names])
    return float((w * qs).sum() / w.sum())


def hourly_counterfactual(
    con,
    channel: str,
    start: datetime,
    end: datetime,
    *,
    confidence: float = DEFAULTS.confidence,
    currency: str | None = None,
    tz: str = "UTC",
    exclude: list[tuple[datetime, datetime]] | None = None,
    hist: History | None = None,
) -> list[dict]:
    """Per hour of `channel` in [start, end): {"hour", "actual", "expected", "low", "high"} for revenue.

    The expectation for these hours never uses their own sales: it is the same estimator as an outage window on
    [start, end), so an hour with `actual < low` is unusually low given the rest of that day, the other channels and
    the previous weeks. Meant for ranges up to a few days; `exclude` lists known outages to keep out of the
    baseline. Pass `hist` (from load_history) to reuse one aggregation across many calls.
    """
    hist = hist or load_history(con, currency=currency, tz=tz, at=start)
    if channel not in hist.channels:
        raise WindowError(f"no orders on {channel}; channels: {', '.join(hist.channels)}")
    est = estimate_event(hist, start, end, (channel,), recovery_hours=0, confidence=confidence, other_windows=exclude)
    return [
        {k: r[k] for k in ("hour", "actual", "expected", "low", "high")}
        for r in est.hourly(confidence)
        if r["phase"] == "outage"
    ]
