"""Counterfactual sales for an outage window: what the affected channels would have sold, with a calibrated interval.

Method (docs/revenue.md has the measured accuracy):

1. Orders are aggregated per channel into a grid of local days x 24 hourly bins (one daily bin for date-only
   exports), for three metrics: revenue, orders, units.
2. A baseline E0 per bin = recent daily level x day-of-week factor x share of the day in that hour, estimated from
   the weeks before the day in question. Days with other outages, holidays and promotions (robust z-score of the day
   total against the same weekday of neighbouring weeks) are left out of it.
3. The baseline is corrected for the day the outage fell on with a small ridge regression on ratio features that
   the outage cannot contaminate: the channel's own hours of the same days outside the outage and recovery period,
   the unaffected channels on the same days (demand shocks are shared), and the last week. The regression is fitted
   on placebo copies of the window: the same clock hours shifted by whole days, before and after, where nothing
   happened.
4. The leave-one-out errors of those placebos are the calibration set: a conformal interval of the studentised
   errors gives the interval for lost revenue, and the placebo rank of the observed loss gives p_effect. Sparse
   sellers get wide intervals because their placebos scatter widely, not because a formula says so.

Everything is numpy on arrays of (placebos x bins); no loop runs over orders.

Modules, in the order of the method: history (the DuckDB aggregation, step 1), baseline (2), placebos and fit (3),
interval (4), event (one window end to end).
"""

from .baseline import MIN_HISTORY_DAYS, THIN_HISTORY_DAYS, BaselineParams, DayBaseline, baseline_every_day
from .event import EventEstimate, check_window, estimate_event, hourly_counterfactual
from .fit import ChannelFit, Region
from .history import (
    METRICS,
    ORD,
    REV,
    UNI,
    ChannelSeries,
    History,
    history_from_orders,
    load_history,
    resolve_scopes,
    series_params,
    series_sql,
)
from .interval import Interval, calibrate, combined_half_width, overdispersion

__all__ = [
    # the history (step 1)
    "METRICS",
    "REV",
    "ORD",
    "UNI",
    "ChannelSeries",
    "History",
    "load_history",
    "history_from_orders",
    "resolve_scopes",
    "series_sql",
    "series_params",
    "MIN_HISTORY_DAYS",
    "THIN_HISTORY_DAYS",
    # the baseline of a whole history, for outage detection (step 2)
    "BaselineParams",
    "DayBaseline",
    "baseline_every_day",
    # calibration (step 4)
    "Interval",
    "calibrate",
    "combined_half_width",
    "overdispersion",
    # one window
    "EventEstimate",
    "ChannelFit",
    "Region",
    "check_window",
    "estimate_event",
    "hourly_counterfactual",
]
