"""The vectorised scan of a whole history for runs of bins with far fewer orders than expected, and the catalog's
outages tested one by one on their own windows (steps 1, 2 and 4 of impact.outages.detect)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from ..revenue import (
    ORD,
    THIN_HISTORY_DAYS,
    BaselineParams,
    ChannelSeries,
    History,
    baseline_every_day,
    overdispersion,
)
from ..windows import Window, iso_utc
from .catalog import load_catalog
from .detect_result import Candidate
from .match import channels_overlap, overlap_hours

SCALES_HOURLY = (1, 2, 3, 4, 6, 8, 12)  # run lengths scanned, in bins
SCALES_DAILY = (1, 2, 3)
Z_FLAG = 4.5  # scan: a run counts this many robust noise units below its expectation
Z_GUIDED = 3.0  # a catalog outage's own window: one test, so a smaller shortfall is evidence
MIN_EXPECTED_ORDERS = 5.0
ITERATIONS = 4
SCAN_HISTORY_DAYS = THIN_HISTORY_DAYS  # clean days before a day for its hour shape to be trusted
EDGE_ROOM = 2  # bins beyond the flagged ones a window may take in
EDGE_PENALTY = 0.5  # nats of evidence a bin must add to join a window
MIN_SILENT_ORDERS = 10.0  # a day with no orders where this many were due is named in the notes
MAX_WINDOW_HOURS = 96  # longer silences are export gaps or pauses in selling, not platform outages
CATALOG_SLACK = timedelta(hours=1)  # hour bins and approximate catalog times may miss by a little


@dataclass
class _Prepared:
    """One channel's baseline over the whole history: the estimator's E0 with an anchor on every day."""

    series: ChannelSeries
    params: BaselineParams
    e0: np.ndarray  # (3, D, S)
    clean: np.ndarray  # (D,) days the baseline may learn from
    anomalous: np.ndarray  # (D,) holidays, promotions, other outages: the estimator's robust z on the day total
    excluded: np.ndarray  # (D,) days with a window found by the first pass
    scannable: np.ndarray  # (D, S) bins that may be judged


def _prepare(hist: History, name: str, excluded: np.ndarray) -> _Prepared:
    s = hist.channels[name]
    n_days, slots = hist.n_days, s.slots
    b = baseline_every_day(hist, name, excluded)
    sc = np.repeat(b.params.clean_days >= SCAN_HISTORY_DAYS, slots)
    nz = np.nonzero(s.values[ORD].reshape(-1))[0]
    if len(nz):
        # Before the first order and from the last order on, silence is the export's edge, not an outage.
        sc[: nz[0] + 1] = False
        sc[nz[-1] :] = False
    else:
        sc[:] = False
    return _Prepared(s, b.params, b.expected, b.clean, b.anomalous, excluded, sc.reshape(n_days, slots))


def _cum(x: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(x, dtype=float)])


def _dilate(mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    return out


def _fallback(preps: dict[str, _Prepared], name: str) -> np.ndarray:
    """Per day, the scale a day takes when its own other hours say little: the other channels' orders over their
    baseline on their clean days (the shared demand shock), else the channel's last week against its level."""
    own = preps[name].params.week_ratio[ORD]
    num = np.zeros(len(own))
    den = np.zeros(len(own))
    kap = 0.0
    for other, prep in preps.items():
        if other == name:
            continue
        # A day when every channel sells less is a demand shock (a holiday) even if the control's own history calls
        # it anomalous; a promotion on a control, or one of the outages found, is not.
        act, exp = prep.series.values[ORD].sum(axis=1), prep.e0[ORD].sum(axis=1)
        ok = prep.clean | (prep.anomalous & (act < exp) & ~prep.excluded)
        num += act * ok
        den += exp * ok
        kap += 2.0
    if kap == 0:
        return own
    return np.where(den > 0, (num + kap) / (den + kap), own)


