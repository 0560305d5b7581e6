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
  the randomness of the orders themselves

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
from bench.synth import make_seller, random_outage, simulate
from impact.options import resolve_options
from impact.revenue import REV, History, estimate_event

METHODS = ("downtime calculator", "seasonal baseline", "impact.revenue", "oracle (knows true demand)")
SEASONAL, IMPACT, ORACLE = METHODS[1], METHODS[2], METHODS[3]
NO_RECAPTURE = "impact.revenue's gross loss as the net loss (recapture left out)"
MSTL = "statsforecast MSTL (24 h and 168 h seasons)"
CAUSALIMPACT = "CausalImpact (unaffected channels as control)"


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
) -> list[Trial]:
    """`mstl`: run statsforecast's MSTL on every trial; `causalimpact`: run CausalImpact on that many windows, drawn
    with their own seeded stream among the windows (outage and none) of sellers with a second channel and at least
    `ci_min_orders` orders a day."""
    cache = cache or bench_anchors.Cache(None)
    rng = np.random.default_rng(seed)
    zrng = np.random.default_rng(seed + 10_000)  # the zones have their own stream: the sellers' draws stay the same
    pending: list[tuple] = []  # CausalImpact candidates: (trial index, series, control, h0, n_win, n_both, act, both)
    trials: list[Trial] = []
    for i in range(n_sellers):
        opd = float(np.exp(rng.uniform(np.log(orders[0]), np.log(orders[1]))))
        tz = zones[int(zrng.integers(len(zones)))]
        kw = {"start": start} if start is not None else {}
        if clean:
            kw |= {"n_channels": 2, "hidden_outages": 0, "special": False}
        seller = make_seller(rng, opd, n_days=n_days, tz=tz, **kw)
        out_day = int(rng.integers(n_days - 35, n_days - 10))
        null_day = out_day + int(rng.choice([-1, 1])) * int(rng.integers(3, 9))
        outage = random_outage(rng, seller, out_day)
        outage.recapture_timing = recapture_timing
        null = random_outage(rng, seller, null_day, fraction=0.0)
        sim = simulate(rng, seller, [outage, null])
        hist = sim.history()
        for kind, o, tr in (("outage", outage, sim.truth[0]), ("none", null, sim.truth[1])):
            t0 = time.perf_counter()
            est = estimate_event(
                hist,
                o.start,
                o.end,
                (o.channel,),
                recovery_hours=24,
                confidence=0.9,
                recovery_until_normal=until_normal,
            )
            secs = time.perf_counter() - t0
            actual = float(est.actual[REV])
            anc = anchors(hist, o.channel, o.start, o.end)
            lost = {m: anc[m] - actual for m in anc}
            lost["impact.revenue"] = float(est.expected[REV]) - actual
            lost["oracle (knows true demand)"] = tr.expected_mean - actual
            both = float(est.actual[REV] + est.recovery_actual[REV])
            anc_net = anchors(hist, o.channel, o.start, est.recovery_end)
            net = {m: anc_net[m] - both for m in anc_net}
            net["impact.revenue"] = lost["impact.revenue"] - float(est.recaptured_point()[REV])
            if not until_normal:  # the oracle knows the expected revenue of the 24 h after, not of a shorter period
                net[ORACLE] = tr.expected_mean + tr.recovery_mean - both
            # Whether measuring recapture helps at all: the gross loss taken as the net loss.
            net[NO_RECAPTURE] = lost["impact.revenue"]
            ivs = {
                "impact.revenue": (
                    lost["impact.revenue"],
                    est.lost.low,
                    est.lost.high,
                    net["impact.revenue"],
                    est.net.low if est.net is not None else float("nan"),
                    est.net.high if est.net is not None else float("nan"),
                )
            }
            flat, hrs = _window_bins(hist, o.channel, o.start, o.end)
            h0, n_win = int(hrs[0]), len(hrs)
            n_both = max(int(np.ceil(hist.hour_of(est.recovery_end))) - h0, n_win)
            if mstl:
                a = cache.get("mstl", bench_anchors.mstl, flat[: h0 + n_both], h0=h0, n_window=n_win, n_both=n_both)
                ivs[MSTL] = _anchor_iv(a, actual, both)
            others = [c for c in seller.channels if c != o.channel]
            if causalimpact and others and opd >= ci_min_orders:
                control = sum(hist.channels[c].values[REV].reshape(-1) for c in others)
                pending.append((len(trials), flat, control, h0, n_win, n_both, actual, both))
            trials.append(
                Trial(
                    kind,
                    opd,
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
                    est.net.low if est.net is not None else float("nan"),
                    est.net.high if est.net is not None else float("nan"),
                    ivs,
                    i,
                )
            )
        if progress and (i + 1) % 25 == 0:
            print(f"  {i + 1}/{n_sellers} sellers", file=sys.stderr)
    if causalimpact:
        pick = np.random.default_rng(seed + 20_000).permutation(len(pending))[:causalimpact]
        for done, j in enumerate(sorted(pick.tolist()), 1):
            k, flat, control, h0, n_win, n_both, actual, both = pending[j]
            t1 = time.perf_counter()
            a = cache.get(
                "causalimpact", bench_anchors.causal_impact, flat, control, h0=h0, n_window=n_win, n_both=n_both
            )
            trials[k].intervals[CAUSALIMPACT] = _anchor_iv(a, actual, both)
            if progress:
                print(f"  CausalImpact {done}/{len(pick)}: {time.perf_counter() - t1:.0f} s", file=sys.stderr)
    return trials


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

    return {
        "windows": len(trials),
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
        "net_cov_outage": share([iv(t)[4] <= t.net_truth <= iv(t)[5] for t in n]),
        "net_cov_none": share([iv(t)[4] <= 0 <= iv(t)[5] for t in null_t]),
        "net_width": med([(iv(t)[5] - iv(t)[4]) / t.net_truth for t in n]),
    }


