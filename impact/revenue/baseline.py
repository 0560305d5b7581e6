"""The baseline E0 per bin: recent daily level x day-of-week factor x share of the day in that hour, from the weeks
before the day in question, on clean days only (other outages, holidays and promotions left out)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .history import ORD, REV, ChannelSeries, History

LOOKBACK_DAYS = 84  # day-of-week factors and the hour shapes
LEVEL_DAYS = 28  # the recent level and the pooled hour shape
MIN_HISTORY_DAYS = 7  # below this there is no baseline at all
THIN_HISTORY_DAYS = 28
ANOMALY_Z = 3.5
SHAPE_PRIORS = (400.0, 1200.0, 5000.0)  # orders' worth: hour smoothing, weekday/weekend, single weekday


def anomalous_days(series: ChannelSeries, excluded: np.ndarray) -> np.ndarray:
    """Days whose revenue is far from the same weekday of the neighbouring four weeks (robust z > 3.5).

    Catches holidays, promotions, data gaps and other outages so they stay out of the baseline. `excluded` days
    (known windows) are neither judged nor used as references.
    """
    tot = series.values[REV].sum(axis=1)
    n = len(tot)
    offs = np.array([-28, -21, -14, -7, 7, 14, 21, 28])
    idx = np.arange(n)[:, None] + offs[None, :]
    present = np.zeros(n, bool)
    present[max(series.first_day, 0) : series.last_day + 1] = True
    ok = (idx >= 0) & (idx < n)
    ci = np.clip(idx, 0, n - 1)
    ok &= present[ci] & ~excluded[ci]
    ref = np.where(ok, tot[ci], np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(ref, axis=1)
        kappa = 3 * series.unit[REV]
        lr = np.log((tot + kappa) / (med + kappa))
        judged = present & ~excluded & np.isfinite(lr)
        centre = np.nanmedian(lr[judged]) if judged.any() else 0.0
        mad = 1.4826 * np.nanmedian(np.abs(lr[judged] - centre)) if judged.any() else 0.0
    z = (lr - centre) / max(mad, 0.03)
    flagged = ~np.isfinite(z) | (np.abs(z) > ANOMALY_Z)
    return flagged & present


@dataclass
class BaselineParams:
    """Baseline parameters per metric at each anchor day: arrays lead with (3 metrics, K anchors)."""

    level: np.ndarray  # (3, K) expected day total on an average weekday
    dowf: np.ndarray  # (3, K, 7)
    share: np.ndarray  # (3, K, 7, slots) share of the day in each bin, per weekday
    week_ratio: np.ndarray  # (3, K) last 7 clean days: actual / baseline
    clean_days: np.ndarray  # (K,) clean days in the lookback


def baseline_params(series: ChannelSeries, clean: np.ndarray, anchors: np.ndarray, dow0: int) -> BaselineParams:
    """Baseline parameters from the LOOKBACK_DAYS before each anchor day (clean days only)."""
    vals = series.values  # (3, D, S)
    n_days, slots = vals.shape[1], vals.shape[2]
    tot = vals.sum(axis=2)  # (3, D)
    back = anchors[:, None] - np.arange(1, LOOKBACK_DAYS + 1)[None, :]  # (K, L), most recent first
    bi = np.clip(back, 0, n_days - 1)
    ok = (back >= 0) & clean[bi]
    okf = ok.astype(float)
    T = tot[:, bi] * okf  # (3, K, L)
    g = (dow0 + bi) % 7
    onehot = (g[..., None] == np.arange(7)).astype(float) * okf[..., None]  # (K, L, 7)
    cnt_g = onehot.sum(axis=1)  # (K, 7)
    n_ok = okf.sum(axis=1)
    mean_t = T.sum(axis=2) / np.maximum(n_ok, 1)  # (3, K)
    sum_g = np.einsum("mkl,klg->mkg", T, onehot)
    raw = np.where(cnt_g > 0, sum_g / np.maximum(cnt_g, 1), mean_t[..., None]) / np.maximum(mean_t[..., None], 1e-9)
    # Empirical-Bayes shrinkage of weekday factors: a weekday seen on few noisy days stays near 1.
    rel_var = series.q[:, None] / np.maximum(mean_t, 1e-9) + 0.02  # (3, K) variance of one day's ratio
    tau2 = 0.02
    wgt = tau2 / (tau2 + rel_var[..., None] / np.maximum(cnt_g, 1e-9))
    dowf = 1 + (raw - 1) * np.where(cnt_g > 0, wgt, 0.0)
    dowf = dowf / np.maximum(dowf.mean(axis=2, keepdims=True), 1e-9)
    # Level: mean weekday-adjusted total over the last LEVEL_DAYS clean days (all the lookback if none).
    recent = okf.copy()
    recent[:, LEVEL_DAYS:] = 0
    recent = np.where(recent.sum(axis=1, keepdims=True) > 0, recent, okf)
    dg = np.take_along_axis(dowf, np.broadcast_to(g, (3,) + g.shape), axis=2)  # (3, K, L)
    adj = T / np.maximum(dg, 1e-9)
    level = (adj * recent).sum(axis=2) / np.maximum(recent.sum(axis=1), 1)
    # Last-week ratio: the recent drift against the 4-week level.
    wk = okf.copy()
    wk[:, 7:] = 0
    wk_exp = (level[..., None] * dg * wk).sum(axis=2)
    kappa = 2 * series.unit[:, None]
    week_ratio = ((T * wk).sum(axis=2) + kappa) / (wk_exp + kappa)
    if slots == 1:
        share = np.ones((3, len(anchors), 7, 1))
    else:
        # Hour shape, pooled then refined: all days -> weekdays or weekend -> the weekday itself. Each level
        # leans on the one above in proportion to how few orders it has (constants in orders' worth: a per-hour
        # share from N orders has relative variance ~24/N; real differences between levels are ~15% and ~7%).
        V = vals[:, bi, :] * okf[None, :, :, None]  # (3, K, L, S)
        n_day = tot[ORD][bi] * okf  # (K, L) orders per lookback day
        tot_all = T.sum(axis=2)
        s_all = V.sum(axis=2) / np.maximum(tot_all, 1e-9)[..., None]  # (3, K, S)
        n_all = n_day.sum(axis=1)[None, :, None]
        smooth = 0.25 * np.roll(s_all, 1, axis=2) + 0.5 * s_all + 0.25 * np.roll(s_all, -1, axis=2)
        s_all = (n_all * s_all + SHAPE_PRIORS[0] * smooth) / (n_all + SHAPE_PRIORS[0])
        weekend = (g >= 5).astype(float) * okf  # (K, L)
        grp = np.stack([okf - weekend, weekend], axis=2)  # (K, L, 2)
        sum_grp = np.einsum("mkl,klr->mkr", T, grp)
        s_grp = np.swapaxes(np.swapaxes(V, 2, 3) @ grp[None], 2, 3) / np.maximum(sum_grp, 1e-9)[..., None]
        n_grp = np.einsum("kl,klr->kr", n_day, grp)[None, :, :, None]
        w_grp = np.where(sum_grp[..., None] > 0, n_grp / (n_grp + SHAPE_PRIORS[1]), 0.0)
        s_grp = w_grp * s_grp + (1 - w_grp) * s_all[:, :, None, :]  # (3, K, 2, S)
        s_grp_g = s_grp[:, :, [0, 0, 0, 0, 0, 1, 1], :]  # (3, K, 7, S)
        s_g = np.swapaxes(np.swapaxes(V, 2, 3) @ onehot[None], 2, 3) / np.maximum(sum_g, 1e-9)[..., None]
        n_g = np.einsum("kl,klg->kg", n_day, onehot)[None, :, :, None]
        w_g = np.where(sum_g[..., None] > 0, n_g / (n_g + SHAPE_PRIORS[2]), 0.0)
        share = w_g * s_g + (1 - w_g) * s_grp_g
        share = share / np.maximum(share.sum(axis=3, keepdims=True), 1e-12)
    return BaselineParams(level, dowf, share, week_ratio, n_ok)


def baseline_at(p: BaselineParams, dow0: int, days: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Baseline per (metric, anchor, bin) for bins at absolute `days` (K, J) and `slot` (J,)."""
    k = np.arange(days.shape[0])[:, None]
    g = (dow0 + days) % 7
    return p.level[:, :, None] * p.dowf[:, k, g] * p.share[:, k, g, slot[None, :]]