def _day_prior(act: np.ndarray, exp: np.ndarray, fallback: np.ndarray, clean: np.ndarray) -> float:
    """Weight of the fallback scale, in expected orders: 1 / variance of the channel's days around it.

    A day's scale is (its other hours' orders + w x fallback) / (their expectation + w), the Poisson-gamma posterior
    mean: a busy seller's day speaks for itself, a quiet one leans on the other channels or the last week. The
    variance is what the clean days' log ratios scatter beyond Poisson noise (robust spread).
    """
    sel = clean & (exp > 0)
    if sel.sum() < 14:
        return 50.0
    x = np.log((act[sel] + 1) / (exp[sel] * fallback[sel] + 1))
    mad = 1.4826 * float(np.median(np.abs(x - np.median(x))))
    tau2 = mad**2 - float(np.median(1 / (exp[sel] * fallback[sel] + 1)))
    return 1.0 / max(tau2, 0.02**2)


def deviance_z(a: np.ndarray, p: np.ndarray, c: float) -> np.ndarray:
    """Signed deviance residual of counts `a` against means `p` under a negative binomial with Var = p + c p^2.

    Unlike (a - p) / sd it keeps the extra noise multiplicative: a 90% drop in a busy window is many noise units
    away even when days scatter widely, and a zero in a quiet hour is not. Close to N(0, 1) in the tails.
    """
    a = np.asarray(a, float)
    p = np.maximum(np.asarray(p, float), 1e-6)
    # Continuity correction (half an order towards the mean): counts are whole, and without it a zero in a window
    # expecting 8 orders would look like a 1-in-30,000 event instead of 1 in 3,000.
    a = np.where(a < p, np.minimum(a + 0.5, p), np.maximum(a - 0.5, p))
    term = a * np.log(np.maximum(a, 1e-300) / p)
    if c > 1e-9:
        k = 1.0 / c
        dev = 2 * (term - (a + k) * np.log((a + k) / (p + k)))
    else:
        dev = 2 * (term - (a - p))
    return np.sign(a - p) * np.sqrt(np.maximum(dev, 0.0))


