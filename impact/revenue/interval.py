"""Calibration: the interval for lost revenue and p_effect from the placebos' leave-one-out errors (conformal on
studentised errors), and the per-bin bands of the hourly series."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .fit import ChannelFit
from .history import REV

MIN_PLACEBOS_CONFORMAL = 19  # a finite two-sided 90% conformal interval needs n >= 19


@dataclass
class Interval:
    low: float
    high: float
    p_effect: float | None
    method: str  # 'placebo' (conformal) or 'approximate'


def combined_half_width(blocks, upper: str, lower: str) -> float:
    """The half-widths `block[upper] - block[lower]` of several windows' intervals combined as independent errors
    (in quadrature): windows on different days have nearly independent errors. For totals over windows."""
    return math.sqrt(sum((b[upper] - b[lower]) ** 2 for b in blocks))


def noise_scale(pred: np.ndarray, q: float, c: float, floor: float) -> np.ndarray:
    """Noise SD of a total with mean `pred`: Var = q x mean + c x mean^2, the SD never below `floor`."""
    return np.sqrt(np.maximum(q * np.maximum(pred, 0) + c * pred**2, floor**2))


def overdispersion(pred: np.ndarray, err: np.ndarray, q: float) -> float:
    """Extra-Poisson relative variance c in Var = q x mean + c x mean^2, by moments on placebo errors."""
    p2 = pred**2
    den = float((p2 * p2).sum())
    if den <= 0:
        return 0.0
    return max(0.0, float(((err**2 - q * np.maximum(pred, 0)) * p2).sum()) / den)


def _conformal(scores: np.ndarray, alpha: float) -> tuple[float, float] | None:
    n = len(scores)
    lo_k = math.floor((n + 1) * alpha / 2)
    hi_k = math.ceil((n + 1) * (1 - alpha / 2))
    if lo_k < 1 or hi_k > n:
        return None
    srt = np.sort(scores)
    return float(srt[lo_k - 1]), float(srt[hi_k - 1])


def calibrate(
    pred: float,
    actual: float,
    placebo_pred: np.ndarray,
    placebo_actual: np.ndarray,
    q: float,
    floor: float,
    confidence: float,
) -> Interval:
    """Interval for lost = counterfactual - actual, and p_effect, from placebo errors.

    Placebo error = actual - prediction where nothing happened; studentised by sqrt(q x pred + c x pred^2) so that
    placebos on busier and quieter days pool. A conformal interval needs 19 placebos for 90%; with fewer, a normal
    interval on the robust spread of what there is (or on the Poisson scale alone) is given and marked approximate.
    """
    alpha = 1 - confidence
    lost = pred - actual
    n = len(placebo_pred)
    if n == 0:
        sc = float(noise_scale(np.array([pred]), q, 0.04, floor)[0])
        zq = _normal_quantile(1 - alpha / 2) * 2.0  # no placebo at all: deliberately wide
        return Interval(max(lost - zq * sc, -actual), lost + zq * sc, None, "approximate")
    err = placebo_actual - placebo_pred
    c = overdispersion(placebo_pred, err, q)
    sc_k = noise_scale(placebo_pred, q, c, floor)
    scores = err / sc_k
    sc0 = float(noise_scale(np.array([pred]), q, c, floor)[0])
    bounds = _conformal(scores, alpha) if n >= MIN_PLACEBOS_CONFORMAL else None
    # p_effect: how many placebos show a loss at least as large as the observed one (one-sided, conformal rank).
    obs = lost / sc0
    p_value = (1 + int((-scores >= obs).sum())) / (n + 1)
    if bounds is None:
        spread = max(1.4826 * float(np.median(np.abs(scores - np.median(scores)))), float(np.std(scores)), 1.0)
        t = _normal_quantile(1 - alpha / 2) * (1 + 2.5 / max(n, 1))  # small-sample widening
        band = t * spread * sc0
        return _physical(pred, actual, pred - band, pred + band, placebo_actual, 1 - p_value, "approximate")
    lo, hi = bounds
    # counterfactual in [pred + lo*sc, pred + hi*sc]  =>  lost in [lost + lo*sc, lost + hi*sc]
    cf_lo, cf_hi = pred + lo * sc0, pred + hi * sc0
    # Sparse sellers: counts are discrete and often zero, which the studentised scores smooth over (a window with no
    # orders at all can look impossible). Placebo actual/predicted ratios keep that mass; the interval is the wider
    # of the two. The prediction carries one order's worth more (2 x floor) on both sides of the ratio: a placebo
    # predicted at almost nothing that sold an order must not turn into a ratio of billions (an interval up to $1.2
    # trillion on a store of a few orders a day), and a placebo without an order keeps its ratio of 0.
    kappa = 2 * floor
    ratios = _conformal(placebo_actual / (np.maximum(placebo_pred, 0) + kappa), alpha)
    if ratios is not None:
        base = max(pred, 0) + kappa
        cf_lo, cf_hi = min(cf_lo, base * ratios[0]), max(cf_hi, base * ratios[1])
    return _physical(pred, actual, cf_lo, cf_hi, placebo_actual, 1 - p_value, "placebo")


def _physical(
    pred: float, actual: float, cf_lo: float, cf_hi: float, placebo_actual: np.ndarray, p: float | None, method: str
) -> Interval:
    """The loss interval from a counterfactual band, made physically possible: the counterfactual is never below
    nothing (so the loss is never below minus what was sold) nor above what the channel could have sold (the
    expected revenue plus the most it sold in any placebo copy of the window); the estimate is always inside its
    own interval (placebo errors of a sparse seller are skewed, most windows empty, a few with an order, so the
    band can miss the expected value itself)."""
    cap = max(pred, 0.0) + max(float(placebo_actual.max()) if len(placebo_actual) else 0.0, 0.0)
    cf_lo = min(max(cf_lo, 0.0), cap)
    cf_hi = max(min(cf_hi, cap), cf_lo)
    lost = pred - actual
    return Interval(min(cf_lo - actual, lost), max(cf_hi - actual, lost), p, method)


def _normal_quantile(p: float) -> float:
    """Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9)."""
    a = [
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    ]
    b = [
        -5.447609879822406e01,
        1.615858368580409e02,
        -1.556989798598866e02,
        6.680131188771972e01,
        -1.328068155288572e01,
    ]
    c = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549732539343734e00,
        4.374664141464968e00,
        2.938163982698783e00,
    ]
    d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00]
    if p < 0.02425:
        qq = math.sqrt(-2 * math.log(p))
        return (((((c[0] * qq + c[1]) * qq + c[2]) * qq + c[3]) * qq + c[4]) * qq + c[5]) / (
            (((d[0] * qq + d[1]) * qq + d[2]) * qq + d[3]) * qq + 1
        )
    if p > 1 - 0.02425:
        return -_normal_quantile(1 - p)
    qq = p - 0.5
    r = qq * qq
    return (
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * qq
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    )


def hourly_bands(fit: ChannelFit, confidence: float, recovery_only: bool = False) -> tuple[float, float, float]:
    """(c, lower, upper) studentised per-bin quantiles for the revenue counterfactual, pooled over placebo bins (of
    the window and the recovery period, or of the recovery period alone)."""
    preds, errs = [], []
    for reg in (fit.recovery[REV],) if recovery_only else (fit.window[REV], fit.recovery[REV]):
        if reg.bin_placebo_pred.size:
            preds.append(reg.bin_placebo_pred.ravel())
            errs.append((reg.bin_placebo_actual - reg.bin_placebo_pred).ravel())
    q, floor = float(fit.q[REV]), float(fit.unit[REV]) * 0.5
    alpha = 1 - confidence
    if not preds:
        z = _normal_quantile(1 - alpha / 2) * 2
        return 0.04, -z, z
    pred, err = np.concatenate(preds), np.concatenate(errs)
    c = overdispersion(pred, err, q)
    sc = noise_scale(pred, q, c, floor)
    lo, hi = np.quantile(err / sc, [alpha / 2, 1 - alpha / 2])
    return c, float(lo), float(hi)