def clean_days(series: ChannelSeries, n_days: int, excluded: np.ndarray, anomalous: np.ndarray) -> np.ndarray:
    """(n_days,) bool: days a baseline may learn from."""
    present = np.zeros(n_days, bool)
    present[series.first_day + 1 : series.last_day] = True  # first and last days may be cut by the export
    return present & ~excluded & ~anomalous


@dataclass
class DayBaseline:
    """One channel's baseline with an anchor on every day of the history."""

    params: BaselineParams  # anchor k is day k
    expected: np.ndarray  # (3, n_days, slots) E0 of each bin, from the weeks before its day
    clean: np.ndarray  # (n_days,) days the baseline learned from
    anomalous: np.ndarray  # (n_days,) holidays, promotions, other outages: the robust z of the day total


def baseline_every_day(hist: History, name: str, excluded: np.ndarray) -> DayBaseline:
    """The estimator's baseline E0 for every bin of one channel, each day's from the LOOKBACK_DAYS before it.

    For scanning a whole history (outage detection) with the baseline a window's estimate starts from. `excluded`
    days (known or already found outages) are neither learned from nor judged anomalous.
    """
    s = hist.channels[name]
    n_days, slots = hist.n_days, s.slots
    odd = anomalous_days(s, excluded)
    clean = clean_days(s, n_days, excluded, odd)
    anchors = np.arange(n_days)
    p = baseline_params(s, clean, anchors, hist.dow0)
    e0 = baseline_at(p, hist.dow0, np.broadcast_to(anchors[:, None], (n_days, slots)), np.arange(slots))
    scale = hist.bin_scale(slots)
    if scale is not None:  # the local hour a clock change skips expects nothing; the one it repeats, two hours
        e0 = e0 * scale[None]
    return DayBaseline(p, e0, clean, odd)
