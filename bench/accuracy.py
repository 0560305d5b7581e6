"""Accuracy of the lost-revenue estimator against the tools sellers use today, on synthetic sellers with known truth.

    python -m bench.accuracy            # full run (a few minutes on 2 cores)
    python -m bench.accuracy --quick    # smaller sample, same design
    python -m bench.accuracy --seed 3 --sellers 400

Each synthetic seller (20 to 5,000 orders a day, log-uniform; 1 to 3 channels; bench.synth) yields two trials: a
real outage (2-15 h, 20-100% of one channel's orders lost, partial recapture, spill-over) and a window on another day
where nothing happened. Each method estimates lost revenue for the window on the affected channel:

- downtime calculator: average revenue per hour over the previous 28 days x hours, minus what was actually sold
- seasonal baseline: for each hour, the median of the same hour 1-4 weeks earlier, minus what was actually sold
- impact.revenue: this project's estimator (placebo-calibrated, with the other channels as controls)
- oracle: the generator's true expected revenue minus actual; no method can know this, it shows the floor set by
  the randomness of the orders themselves; its 90% interval (+- 1.645 SDs of the window's own order, basket and
  hourly noise: floor_sd) is the floor of the interval widths

Metrics: median absolute error of lost revenue as % of the true loss (outage trials); coverage of the 90% interval
(outage trials: truth inside; no-outage trials: 0 inside); false positives on no-outage trials, i.e. the method
reports a loss: for impact.revenue the 90% interval lies above zero, for the anchors (which have no interval) the
reported loss exceeds 10% of their expected revenue.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from bench import anchors as bench_anchors
from bench.synth import make_seller, random_outage, simulate, write_exports
from impact.options import resolve_options
from impact.revenue import REV, History, estimate_event

METHODS = ("downtime calculator", "seasonal baseline", "impact.revenue", "oracle (knows true demand)")
SEASONAL, IMPACT, ORACLE = METHODS[1], METHODS[2], METHODS[3]
NO_RECAPTURE = "impact.revenue's gross loss as the net loss (recapture left out)"
MSTL = "statsforecast MSTL (24 h and 168 h seasons, 8 weeks)"
CAUSALIMPACT = "CausalImpact (daily + weekly seasons, 8 weeks, other channels as controls, HMC)"
CI_GOOGLE = "Google's tfp-causalimpact (daily + weekly seasons, 8 weeks, other channels as controls, Gibbs)"
ANALYST = "analyst's ratio (hour-of-week 4-week mean x the day's demand on the other channels)"
NEW_USER = "impact.revenue as a new user runs it (zone not given)"
GIVEN = "impact.revenue with the seller's zone given"
SHAPES = ("quick", "spread", "none")  # how the lost orders that come back do (--shapes)


@dataclass
class Trial:
    kind: str  # 'outage' or 'none'
    orders_per_day: float
    n_channels: int
    hours: float
    truth: float
    expected_truth: float  # counterfactual revenue in the window (actual + truth)
    expected_mean: float  # the generator's expected revenue in the window given that day's demand
    actual: float
    est: dict[str, float]  # method -> lost
    low: float
    high: float
    p_effect: float | None
    anchor_expected: dict[str, float]
    seconds: float
    start_hour: int = 0
    weekday: int = 0
    # Net loss over window + 24 h: the removed orders minus those placed again in the recovery period.
    net_truth: float = 0.0
    net_est: dict[str, float] | None = None
    net_low: float = 0.0
    net_high: float = 0.0
    # Methods with an interval: name -> (lost, low, high, net lost, net low, net high); impact.revenue and, when run,
    # the anchors of bench.anchors (MSTL on every trial, CausalImpact on a subsample)
    intervals: dict[str, tuple[float, ...]] | None = None
    seller: int = 0
    family: str = "A"
    shape: str = ""  # the outage's return shape (SHAPES), 'none' for a no-outage window
    tz: str = "UTC"  # the seller's real zone
    zone_used: str = ""  # the zone the product settled on when run as a new user
    recovery_end: datetime | None = None
    both: float = 0.0  # actual revenue over window + recovery
    # SD of the window's revenue around the generator's expected revenue (orders' Poisson and basket noise, the hourly
    # noise): the spread no estimate can remove, from which the oracle's 90% interval (the width's floor) is made
    floor_sd: float = 0.0


def _window_bins(hist: History, channel: str, start, end):
    s = hist.channels[channel]
    h0 = int(hist.hour_of(start) // 1)
    h1 = int(np.ceil(hist.hour_of(end)))
    return s.values[REV].reshape(-1), np.arange(h0, h1)


def anchors(hist: History, channel: str, start, end) -> dict[str, float]:
    """Expected revenue in [start, end) by the two simple tools (whole-hour windows)."""
    flat, hrs = _window_bins(hist, channel, start, end)
    day = hrs[0] // 24
    prev = flat[max(day - 28, 0) * 24 : day * 24]
    downtime = float(prev.mean()) * len(hrs) if len(prev) else 0.0
    weeks = np.array([hrs - 24 * 7 * k for k in range(1, 5)])
    weeks = weeks[(weeks >= 0).all(axis=1)]
    seasonal = float(np.median(flat[weeks], axis=0).sum()) if len(weeks) else downtime
    return {"downtime calculator": downtime, "seasonal baseline": seasonal}


def analyst_ratio(hist: History, channel: str, others: list[str], start, end, rec_end) -> tuple[float, float]:
    """Expected revenue of the window and of window + recovery by the ratio an analyst would compute in a
    spreadsheet: each hour's mean over the same hour of the 4 previous weeks, times the day's demand read on the
    other channels (their actual revenue over the days the period touches, outside the window where spill-over
    lands, against their own 4-week same-hour means). A seller with one channel reads the day on the affected
    channel's own hours outside the window and recovery."""
    flat = hist.channels[channel].values[REV].reshape(-1)
    h0 = int(hist.hour_of(start) // 1)
    h_end = int(np.ceil(hist.hour_of(end)))
    h_rec = max(int(np.ceil(hist.hour_of(rec_end))), h_end)

    def four_weeks(series: np.ndarray, hrs: np.ndarray) -> np.ndarray:
        back = np.array([hrs - 168 * k for k in range(1, 5)])
        ok = back >= 0
        return np.where(ok, series[np.clip(back, 0, None)], 0).sum(axis=0) / np.maximum(ok.sum(axis=0), 1)

    def day_ratio(a: int, b: int) -> float:
        days = np.arange(24 * (a // 24), 24 * (-(-b // 24)))
        days = days[days < len(flat)]
        if others:
            read = days[(days < h0) | (days >= h_end)]
            series = [hist.channels[c].values[REV].reshape(-1) for c in others]
        else:
            read = days[(days < h0) | (days >= h_rec)]
            series = [flat]
        act = sum(float(x[read].sum()) for x in series)
        base = sum(float(four_weeks(x, read).sum()) for x in series)
        return act / base if base > 0 else 1.0

    win = np.arange(h0, h_end)
    window = float(four_weeks(flat, win).sum()) * day_ratio(h0, h_end)
    rec = np.arange(h_end, h_rec)
    both = window + (float(four_weeks(flat, rec).sum()) * day_ratio(h_end, h_rec) if len(rec) else 0.0)
    return window, both


ZONES = ("UTC", "America/New_York", "Europe/Berlin")


def run_trials(
    n_sellers: int,
    seed: int,
    n_days: int = 150,
    progress: bool = True,
    orders: tuple[float, float] = (20, 5000),
    zones: tuple[str, ...] = ZONES,
    mstl: bool = False,
    causalimpact: int = 0,
    ci_min_orders: float = 300,
    cache: bench_anchors.Cache | None = None,
    recapture_timing: str = "soon",
    until_normal: int = 0,
    clean: bool = False,
    start: datetime | None = None,
    families: tuple[str, ...] = ("A",),
    shapes: tuple[str, ...] = (),
    new_user: bool = False,
    ci_engine: str = "tfcausalimpact",
    browser_zone: bool = False,
) -> list[Trial]:
    """`mstl`: run statsforecast's MSTL on every trial; `causalimpact`: run CausalImpact on that many windows, drawn
    with their own seeded stream among the windows (outage and none) of sellers with a second channel and at least
    `ci_min_orders` orders a day. `families`: the generator families drawn from (bench.synth.FAMILIES); `shapes`:
    the return shapes drawn from (SHAPES; empty: every outage's returns come as `recapture_timing` says, 0-50% of
    the lost orders); `new_user`: also run the product as a new user does, on the seller's export files with no
    zone given (the CLI's own path: bench.accuracy.as_new_user); `browser_zone`: that new user uploads the files in
    the app from a browser in the seller's own zone (the app passes the browser's zone to the zone inference)."""
    cache = cache or bench_anchors.Cache(None)
    rng = np.random.default_rng(seed)
    zrng = np.random.default_rng(seed + 10_000)  # the zones have their own stream: the sellers' draws stay the same
    frng = np.random.default_rng(seed + 30_000)  # so do the families and the return shapes
    srng = np.random.default_rng(seed + 40_000)
    pending: list[tuple] = []  # CausalImpact candidates: (trial index, series, control, h0, n_win, n_both, act, both)
    trials: list[Trial] = []
    for i in range(n_sellers):
        opd = float(np.exp(rng.uniform(np.log(orders[0]), np.log(orders[1]))))
        tz = zones[int(zrng.integers(len(zones)))]
        family = families[int(frng.integers(len(families)))]
        kw = {"start": start} if start is not None else {}
        if clean:
            kw |= {"n_channels": 2, "hidden_outages": 0, "special": False}
        seller = make_seller(rng, opd, n_days=n_days, tz=tz, family=family, **kw)
        out_day = int(rng.integers(n_days - 35, n_days - 10))
        null_day = out_day + int(rng.choice([-1, 1])) * int(rng.integers(3, 9))
        outage = random_outage(rng, seller, out_day)
        outage.recapture_timing = recapture_timing
        shape = _set_shape(outage, shapes, srng)
        null = random_outage(rng, seller, null_day, fraction=0.0)
        sim = simulate(rng, seller, [outage, null])
        hist = sim.history()
        browser = tz if browser_zone else None
        as_user = as_new_user(sim, [outage, null], until_normal, browser) if new_user else None
        for j, (kind, o, tr) in enumerate((("outage", outage, sim.truth[0]), ("none", null, sim.truth[1]))):
            t = _trial(hist, seller, kind, o, tr, until_normal, i, as_user[j] if as_user else None)
            t.family, t.shape, t.tz = family, shape if kind == "outage" else "none", tz
            t.floor_sd = floor_sd(sim, seller, o, tr.expected_mean)
            lost_o, _, _, *net_o = t.intervals[ORACLE]
            half = Z90 * t.floor_sd
            t.intervals[ORACLE] = (lost_o, lost_o - half, lost_o + half, *net_o)
            flat, hrs = _window_bins(hist, o.channel, o.start, o.end)
            h0, n_win = int(hrs[0]), len(hrs)
            n_both = max(int(np.ceil(hist.hour_of(t.recovery_end))) - h0, n_win)
            if mstl:
                a = cache.get("mstl", bench_anchors.mstl, flat[: h0 + n_both], h0=h0, n_window=n_win, n_both=n_both)
                t.intervals[MSTL] = _anchor_iv(a, t.actual, t.both)
            others = [c for c in seller.channels if c != o.channel]
            if causalimpact and others and opd >= ci_min_orders:
                control = sum(hist.channels[c].values[REV].reshape(-1) for c in others)
                pending.append((len(trials), flat, control, h0, n_win, n_both, t.actual, t.both))
            trials.append(t)
        if progress and (i + 1) % 25 == 0:
            print(f"  {i + 1}/{n_sellers} sellers", file=sys.stderr)
    if causalimpact:
        pick = np.random.default_rng(seed + 20_000).permutation(len(pending))[:causalimpact]
        for done, j in enumerate(sorted(pick.tolist()), 1):
            k, flat, control, h0, n_win, n_both, actual, both = pending[j]
            t1 = time.perf_counter()
            if ci_engine == "google":  # keyed by its draws too: a cached answer is one of the same sampler run
                name, fn, label = (
                    f"causalimpact-google-{bench_anchors.CI_GOOGLE_DRAWS}",
                    bench_anchors.causal_impact_google,
                    CI_GOOGLE,
                )
            else:
                name, fn, label = "causalimpact", bench_anchors.causal_impact, CAUSALIMPACT
            a = cache.get(name, fn, flat, control, h0=h0, n_window=n_win, n_both=n_both)
            trials[k].intervals[label] = _anchor_iv(a, actual, both)
            if progress:
                print(f"  CausalImpact {done}/{len(pick)}: {time.perf_counter() - t1:.0f} s", file=sys.stderr)
    return trials


Z90 = 1.6448536269514722  # the normal's 95th percentile: a two-sided 90% interval


def floor_sd(sim, seller, o, expected: float) -> float:
    """SD of the window's revenue for one who knows the generator's expected revenue `expected`: each order's
    revenue (compound Poisson: variance = expected x E[r^2] / E[r], the channel's orders' own moments) and the
    hourly noise (log-normal SDs 0.06 and `hour_sd`, each hour its own draw). The hours' expected revenues are taken
    as equal, which gives the least the hourly noise can add: the floor is a lower bound, not flattering."""
    rev = sim.revenue[sim.channel == seller.channels.index(o.channel)]
    m2_m1 = float((rev**2).sum() / max(rev.sum(), 1e-9))
    n_hours = max((o.end - o.start).total_seconds() / 3600, 1.0)
    rel = np.expm1(0.06**2 + seller.hour_sd**2)
    return float(np.sqrt(max(expected, 0.0) * m2_m1 + rel * expected**2 / n_hours))


def _set_shape(outage, shapes: tuple[str, ...], srng: np.random.Generator) -> str:
    """Draw the outage's return shape (SHAPES) and share of lost orders coming back (10-50%) from their own stream;
    with no shapes, the outage keeps what random_outage drew."""
    if not shapes or not outage.fraction:
        return outage.recapture_timing
    shape = shapes[int(srng.integers(len(shapes)))]
    share = float(srng.uniform(0.1, 0.5))
    if shape == "quick":  # most returning buyers within 1-8 h: exponential delays of mean 0.5-3 h
        outage.recapture_timing, outage.recapture_hours, outage.recapture = "soon", float(srng.uniform(0.5, 3)), share
    elif shape == "spread":  # evenly over the day after
        outage.recapture_timing, outage.recapture = "spread", share
    else:
        outage.recapture = 0.0
    return shape


def _trial(hist: History, seller, kind: str, o, tr, until_normal: int, i: int, user: dict | None) -> Trial:
    """One window's estimates: this project's (zone given, and as a new user when run), the simple anchors, the
    analyst's ratio and the oracle, gross and net."""
    t0 = time.perf_counter()
    est = estimate_event(
        hist, o.start, o.end, (o.channel,), recovery_hours=24, confidence=0.9, recovery_until_normal=until_normal
    )
    secs = time.perf_counter() - t0
    actual = float(est.actual[REV])
    both = float(est.actual[REV] + est.recovery_actual[REV])
    anc = anchors(hist, o.channel, o.start, o.end)
    lost = {m: anc[m] - actual for m in anc}
    lost[IMPACT] = float(est.expected[REV]) - actual
    lost[ORACLE] = tr.expected_mean - actual
    anc_net = anchors(hist, o.channel, o.start, est.recovery_end)
    net = {m: anc_net[m] - both for m in anc_net}
    net[IMPACT] = lost[IMPACT] - float(est.recaptured_point()[REV])
    if not until_normal:  # the oracle knows the expected revenue of the 24 h after, not of a shorter period
        net[ORACLE] = tr.expected_mean + tr.recovery_mean - both
    # Whether measuring recapture helps at all: the gross loss taken as the net loss.
    net[NO_RECAPTURE] = lost[IMPACT]
    others = [c for c in seller.channels if c != o.channel]
    w_exp, b_exp = analyst_ratio(hist, o.channel, others, o.start, o.end, est.recovery_end)
    lost[ANALYST], net[ANALYST] = w_exp - actual, b_exp - both
    nan = float("nan")
    ivs = {
        IMPACT: (
            lost[IMPACT],
            est.lost.low,
            est.lost.high,
            net[IMPACT],
            est.net.low if est.net is not None else nan,
            est.net.high if est.net is not None else nan,
        ),
        ORACLE: (lost[ORACLE], nan, nan, net.get(ORACLE, nan), nan, nan),
        ANALYST: (lost[ANALYST], nan, nan, net[ANALYST], nan, nan),
    }
    if user is not None:
        ivs[NEW_USER] = user["iv"]
        lost[NEW_USER], net[NEW_USER] = user["iv"][0], user["iv"][3]
    t = Trial(
        kind,
        seller.orders_per_day,
        len(seller.channels),
        (o.end - o.start).total_seconds() / 3600,
        tr.lost,
        actual + tr.lost,
        tr.expected_mean,
        actual,
        lost,
        est.lost.low,
        est.lost.high,
        est.lost.p_effect,
        anc,
        secs,
        o.start.hour,
        o.start.weekday(),
        tr.lost - _recaptured_by(tr, (est.recovery_end - seller.start).total_seconds() / 3600),
        net,
        est.net.low if est.net is not None else nan,
        est.net.high if est.net is not None else nan,
        ivs,
        i,
    )
    t.recovery_end, t.both = est.recovery_end, both
    t.zone_used = user["zone"] if user is not None else ""
    return t


def as_new_user(sim, outages: list, until_normal: int = 0, browser: str | None = None) -> list[dict]:
    """The product as a new user runs it: the seller's export files (bench.synth.write_exports) given to the CLI's
    own steps for `python -m impact analyze FILE... --window START END --channels CH` with no --tz on a computer set
    to UTC, a server's (so whatever zone the product settles on by itself from the files, as it would for them),
    one window at a time on one import; `browser`: the
    zone the browser reports when the files are uploaded in the app (ui.zone passes st.context.timezone; it ranks
    below a file's offsets and local times, above the hours of the day). Per outage:
    {"iv": (lost, low, high, net, net low, net high), "zone": the zone the analysis ran in}."""
    import tempfile

    from impact.__main__ import build_parser
    from impact.commands import options as cli
    from impact.service import load_in_zone, run_analysis

    out = []
    with tempfile.TemporaryDirectory(prefix="bench-accuracy-") as folder:
        paths = [str(p) for p in write_exports(sim, folder)]
        con = report = opts = None
        for o in outages:
            argv = ["analyze", *paths, "--window", _iso(o.start), _iso(o.end), "--channels", o.channel]
            if until_normal:
                argv += ["--recovery-until-normal"]
            args = build_parser("analyze").parse_args(argv)
            windows = cli.windows(args)
            if con is None:
                mapping = cli.parse_mapping(args.mapping)
                con, report, opts = load_in_zone(args.files, cli.options(args), mapping=mapping, browser=browser)
            cli.check_covered(con, report, windows, opts)
            rev = run_analysis(con, windows, opts).to_json()["windows"][0]["revenue"]
            iv = (rev["lost"], rev["lost_low"], rev["lost_high"], rev["net_lost"], rev["net_lost_low"])
            out.append({"iv": (*iv, rev["net_lost_high"]), "zone": opts.tz})
        con.close()
    return out


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _recaptured_by(tr, hour: float) -> float:
    """Revenue of the lost orders placed again before `hour` (hours since the seller's start): the recapture of the
    recovery period the estimate used (24 h, or until sales were back to normal)."""
    if tr.recaptured_at is None:
        return tr.recaptured
    return float(tr.recaptured_revenue[tr.recaptured_at < hour].sum())


def _anchor_iv(a: bench_anchors.Anchor, actual: float, both: float) -> tuple[float, ...]:
    """Loss = expected - actual: the interval of the expectation becomes the loss's."""
    return (
        a.window - actual,
        a.window_low - actual,
        a.window_high - actual,
        a.both - both,
        a.both_low - both,
        a.both_high - both,
    )


def _interval_stats(trials: list[Trial], m: str) -> dict[str, float]:
    out_t = [t for t in trials if t.kind == "outage"]
    null_t = [t for t in trials if t.kind == "none"]
    g = [t for t in out_t if t.expected_mean - t.actual > 0]
    n = [t for t in out_t if t.net_truth > 0]

    def med(xs):
        return 100 * float(np.median(xs)) if len(xs) else float("nan")

    def share(xs):
        return 100 * float(np.mean(xs)) if len(xs) else float("nan")

    def iv(t: Trial) -> tuple[float, ...]:
        return t.intervals[m]

    has_iv = bool(out_t) and not np.isnan(iv(out_t[0])[1])
    has_net_iv = bool(out_t) and not np.isnan(iv(out_t[0])[4])  # the oracle's interval is the gross loss's alone
    nan = float("nan")
    return {
        "windows": len(trials),
        "has_interval": has_iv,
        "gross_error": med([abs(iv(t)[0] - (t.expected_mean - t.actual)) / (t.expected_mean - t.actual) for t in g]),
        "gross_error_removed": med([abs(iv(t)[0] - t.truth) / t.truth for t in out_t if t.truth > 0]),
        "gross_error_removed_oracle": med([abs(t.est[ORACLE] - t.truth) / t.truth for t in out_t if t.truth > 0]),
        "gross_error_removed_seasonal": med([abs(t.est[SEASONAL] - t.truth) / t.truth for t in out_t if t.truth > 0]),
        "false_pos_seasonal": share([t.est[SEASONAL] > 0.1 * t.anchor_expected[SEASONAL] for t in null_t]),
        "gross_error_seasonal": med(
            [abs(t.est[SEASONAL] - (t.expected_mean - t.actual)) / (t.expected_mean - t.actual) for t in g]
        ),
        "gross_cov_outage": share([iv(t)[1] <= t.truth <= iv(t)[2] for t in out_t]),
        "gross_cov_none": share([iv(t)[1] <= 0 <= iv(t)[2] for t in null_t]),
        "gross_width": med([(iv(t)[2] - iv(t)[1]) / t.truth for t in out_t if t.truth > 0]),
        "false_pos": share([iv(t)[1] > 0 for t in null_t]),
        "net_error": med([abs(iv(t)[3] - t.net_truth) / t.net_truth for t in n]),
        "net_error_seasonal": med([abs(t.net_est[SEASONAL] - t.net_truth) / t.net_truth for t in n]),
        "net_cov_outage": share([iv(t)[4] <= t.net_truth <= iv(t)[5] for t in n]) if has_net_iv else nan,
        "net_cov_none": share([iv(t)[4] <= 0 <= iv(t)[5] for t in null_t]) if has_net_iv else nan,
        "net_width": med([(iv(t)[5] - iv(t)[4]) / t.net_truth for t in n]) if has_net_iv else nan,
    }


def summarise_intervals(trials: list[Trial]) -> dict[str, dict[str, float]]:
    """Per method with an interval, on the trials it ran on: gross loss (window) and net loss (window + recovery):
    median abs error (gross against expected - actual, net against removed minus recaptured orders), with the
    seasonal baseline's on the same trials for scale; coverage of the 90% interval (outage: the removed orders
    inside, net of recapture for the net loss; none: 0 inside), median width as % of the truth, false positives
    (interval above zero on a no-outage window). CausalImpact runs on a subsample, so this project gets a second row
    on the same windows."""
    res: dict[str, dict[str, float]] = {}
    for m in (ORACLE, ANALYST, MSTL, IMPACT, NEW_USER, CAUSALIMPACT, CI_GOOGLE):
        sub = [t for t in trials if t.intervals and m in t.intervals]
        if sub:
            res[m] = _interval_stats(sub, m)
        if m in (CAUSALIMPACT, CI_GOOGLE) and sub:
            for other in (ORACLE, ANALYST, IMPACT, NEW_USER):
                if all(other in t.intervals for t in sub):
                    res[other + " (same windows)"] = _interval_stats(sub, other)
    return res


def intervals_markdown(res: dict[str, dict[str, float]], title: str = "") -> str:
    lines = [f"**{title}**", ""] if title else []
    lines += [
        "| method | windows | gross: median abs error (seasonal on the same) | gross: against the removed orders "
        "(oracle) | gross: 90% coverage (outage / none) "
        "| gross: median width | false positives | net: median abs error (seasonal) | net: 90% coverage "
        "(outage / none) | net: median width |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m, r in res.items():
        if r["has_interval"]:
            g_cov = f"{r['gross_cov_outage']:.1f}% / {r['gross_cov_none']:.1f}%"
            g_w, fp = f"{r['gross_width']:.0f}%", f"{r['false_pos']:.1f}%"
            n_cov, n_w = f"{r['net_cov_outage']:.1f}% / {r['net_cov_none']:.1f}%", f"{r['net_width']:.0f}%"
            if np.isnan(r["net_width"]):
                n_cov = n_w = "-"
        else:
            g_cov = g_w = fp = n_cov = n_w = "-"
        net = "-" if np.isnan(r["net_error"]) else f"{r['net_error']:.1f}%"
        lines.append(
            f"| {m} | {r['windows']} | {r['gross_error']:.1f}% ({r['gross_error_seasonal']:.1f}%) | "
            f"{r['gross_error_removed']:.1f}% ({r['gross_error_removed_oracle']:.1f}%) | {g_cov} | {g_w} | {fp} | "
            f"{net} ({r['net_error_seasonal']:.1f}%) | {n_cov} | {n_w} |"
        )
    if IMPACT in res:
        r = res[IMPACT]
        lines.append(
            f"\nThe seasonal baseline on these windows: gross {r['gross_error_seasonal']:.1f}% "
            f"({r['gross_error_removed_seasonal']:.1f}% against the removed orders), net {r['net_error_seasonal']:.1f}%, "
            f"false positives {r['false_pos_seasonal']:.1f}% (a loss over 10% of its expected revenue)."
        )
    return "\n".join(lines)


def summarise(trials: list[Trial]) -> dict[str, dict[str, float]]:
    out_t = [t for t in trials if t.kind == "outage"]
    null_t = [t for t in trials if t.kind == "none"]
    res: dict[str, dict[str, float]] = {}
    extra = [m for m in (ANALYST, NEW_USER) if out_t and all(m in t.est for t in trials)]
    for m in (*METHODS, *extra):
        # The loss as the issue defines it: expected revenue had there been no outage, minus actual.
        exp_err = [
            abs(t.est[m] - (t.expected_mean - t.actual)) / (t.expected_mean - t.actual)
            for t in out_t
            if t.expected_mean - t.actual > 0
        ]
        # The revenue of the orders the outage removed: also carries the randomness of orders that never came.
        real_err = [abs(t.est[m] - t.truth) / t.truth for t in out_t if t.truth > 0]
        row = {
            "median_error_pct": 100 * float(np.median(exp_err)),
            "median_error_realised_pct": 100 * float(np.median(real_err)),
            "n_outage": len(out_t),
            "n_none": len(null_t),
        }
        if m == NEW_USER:
            ivs = [t.intervals[m] for t in out_t]
            row["coverage_outage_pct"] = 100 * float(
                np.mean([v[1] <= t.truth <= v[2] for v, t in zip(ivs, out_t, strict=True)])
            )
            row["coverage_none_pct"] = 100 * float(
                np.mean([t.intervals[m][1] <= 0 <= t.intervals[m][2] for t in null_t])
            )
            row["false_positive_pct"] = 100 * float(np.mean([t.intervals[m][1] > 0 for t in null_t]))
        elif m == "impact.revenue":
            row["coverage_outage_pct"] = 100 * float(np.mean([t.low <= t.truth <= t.high for t in out_t]))
            row["coverage_none_pct"] = 100 * float(np.mean([t.low <= 0 <= t.high for t in null_t]))
            row["false_positive_pct"] = 100 * float(np.mean([t.low > 0 for t in null_t]))
            row["false_positive_point_pct"] = 100 * float(
                np.mean([t.est[m] > 0.1 * (t.est[m] + t.actual) for t in null_t])
            )
        elif m in ("downtime calculator", "seasonal baseline"):
            row["false_positive_pct"] = 100 * float(np.mean([t.est[m] > 0.1 * t.anchor_expected[m] for t in null_t]))
        res[m] = row
    return res


def summarise_net(trials: list[Trial]) -> dict[str, dict[str, float]]:
    """Net loss over window + recovery (24 h) against the removed orders minus those placed again: median error of
    each method with a net figure, and the coverage and median width of this project's net interval."""
    out_t = [t for t in trials if t.kind == "outage" and t.net_est is not None and t.net_truth > 0]
    null_t = [t for t in trials if t.kind == "none" and t.net_est is not None]
    res: dict[str, dict[str, float]] = {}
    for m in ("downtime calculator", "seasonal baseline", ANALYST, "impact.revenue", NEW_USER, NO_RECAPTURE, ORACLE):
        if not out_t or any(m not in t.net_est for t in out_t):
            continue
        err = [abs(t.net_est[m] - t.net_truth) / t.net_truth for t in out_t]
        res[m] = {"median_error_pct": 100 * float(np.median(err)) if err else float("nan"), "n": len(out_t)}
    for m in (IMPACT, NEW_USER):
        if m not in res:
            continue
        r = res[m]
        lo_hi = [(t.intervals[m][4], t.intervals[m][5]) for t in out_t]
        r["coverage_outage_pct"] = 100 * float(
            np.mean([a <= t.net_truth <= b for (a, b), t in zip(lo_hi, out_t, strict=True)])
        )
        r["coverage_none_pct"] = 100 * float(np.mean([t.intervals[m][4] <= 0 <= t.intervals[m][5] for t in null_t]))
        r["median_width_pct"] = 100 * float(
            np.median([(b - a) / t.net_truth for (a, b), t in zip(lo_hi, out_t, strict=True)])
        )
    return res


def _zone_sources():
    """What a seller's files tell of their zone, by the channels they have: Shopify's offsets, eBay's local times,
    or Amazon's UTC times alone."""
    return [
        ("files with offsets (a Shopify export)", lambda t: t.n_channels >= 2),
        ("UTC times only (an Amazon report alone)", lambda t: t.n_channels == 1),
    ]


def acceptance(trials: list[Trial]) -> list[tuple[str, bool]]:
    """The issue's acceptance targets on sellers of 300+ orders a day, for the product as a new user runs it (zone
    not given) when it was run, else with the zone given. Gross errors against the removed orders (the issue's
    truth), net against the removed orders not placed again within 24 h."""
    big = [t for t in trials if t.orders_per_day >= 300]
    res = summarise_intervals(big)
    p = NEW_USER if NEW_USER in res else IMPACT
    r, o, a = res[p], res[ORACLE], res[ANALYST]
    anchors_run = [m for m in (MSTL, CAUSALIMPACT, CI_GOOGLE) if m in res]
    out = [
        (
            f"gross {r['gross_error_removed']:.1f}% <= 1.2x the oracle's {o['gross_error_removed']:.1f}%",
            r["gross_error_removed"] <= 1.2 * o["gross_error_removed"],
        ),
        (
            f"gross <= 0.8x the analyst's ratio's {a['gross_error_removed']:.1f}%",
            r["gross_error_removed"] <= 0.8 * a["gross_error_removed"],
        ),
    ]
    for m in anchors_run:  # each anchor against the product on its own windows (CausalImpact runs on a subsample)
        mine = res.get(p + " (same windows)", r) if m in (CAUSALIMPACT, CI_GOOGLE) else r
        out.append(
            (
                f"gross {mine['gross_error_removed']:.1f}% <= 0.6x {m.split(' (')[0]}'s {res[m]['gross_error_removed']:.1f}%",
                mine["gross_error_removed"] <= 0.6 * res[m]["gross_error_removed"],
            )
        )
    out += [
        (
            f"net {r['net_error']:.1f}% <= half the seasonal baseline's {r['net_error_seasonal']:.1f}%",
            r["net_error"] <= 0.5 * r["net_error_seasonal"],
        ),
        (f"net <= 2x the oracle's {o['net_error']:.1f}%", r["net_error"] <= 2 * o["net_error"]),
        (f"gross 90% coverage {r['gross_cov_outage']:.1f}% in 85-95%", 85 <= r["gross_cov_outage"] <= 95),
        (f"net 90% coverage {r['net_cov_outage']:.1f}% in 85-95%", 85 <= r["net_cov_outage"] <= 95),
        (
            f"median gross width {r['gross_width']:.0f}% <= 40% of the loss (the oracle's floor: {o['gross_width']:.0f}%)",
            r["gross_width"] <= 40,
        ),
        (f"false alarms {r['false_pos']:.1f}% <= 10%", r["false_pos"] <= 10),
    ]
    return out


def net_markdown(res: dict[str, dict[str, float]]) -> str:
    lines = [
        "| method | median abs error, net loss (window + 24 h) | 90% interval coverage (outage / none) | median "
        "interval width |",
        "|---|---:|---:|---:|",
    ]
    for m, r in res.items():
        cov = (
            f"{r['coverage_outage_pct']:.1f}% / {r['coverage_none_pct']:.1f}%"
            if "coverage_outage_pct" in r
            else "no interval"
        )
        width = f"{r['median_width_pct']:.0f}% of the truth" if "median_width_pct" in r else "-"
        lines.append(f"| {m} | {r['median_error_pct']:.1f}% | {cov} | {width} |")
    return "\n".join(lines)


def removed_share(t: Trial) -> float:
    """The share of the window's orders' revenue the outage removed (the depth of the outage)."""
    return t.truth / (t.truth + t.actual) if t.truth + t.actual > 0 else 0.0


BREAKDOWN = (
    ("removed under 40%", lambda t: removed_share(t) < 0.4),
    ("removed 40-70%", lambda t: 0.4 <= removed_share(t) < 0.7),
    ("removed 70-100%", lambda t: removed_share(t) >= 0.7),
    ("2-4 h", lambda t: t.hours < 5),
    ("5-9 h", lambda t: 5 <= t.hours < 10),
    ("10-15 h", lambda t: t.hours >= 10),
)


def breakdown_markdown(trials: list[Trial], method: str) -> str:
    """The outage windows by depth (share of the window's revenue removed) and by duration: the gross error against
    the removed orders, its bias (median signed error), the interval's median width and coverage, each beside the
    oracle's (its 90% interval: the expected loss +- 1.645 floor SDs, the width no method can go below), and the
    median ratio of the method's width to the oracle's window by window."""
    out_t = [t for t in trials if t.kind == "outage" and t.truth > 0]
    lines = [
        "| outage windows | windows | gross error (oracle) | bias (oracle) | median width (oracle's floor) | "
        "width / the floor, median | coverage (oracle) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, keep in (("all", lambda t: True), *BREAKDOWN):
        sub = [t for t in out_t if keep(t)]
        if not sub:
            continue

        def stat(m: str, sub=sub) -> tuple[float, float, float, float]:
            iv = [t.intervals[m] for t in sub]
            err = [(v[0] - t.truth) / t.truth for v, t in zip(iv, sub, strict=True)]
            width = [(v[2] - v[1]) / t.truth for v, t in zip(iv, sub, strict=True)]
            cov = [v[1] <= t.truth <= v[2] for v, t in zip(iv, sub, strict=True)]
            return 100 * np.median(np.abs(err)), 100 * np.median(err), 100 * np.median(width), 100 * np.mean(cov)

        (e, b, w, c), (oe, ob, ow, oc) = stat(method), stat(ORACLE)
        ratio = np.median(
            [(t.intervals[method][2] - t.intervals[method][1]) / (2 * Z90 * t.floor_sd) for t in sub if t.floor_sd > 0]
        )
        lines.append(
            f"| {label} | {len(sub)} | {e:.1f}% ({oe:.1f}%) | {b:+.1f}% ({ob:+.1f}%) | {w:.0f}% ({ow:.0f}%) | "
            f"{ratio:.2f}x | {c:.1f}% ({oc:.1f}%) |"
        )
    return "\n".join(lines)


def level_error(trials: list[Trial], method: str) -> float:
    """Median of |the method's expected revenue of the window - the generator's| / the generator's, % (outage and
    no-outage windows): how well the day's demand was read, without the window's own noise."""
    got = [
        abs(t.intervals[method][0] + t.actual - t.expected_mean) / t.expected_mean
        for t in trials
        if t.expected_mean > 0
    ]
    return 100 * float(np.median(got)) if got else float("nan")


def by_size(trials: list[Trial]) -> list[tuple[str, dict[str, float]]]:
    rows = []
    for lo, hi in ((20, 100), (100, 500), (500, 5001)):
        sub = [t for t in trials if lo <= t.orders_per_day < hi]
        if sub:
            rows.append((f"{lo}-{min(hi, 5000)} orders/day", summarise(sub)))
    return rows


def markdown(res: dict[str, dict[str, float]], title: str = "") -> str:
    def pct(v):
        return "-" if v is None else f"{v:.1f}%"

    lines = [f"**{title}**", ""] if title else []
    lines += [
        "| method | median abs error, lost (expected - actual) | median abs error, removed orders "
        "| 90% interval coverage (outage / no outage) | false positives (no outage) |",
        "|---|---:|---:|---:|---:|",
    ]
    for m, r in res.items():
        cov = (
            f"{r['coverage_outage_pct']:.1f}% / {r['coverage_none_pct']:.1f}%"
            if "coverage_outage_pct" in r
            else "no interval"
        )
        fp = pct(r.get("false_positive_pct")) if m not in (ORACLE, ANALYST) else "-"
        if "false_positive_point_pct" in r:
            fp += f" (point rule: {r['false_positive_point_pct']:.1f}%)"
        lines.append(f"| {m} | {pct(r['median_error_pct'])} | {pct(r['median_error_realised_pct'])} | {cov} | {fp} |")
    return "\n".join(lines)


def timing(orders_per_day: float, seed: int, repeats: int = 5, tz: str = "America/New_York") -> dict[str, float]:
    """Seconds for one full analysis (DuckDB aggregation + estimate + breakdowns) on a year of hourly history, in a
    zone whose clock changes twice in it."""
    from impact.analysis import analyze
    from impact.store import session_db
    from impact.windows import Window

    rng = np.random.default_rng(seed)
    seller = make_seller(rng, orders_per_day, n_channels=2, n_days=365, tz=tz)
    outage = random_outage(rng, seller, 340, fraction=0.8)
    lines = simulate(rng, seller, [outage]).lines()
    con = session_db()
    con.register("synthetic_lines", lines)
    con.execute("INSERT INTO lines SELECT * FROM synthetic_lines")
    window = [Window(outage.start, outage.end, (outage.channel,))]
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        analyze(con, window, resolve_options(tz=tz))
        runs.append(time.perf_counter() - t0)
    con.close()
    return {"lines": len(lines), "median_s": float(np.median(runs)), "max_s": float(np.max(runs))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="60 sellers instead of 500")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sellers", type=int, default=None, help="number of synthetic sellers (2 trials each)")
    ap.add_argument(
        "--orders",
        type=float,
        nargs=2,
        default=(20, 5000),
        metavar=("MIN", "MAX"),
        help="range of orders a day of the synthetic sellers (log-uniform; default 20 5000)",
    )
    ap.add_argument(
        "--zones",
        default=",".join(ZONES),
        help="the sellers' time zones, drawn at random per seller (default: UTC, America/New_York and Europe/Berlin: "
        "the histories cross the March clock changes; 'UTC' alone gives the sellers before issue 18)",
    )
    ap.add_argument(
        "--mstl",
        choices=("auto", "on", "off"),
        default="auto",
        help="statsforecast MSTL on every trial: 'auto' (default) when statsforecast is installed (requirements-bench"
        ".txt, a separate venv), 'on' stops with a message when it is not",
    )
    ap.add_argument(
        "--causalimpact",
        type=int,
        default=0,
        metavar="N",
        help="Google's CausalImpact (tfcausalimpact, requirements-bench.txt) on N windows, a seeded subsample of the "
        "windows of sellers with a second channel (about a minute per window; 30 or more for the issue's comparison)",
    )
    ap.add_argument(
        "--ci-engine",
        choices=("tfcausalimpact", "google"),
        default="tfcausalimpact",
        help="--causalimpact's engine: 'tfcausalimpact' (default; HMC, requirements-bench.txt, .venv-bench) or "
        "'google': Google's tfp-causalimpact (Gibbs, under a minute a window; requirements-bench-ci.txt, .venv-ci)",
    )
    ap.add_argument(
        "--ci-min-orders",
        type=float,
        default=300,
        metavar="N",
        help="CausalImpact's windows come from sellers with at least N orders a day (default 300: the acceptance's "
        "sellers)",
    )
    ap.add_argument(
        "--recapture-timing",
        choices=("soon", "spread"),
        default="soon",
        help="when the lost orders that come back do: 'soon' (default: exponential delay, mean 4 h) or 'spread' "
        "(uniformly over the 24 h after the window)",
    )
    ap.add_argument(
        "--recovery-until-normal",
        action="store_true",
        help="estimate with the recovery period ending once sales are back to normal (3 h), as "
        "--recovery-until-normal does; the net loss's truth is then the recapture within the period used",
    )
    ap.add_argument(
        "--clean",
        action="store_true",
        help="simpler sellers, like the issue's own test cases: two channels, no holidays, promotions or unannounced "
        "outages in the history",
    )
    ap.add_argument(
        "--start",
        type=datetime.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day the sellers' 150-day histories begin (default 2025-01-06: they cross the March clock change; "
        "2024-07-15 puts the outages in November and December, after the autumn one)",
    )
    ap.add_argument(
        "--anchor-cache",
        metavar="FILE",
        help="keep the anchors' results (MSTL, CausalImpact) in this JSON file, keyed by their exact inputs, and reuse "
        "them: a re-run after a change to this project's estimator does not wait for CausalImpact again",
    )
    ap.add_argument(
        "--timing",
        action="store_true",
        help="only time one full analysis on a year of hourly history (500 and 5,000 orders a day)",
    )
    ap.add_argument(
        "--families",
        default="A",
        help="the generator families the sellers are drawn from, comma-separated (bench.synth.FAMILIES: A lunch and "
        "evening peaks; B one evening peak, a strong week and volatile days; C buyers around the clock, steady days; "
        "default A, the sellers before issue 29)",
    )
    ap.add_argument(
        "--shapes",
        default="",
        help="the return shapes drawn for each outage, comma-separated: quick (most returning buyers within 1-8 h), "
        "spread (over the day after), none; 10-50%% of the lost orders come back (default: as --recapture-timing, "
        "0-50%%)",
    )
    ap.add_argument(
        "--new-user",
        action="store_true",
        help="also run the product as a new user does: each seller's export files (Amazon in UTC, Shopify with its "
        "offsets, eBay in local time) through the CLI's own steps with no --tz; the acceptance targets are then "
        "checked on it (an import per seller: slower)",
    )
    ap.add_argument(
        "--browser-zone",
        action="store_true",
        help="with --new-user: the files are uploaded in the app from a browser in the seller's own zone, which the "
        "app passes to the zone inference, as the CLI passes its computer's (without it: a computer on UTC, a "
        "server's)",
    )
    args = ap.parse_args(argv)
    if args.timing:
        print("| orders/day | order lines in a year | one analysis (median of 5) | slowest |\n|---:|---:|---:|---:|")
        for opd in (500, 5000):
            t = timing(opd, args.seed)
            print(f"| {opd:,} | {t['lines']:,} | {1000 * t['median_s']:.0f} ms | {1000 * t['max_s']:.0f} ms |")
        return 0
    n = args.sellers or (60 if args.quick else 500)
    use_mstl = args.mstl == "on" or (args.mstl == "auto" and bench_anchors.available("statsforecast"))
    # With a cache the anchors may have run in their own venv (.venv-bench) and this run, in the app's (for
    # --new-user), reads their answers: a window missing from the cache stops with the same message.
    if args.mstl == "on" and not args.anchor_cache:
        bench_anchors.need("statsforecast.models", "statsforecast MSTL")
    if args.causalimpact and not args.anchor_cache:
        google = args.ci_engine == "google"
        bench_anchors.need("causalimpact", "CausalImpact", bench_anchors.SETUP_CI if google else bench_anchors.SETUP)
    t0 = time.perf_counter()
    trials = run_trials(
        n,
        args.seed,
        orders=tuple(args.orders),
        zones=tuple(args.zones.split(",")),
        mstl=use_mstl,
        causalimpact=args.causalimpact,
        ci_min_orders=args.ci_min_orders,
        cache=bench_anchors.Cache(args.anchor_cache),
        recapture_timing=args.recapture_timing,
        until_normal=3 if args.recovery_until_normal else 0,
        clean=args.clean,
        start=args.start,
        families=tuple(args.families.split(",")),
        shapes=tuple(x for x in args.shapes.split(",") if x),
        new_user=args.new_user,
        ci_engine=args.ci_engine,
        browser_zone=args.browser_zone,
    )
    wall = time.perf_counter() - t0
    res = summarise(trials)
    secs = np.array([t.seconds for t in trials])
    print(
        f"## Lost-revenue accuracy: {n} synthetic sellers ({args.orders[0]:g}-{args.orders[1]:g} orders a day), "
        f"{len(trials)} windows, seed {args.seed}, zones {args.zones}, families {args.families}, return shapes "
        f"{args.shapes or args.recapture_timing}\n"
    )
    print(markdown(res))
    print()
    print(net_markdown(summarise_net(trials)))
    print()
    for label, r in by_size(trials):
        print(markdown(r, label))
        print()
    print("### With the anchors: gross loss (window) and net loss (window + recovery), 90% intervals\n")
    if not use_mstl:
        print(f"(statsforecast MSTL not run: {bench_anchors.SETUP})\n")
    print(intervals_markdown(summarise_intervals(trials), "all sellers"))
    print()
    for label, keep in (("300+ orders/day", lambda t: t.orders_per_day >= 300), ("under 100 orders/day", None)):
        sub = [t for t in trials if (keep(t) if keep else t.orders_per_day < 100)]
        if sub and len(sub) < len(trials):  # the same windows as "all sellers" need no second table
            print(intervals_markdown(summarise_intervals(sub), label))
            print()
    out = res["impact.revenue"]
    seas = res["seasonal baseline"]["median_error_pct"]
    ratio = out["median_error_pct"] / seas if seas else float("inf")
    targets = [
        (
            f"median error <= half the seasonal baseline's ({out['median_error_pct']:.1f}% vs {seas:.1f}%, "
            f"ratio {ratio:.2f})",
            ratio <= 0.5,
        ),
        (
            f"coverage 85-95% on outage windows ({out['coverage_outage_pct']:.1f}%)",
            85 <= out["coverage_outage_pct"] <= 95,
        ),
        (
            f"coverage 85-95% on no-outage windows ({out['coverage_none_pct']:.1f}%)",
            85 <= out["coverage_none_pct"] <= 95,
        ),
        (f"false positives <= 10% ({out['false_positive_pct']:.1f}%)", out["false_positive_pct"] <= 10),
    ]
    print("Targets: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in targets))
    big = [t for t in trials if t.orders_per_day >= 300]
    if big:
        shapes = sorted({t.shape for t in big if t.kind == "outage"})
        for shape in shapes if len(shapes) > 1 else []:
            sub = [t for t in big if t.kind == "none" or t.shape == shape]
            print()
            print(intervals_markdown(summarise_intervals(sub), f"300+ orders/day, returns '{shape}'"))
        if any(t.zone_used for t in big):
            for label, keep in _zone_sources():
                sub = [t for t in big if keep(t)]
                if sub and len(sub) < len(big):
                    print()
                    print(intervals_markdown(summarise_intervals(sub), f"300+ orders/day, {label}"))
            right = np.mean([t.zone_used == t.tz for t in big if t.kind == "outage"])
            print(f"\nZone the product settled on with none given: the seller's own on {100 * right:.0f}% of them.")
        who = "as a new user runs it (zone not given)" if any(t.zone_used for t in big) else "with the zone given"
        if args.browser_zone:
            who = "as a new user runs it in the app (zone not given; the browser in the seller's zone)"
        product = NEW_USER if any(t.zone_used for t in big) else IMPACT
        print(f"\n**300+ orders/day, this product {who}, by depth and duration of the outage:**\n")
        print(breakdown_markdown(big, product))
        print(
            f"\nThe window's expected revenue against the generator's, median off by: this product "
            f"{level_error(big, product):.1f}%, the analyst's ratio {level_error(big, ANALYST):.1f}% (all windows)."
        )
        print(f"\n**Acceptance (issue 29), sellers of 300+ orders a day, this product {who}:**\n")
        for name, ok in acceptance(trials):
            print(f"- {name}: {'met' if ok else 'NOT met'}")
    print(
        f"\nEstimator time per window: median {1000 * np.median(secs):.0f} ms, max {1000 * secs.max():.0f} ms "
        f"(150 days of hourly history, 1-3 channels); whole run {wall:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