def summarise_intervals(trials: list[Trial]) -> dict[str, dict[str, float]]:
    """Per method with an interval, on the trials it ran on: gross loss (window) and net loss (window + recovery):
    median abs error (gross against expected - actual, net against removed minus recaptured orders), with the
    seasonal baseline's on the same trials for scale; coverage of the 90% interval (outage: the removed orders
    inside, net of recapture for the net loss; none: 0 inside), median width as % of the truth, false positives
    (interval above zero on a no-outage window). CausalImpact runs on a subsample, so this project gets a second row
    on the same windows."""
    res: dict[str, dict[str, float]] = {}
    for m in (IMPACT, MSTL, CAUSALIMPACT):
        sub = [t for t in trials if t.intervals and m in t.intervals]
        if sub:
            res[m] = _interval_stats(sub, m)
        if m == CAUSALIMPACT and sub:
            res[IMPACT + " (same windows)"] = _interval_stats(sub, IMPACT)
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
        lines.append(
            f"| {m} | {r['windows']} | {r['gross_error']:.1f}% ({r['gross_error_seasonal']:.1f}%) | "
            f"{r['gross_error_removed']:.1f}% ({r['gross_error_removed_oracle']:.1f}%) | "
            f"{r['gross_cov_outage']:.1f}% / {r['gross_cov_none']:.1f}% | {r['gross_width']:.0f}% | "
            f"{r['false_pos']:.1f}% | {r['net_error']:.1f}% ({r['net_error_seasonal']:.1f}%) | "
            f"{r['net_cov_outage']:.1f}% / {r['net_cov_none']:.1f}% | {r['net_width']:.0f}% |"
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
    for m in METHODS:
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
        if m == "impact.revenue":
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
    for m in ("downtime calculator", "seasonal baseline", "impact.revenue", NO_RECAPTURE, ORACLE):
        if any(m not in t.net_est for t in out_t):
            continue
        err = [abs(t.net_est[m] - t.net_truth) / t.net_truth for t in out_t]
        res[m] = {"median_error_pct": 100 * float(np.median(err)) if err else float("nan"), "n": len(out_t)}
    r = res["impact.revenue"]
    r["coverage_outage_pct"] = 100 * float(np.mean([t.net_low <= t.net_truth <= t.net_high for t in out_t]))
    r["coverage_none_pct"] = 100 * float(np.mean([t.net_low <= 0 <= t.net_high for t in null_t]))
    r["median_width_pct"] = 100 * float(np.median([(t.net_high - t.net_low) / t.net_truth for t in out_t]))
    return res


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
    for m in METHODS:
        r = res[m]
        cov = (
            f"{r['coverage_outage_pct']:.1f}% / {r['coverage_none_pct']:.1f}%"
            if "coverage_outage_pct" in r
            else "no interval"
        )
        fp = pct(r.get("false_positive_pct")) if m != METHODS[-1] else "-"
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
    args = ap.parse_args(argv)
    if args.timing:
        print("| orders/day | order lines in a year | one analysis (median of 5) | slowest |\n|---:|---:|---:|---:|")
        for opd in (500, 5000):
            t = timing(opd, args.seed)
            print(f"| {opd:,} | {t['lines']:,} | {1000 * t['median_s']:.0f} ms | {1000 * t['max_s']:.0f} ms |")
        return 0
    n = args.sellers or (60 if args.quick else 500)
    use_mstl = args.mstl == "on" or (args.mstl == "auto" and bench_anchors.available("statsforecast"))
    if args.mstl == "on":
        bench_anchors.need("statsforecast.models", "statsforecast MSTL")
    if args.causalimpact:
        bench_anchors.need("causalimpact", "CausalImpact")
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
    )
    wall = time.perf_counter() - t0
    res = summarise(trials)
    secs = np.array([t.seconds for t in trials])
    print(
        f"## Lost-revenue accuracy: {n} synthetic sellers ({args.orders[0]:g}-{args.orders[1]:g} orders a day), "
        f"{len(trials)} windows, seed {args.seed}, zones {args.zones}\n"
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
    print(intervals_markdown(summarise_intervals([t for t in trials if t.orders_per_day >= 300]), "300+ orders/day"))
    print()
    print(
        intervals_markdown(summarise_intervals([t for t in trials if t.orders_per_day < 100]), "under 100 orders/day")
    )
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
    print(
        f"\nEstimator time per window: median {1000 * np.median(secs):.0f} ms, max {1000 * secs.max():.0f} ms "
        f"(150 days of hourly history, 1-3 channels); whole run {wall:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