@dataclass
class _Scanned:
    """One channel after the scan: flagged bins, and what is needed to judge any other run the same way."""

    prep: _Prepared
    flagged: np.ndarray  # (D*S,) bool
    pred: np.ndarray  # (D*S,) expected orders per bin, its own day's scale without that bin
    zmin: np.ndarray  # (D*S,) strongest run statistic per bin (0 where nothing was flagged)
    sums: tuple  # day totals and cumulative sums over the usable bins of the last iteration
    prior: np.ndarray  # (D,)
    fallback: np.ndarray  # (D,)
    noise: dict[int, tuple[float, float]]  # run length -> (extra variance c, robust spread of the scores)

    def expected(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Expected orders of runs [i, j) (hourly: at most a day long): E0 x each day's scale without the run."""
        slots = self.prep.series.slots
        n_days = self.prep.series.values.shape[1]
        if slots == 1:  # no other hours in a day: each day takes the fallback scale
            cf = _cum(self.prep.e0[ORD][:, 0] * self.fallback)
            return cf[j] - cf[i]
        ce = _cum(self.prep.e0[ORD].reshape(-1))
        d1 = i // slots
        cut = np.minimum((d1 + 1) * slots, j)  # first bin of the next day, or the run's end
        d2 = np.minimum(d1 + 1, n_days - 1)
        return (ce[cut] - ce[i]) * self._day_scale(d1, i, cut) + np.where(
            j > cut, (ce[j] - ce[cut]) * self._day_scale(d2, cut, np.maximum(j, cut)), 0.0
        )

    def _day_scale(self, d: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Scale of day d from its usable bins outside [lo, hi) (a range inside day d), shrunk to the fallback."""
        day_au, day_eu, cau, ceu = self.sums
        rest_a = day_au[d] - (cau[hi] - cau[lo])
        rest_e = day_eu[d] - (ceu[hi] - ceu[lo])
        return (rest_a + self.prior[d] * self.fallback[d]) / (rest_e + self.prior[d])

    def score(self, first: int, last: int) -> tuple[float, float, float]:
        """(actual, expected, z in robust units) of bins first..last, with the noise of the nearest run length."""
        a = float(self.prep.series.values[ORD].reshape(-1)[first : last + 1].sum())
        p = float(self.expected(np.array([first]), np.array([last + 1]))[0])
        n = last - first + 1
        fitted = sorted(self.noise)
        if not fitted:
            return a, p, 0.0
        k = max([m for m in fitted if m <= n] or fitted[:1])
        c, spread = self.noise[k]
        return a, p, float(deviance_z(np.array([a]), np.array([p]), c)[0]) / spread


def _scan(prep: _Prepared, fallback: np.ndarray, z_flag: float) -> _Scanned:
    """Flag runs of 1-12 bins far below expectation, iterating until the flagged set is stable.

    The expectation of a run is E0 x its day's scale measured on the day's other bins: the run itself and the bins
    already flagged are left out, as the estimator leaves the outage out of its same-day feature. A run across
    midnight takes each day's part with that day's scale.
    """
    s = prep.series
    A, E = s.values[ORD], prep.e0[ORD]
    n_days, slots = A.shape
    nb = n_days * slots
    a, e = A.reshape(-1), E.reshape(-1)
    ok = prep.scannable.reshape(-1)
    ca = _cum(a)
    bad_c = _cum(~ok)
    clean_c = _cum(~(np.repeat(prep.clean, slots) & ok))
    # A day the estimator finds anomalous for this channel (a holiday, a promotion) is unlike the others: it speaks
    # for itself, with the estimator's own small prior of two orders.
    prior = np.where(prep.anomalous, 2.0, _day_prior(A.sum(axis=1), E.sum(axis=1), fallback, prep.clean))
    flagged = np.zeros(nb, bool)
    idx = np.arange(nb)
    for _ in range(ITERATIONS):
        # Date-only data has no other hours in the day: the scale is the fallback alone.
        used = ok & ~_dilate(flagged) if slots > 1 else np.zeros(nb, bool)
        sums = (
            (A.reshape(-1) * used).reshape(n_days, slots).sum(axis=1),
            (e * used).reshape(n_days, slots).sum(axis=1),
            _cum(a * used),
            _cum(e * used),
        )
        state = _Scanned(prep, flagged, np.zeros(nb), np.zeros(nb), sums, prior, fallback, {})
        state.pred = e * state._day_scale(idx // slots, idx, idx + 1)
        hit = np.zeros(nb + 1, int)
        free_c = _cum(flagged)
        for n in SCALES_HOURLY if slots > 1 else SCALES_DAILY:
            if n > nb:
                continue
            i = np.arange(nb - n + 1)
            j = i + n
            p_n = state.expected(i, j)
            a_n = ca[j] - ca[i]
            valid = (bad_c[j] - bad_c[i]) == 0
            calib = valid & ((clean_c[j] - clean_c[i]) == 0) & ((free_c[j] - free_c[i]) == 0)
            if calib.sum() < 50:
                continue
            c = overdispersion(p_n[calib], (a_n - p_n)[calib], 1.0)
            z = deviance_z(a_n, p_n, c)
            zc = z[calib]
            # The noise model is a model: the robust spread of the history's own scores keeps the threshold honest.
            spread = max(1.0, 1.4826 * float(np.median(np.abs(zc - np.median(zc)))))
            state.noise[n] = (c, spread)
            low = np.nonzero(valid & (z < -z_flag * spread))[0]
            if len(low):
                np.add.at(hit, low, 1)
                np.add.at(hit, low + n, -1)
                for k in range(n):  # every bin of a low run remembers the strongest run it belongs to
                    np.minimum.at(state.zmin, low + k, z[low] / spread)
        new = (np.cumsum(hit)[:-1] > 0) & ok
        if (new == flagged).all():
            break
        flagged = new
    state.flagged = flagged
    return state


def _runs(mask: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """(first, last) inclusive of True runs; runs separated by at most `gap` False bins are merged."""
    idx = np.nonzero(mask)[0]
    if not len(idx):
        return []
    breaks = np.nonzero(np.diff(idx) > gap + 1)[0]
    firsts = np.concatenate([[idx[0]], idx[breaks + 1]])
    lasts = np.concatenate([idx[breaks], [idx[-1]]])
    return list(zip(firsts.tolist(), lasts.tolist(), strict=True))


def _best_segment(a: np.ndarray, p: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    """The span [s, e] within [lo, hi] that a drop explains best: maximum Poisson likelihood ratio of "orders fell
    by the span's own share" against "normal", less EDGE_PENALTY per bin. A bin joins only if its own shortfall is
    close to the span's and it carries enough orders to tell."""
    ca, cp = _cum(a[lo : hi + 1]), _cum(p[lo : hi + 1])
    i, j = np.triu_indices(hi - lo + 1)
    A, P = ca[j + 1] - ca[i], cp[j + 1] - cp[i]
    with np.errstate(divide="ignore", invalid="ignore"):
        llr = np.where(A < P, np.where(A > 0, A * np.log(A / np.maximum(P, 1e-12)), 0.0) - A + P, 0.0)
    k = int(np.argmax(llr - EDGE_PENALTY * (j - i + 1)))
    return lo + int(i[k]), lo + int(j[k])


def _scan_pass(hist: History, names: tuple[str, ...], excluded: np.ndarray, z_flag: float) -> dict[str, _Scanned]:
    preps = {c: _prepare(hist, c, excluded) for c in hist.channels}
    return {name: _scan(preps[name], _fallback(preps, name), z_flag) for name in names}


def _guided(
    hist: History, sc: _Scanned, entry: Window, min_hours: float, min_expected_orders: float, z_guided: float
) -> Candidate | None:
    """A catalog outage's window tested on its own on one channel. The whole window is the test (named in advance:
    one test, not thousands, so a smaller shortfall is evidence than in the blind scan); the span reported is the
    part of it, with a bin of slack, that a drop explains best."""
    s = sc.prep.series
    width = 24 // s.slots
    lo = math.floor(hist.hour_of(entry.start) / width)
    hi = math.ceil(hist.hour_of(entry.end) / width) - 1
    ok = sc.prep.scannable.reshape(-1)
    if lo < 1 or hi + 1 >= len(ok) or not ok[lo - 1 : hi + 2].all() or (s.slots > 1 and hi - lo + 3 > 24):
        return None
    act, exp, z = sc.score(lo, hi)
    if exp < min_expected_orders or z > -z_guided:
        return None
    first, last = _best_segment(s.values[ORD].reshape(-1), sc.pred, lo - 1, hi + 1)
    if (last - first + 1) * width < min_hours:
        return None
    seg_act, seg_exp, seg_z = sc.score(first, last)
    test = (hist.at_hour(lo * width), hist.at_hour((hi + 1) * width))
    return Candidate(s.name, first, last, s.slots, seg_z, seg_exp, seg_act, "catalog", test)


def _silent_days(hist: History, sc: _Scanned) -> list[str]:
    """Whole days without a single order where at least MIN_SILENT_ORDERS were due. The scan cannot judge them (a
    day with no other hours has nothing to scale by), and they are more often a gap in the export or a pause in
    selling than an outage, so they are named for the seller to check instead."""
    s = sc.prep.series
    day_a = s.values[ORD].sum(axis=1)
    day_e = sc.prep.e0[ORD].sum(axis=1) * sc.fallback
    inside = np.zeros(len(day_a), bool)
    inside[s.first_day + 1 : s.last_day] = True
    out = []
    for first, last in _runs(inside & (day_a == 0) & (day_e > 0), 0):
        due = float(day_e[first : last + 1].sum())
        if due >= MIN_SILENT_ORDERS:
            span = (
                f"on {iso_utc(hist.day_start(first))[:10]}"
                if first == last
                else (f"from {iso_utc(hist.day_start(first))[:10]} to {iso_utc(hist.day_start(last))[:10]}")
            )
            out.append(
                f"no {s.name} orders at all {span} (about {due:,.0f} expected): a gap in the export, a pause "
                "in selling or an outage of whole days; check the export"
            )
    return out


def _two_passes(hist: History, names: tuple[str, ...], z_flag: float) -> dict:
    """Each channel's scan; a second pass keeps the days with a flagged run out of every baseline, as the estimator
    keeps known windows out."""
    scanned = _scan_pass(hist, names, np.zeros(hist.n_days, bool), z_flag)
    excluded = np.zeros(hist.n_days, bool)
    for sc in scanned.values():
        days = np.nonzero(sc.flagged)[0] // sc.prep.series.slots
        excluded[days] = True
    if excluded.any():
        scanned = _scan_pass(hist, names, excluded, z_flag)
    return scanned


def _channel_candidates(
    hist: History, name: str, sc, min_hours: float, min_expected_orders: float, notes: list[str]
) -> list[Candidate]:
    """The flagged runs of one channel's scan, each widened to its best segment and kept when it is long enough and
    enough orders were expected; runs too long to be an outage get a note instead."""
    prep, flagged, pred, zmin = sc.prep, sc.flagged, sc.pred, sc.zmin
    s = prep.series
    if not prep.scannable.any():
        notes.append(
            f"{name}: fewer than {SCAN_HISTORY_DAYS} days of usable history before the last order, "
            "so its orders cannot be scanned for outages"
        )
        return []
    cands = []
    width = 24 // s.slots
    a = s.values[ORD].reshape(-1)
    ok = prep.scannable.reshape(-1)
    for first, last in _runs(flagged, 1 if s.slots > 1 else 0):
        lo, hi = first, last
        for _ in range(EDGE_ROOM):
            lo -= 1 if lo > 0 and ok[lo - 1] else 0
            hi += 1 if hi + 1 < len(a) and ok[hi + 1] else 0
        first, last = _best_segment(a, pred, lo, hi)
        hours = (last - first + 1) * width
        start = hist.at_hour(first * width)
        if hours > MAX_WINDOW_HOURS:
            notes.append(
                f"{name} had far fewer orders than usual from {iso_utc(start)} to "
                f"{iso_utc(hist.at_hour((last + 1) * width))} ({hours / 24:.0f} days): a gap in the export "
                "or a pause in selling rather than a platform outage, so it is not reported as one"
            )
            continue
        if hours > 24:
            exp_o = float(pred[first : last + 1].sum())
        else:
            exp_o = float(sc.expected(np.array([first]), np.array([last + 1]))[0])
        if hours < min_hours or exp_o < min_expected_orders:
            continue
        zrun = float(zmin[first : last + 1].min())
        cands.append(Candidate(name, first, last, s.slots, zrun, exp_o, float(a[first : last + 1].sum())))
    notes.extend(_silent_days(hist, sc))
    return cands


def _catalog_candidates(
    hist: History,
    scanned: dict,
    names: tuple[str, ...],
    found: list[Candidate],
    entries: list[Window],
    limits: tuple[float, float, float],
) -> list[Candidate]:
    """The catalog's outages within the data tested one by one on each channel they name, where the scan found
    nothing there; limits: (min_hours, min_expected_orders, z_guided)."""
    cands = []
    for entry in entries:
        if entry.end is None or entry.end <= hist.first_order or entry.start >= hist.last_order:
            continue
        for name in names:
            probe = Window(entry.start, entry.end, (name,))
            if not channels_overlap(entry, probe):
                continue
            if any(
                c.channel == name and overlap_hours(probe, Window(*c.span(hist), (name,)), slack=CATALOG_SLACK)
                for c in [*found, *cands]
            ):
                continue  # the scan found it already
            cand = _guided(hist, scanned[name], entry, *limits)
            if cand is not None:
                cands.append(cand)
    return cands


def scan_history(
    hist: History,
    *,
    channels: tuple[str, ...] = (),
    min_hours: float = 2,
    min_expected_orders: float = MIN_EXPECTED_ORDERS,
    z_flag: float = Z_FLAG,
    catalog: list[Window] | None = (),
    z_guided: float = Z_GUIDED,
) -> tuple[list[Candidate], list[str]]:
    """Candidate windows per channel from vectorised passes over the whole history, plus the catalog's outages
    tested one by one where the scan found nothing (`catalog` None = the built-in one); (candidates, notes)."""
    names = tuple(channels) or tuple(hist.channels)
    scanned = _two_passes(hist, names, z_flag)
    cands: list[Candidate] = []
    notes: list[str] = []
    for name in names:
        cands += _channel_candidates(hist, name, scanned[name], min_hours, min_expected_orders, notes)
    entries = load_catalog() if catalog is None else list(catalog)
    cands += _catalog_candidates(hist, scanned, names, cands, entries, (min_hours, min_expected_orders, z_guided))
    cands.sort(key=lambda c: (c.first * (24 // c.slots), c.channel))
    return cands, notes
