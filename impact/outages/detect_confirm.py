"""Confirmation of the scan's candidates with the full estimator, and matching to the outage catalog (steps 3 and 5
of impact.outages.detect)."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np

from ..errors import WindowError
from ..revenue import ORD, REV, EventEstimate, History, estimate_event, overdispersion
from ..windows import Window, iso_utc
from .detect_result import Candidate, Detection, rounded
from .detect_scan import CATALOG_SLACK, deviance_z
from .match import describe_match, match_catalog

Z_CONFIRM = 3.5  # confirmation: the window's shortfall in robust spreads of the estimator's placebos
MIN_P_EFFECT = 0.9
Z_CONFIRM_GUIDED = 2.0
MIN_SAME_WEEKDAY = 8  # placebos on the window's weekday needed to compare with them alone
MIN_P_GUIDED = 0.95  # the estimator's p_effect is an honest test for a window named in advance
FULL_DROP_PCT = 80.0  # at least this share of orders lost: impact 'full', else 'degraded'


def placebo_z(est: EventEstimate, channel: str) -> float:
    """How far the window's order shortfall lies beyond the estimator's placebos (robust z; negative = fewer orders
    than expected).

    The placebos are the same clock hours on other days, predicted the same way, so an hour shape that is often
    wrong at that time of day counts against the window. Window and placebos are scored by the negative binomial
    deviance with the noise fitted on the placebos. The score is the weaker of two comparisons: with all placebos,
    and with those on the same weekday (when there are MIN_SAME_WEEKDAY), because a weekday's own hour shape (late
    Saturday evenings, say) can be off where the other days' is not.
    """
    reg = est.fits[channel].window[ORD]
    pp, pa = np.asarray(reg.placebo_pred, float), np.asarray(reg.placebo_actual, float)
    if len(pp) < 5:
        return 0.0
    c = overdispersion(pp, pa - pp, 1.0)
    scores = deviance_z(pa, pp, c)
    obs = float(deviance_z(np.array([reg.actual]), np.array([reg.expected]), c)[0])

    def robust(x: np.ndarray) -> float:
        centre = float(np.median(x))
        return (obs - centre) / max(1.4826 * float(np.median(np.abs(x - centre))), 0.5)

    z = robust(scores)
    same = (np.asarray(est.placebo_shifts)[: len(scores)] % 7) == 0
    if same.sum() >= MIN_SAME_WEEKDAY:
        z = max(z, robust(scores[same]))
    return z


def _verdict(
    hist: History,
    channel: str,
    start: datetime,
    end: datetime,
    others: list[tuple[datetime, datetime]],
    *,
    min_p: float,
    z_confirm: float,
    confidence: float,
    recovery_hours: float,
) -> tuple[EventEstimate | None, float, float, str]:
    """(estimate, order drop %, placebo z, reason it is not confirmed or '') of the full estimate on one window."""
    try:
        est = estimate_event(
            hist, start, end, (channel,), recovery_hours=recovery_hours, confidence=confidence, other_windows=others
        )
    except WindowError as exc:
        return None, 0.0, 0.0, str(exc)
    p_eff = est.lost.p_effect
    exp_o, act_o = float(est.expected[ORD]), float(est.actual[ORD])
    drop = 100 * (exp_o - act_o) / exp_o if exp_o > 0 else 0.0
    zc = placebo_z(est, channel)
    reason = ""
    if drop <= 0:
        reason = "the full estimate finds no shortfall"
    elif zc > -z_confirm:
        reason = f"the shortfall is {max(-zc, 0):.1f} placebo spreads, below {z_confirm:g}"
    elif p_eff is None or p_eff < min_p:
        reason = f"probability of an effect {0 if p_eff is None else p_eff:.2f}, below {min_p:g}"
    return est, drop, zc, reason


def confirm(
    hist: History,
    cand: Candidate,
    span: tuple[datetime, datetime],
    others: list[tuple[datetime, datetime]],
    *,
    min_p: float,
    z_confirm: float,
    confidence: float,
    recovery_hours: float,
    catalog: list[Window] | None,
) -> Detection | dict:
    """A Detection, or a dict saying why the full estimate did not confirm the candidate.

    A catalog-guided candidate is judged on the catalog outage's whole window, the test named in advance; the span
    reported is the part of it where the orders fell."""
    start, end = span
    rejected = {
        "start": iso_utc(start),
        "end": iso_utc(end),
        "channel": cand.channel,
        "found_by": cand.found_by,
        "scan_z": rounded(cand.z, 1),
        "orders_expected": rounded(cand.expected_orders, 1),
    }
    kw = {"min_p": min_p, "z_confirm": z_confirm, "confidence": confidence, "recovery_hours": recovery_hours}
    if cand.test_span is not None:
        _, drop, zc, reason = _verdict(hist, cand.channel, *cand.test_span, others, **kw)
        if reason:
            return {
                **rejected,
                "reason": f"over the catalog window: {reason}",
                "drop_pct": rounded(drop, 1),
                "confirm_z": rounded(zc, 1),
            }
        kw.update(min_p=0.0, z_confirm=-math.inf)
    est, drop, zc, reason = _verdict(hist, cand.channel, start, end, others, **kw)
    if reason or est is None:
        return {**rejected, "reason": reason, "drop_pct": rounded(drop, 1), "confirm_z": rounded(zc, 1)}
    return _detection(cand, span, est, drop, zc, catalog)


def _detection(
    cand: Candidate,
    span: tuple[datetime, datetime],
    est: EventEstimate,
    drop: float,
    zc: float,
    catalog: list[Window] | None,
) -> Detection:
    """The confirmed candidate as a detected window with its figures and the catalog outages it matches."""
    start, end = span
    p_eff = est.lost.p_effect or 0.0
    exp_o, act_o = float(est.expected[ORD]), float(est.actual[ORD])
    exp_r, act_r = float(est.expected[REV]), float(est.actual[REV])
    daily = cand.slots == 1
    impact = "full" if drop >= FULL_DROP_PCT else "degraded"
    title = f"{cand.channel} orders fell {drop:.0f}%" + (" (whole days)" if daily else "")
    window = Window(
        start=start,
        end=end,
        channels=(cand.channel,),
        title=title,
        source="detected",
        impact=impact,
        degraded_pct=None if impact == "full" else round(drop, 1),
        score=round(float(p_eff) * min(drop / 100, 1.0), 3),
        precision="whole days: the export has dates without times" if daily else "",
    )
    matches = match_catalog(window, catalog, slack=CATALOG_SLACK)
    message = describe_match(window, matches, drop_pct=drop)
    if daily:
        message += " (by whole days: the export has dates without times)"
    return Detection(
        window=window,
        channel=cand.channel,
        resolution="day" if daily else "hour",
        drop_pct=drop,
        revenue_drop_pct=100 * (exp_r - act_r) / exp_r if exp_r > 0 else None,
        lost=exp_r - act_r,
        lost_low=est.lost.low,
        lost_high=est.lost.high,
        found_by=cand.found_by,
        expected=exp_r,
        actual=act_r,
        orders_expected=exp_o,
        orders_actual=act_o,
        p_effect=p_eff,
        scan_z=cand.z,
        confirm_z=zc,
        matches=matches,
        message=message,
        warnings=list(est.warnings),
    )
