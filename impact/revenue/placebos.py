"""Where an outage sits on the grid and where its placebos may go: the same clock hours shifted by whole days,
before and after, on days where nothing known happened."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .baseline import LOOKBACK_DAYS, MIN_HISTORY_DAYS, anomalous_days, clean_days
from .history import History

MAX_SHIFT_DAYS = 182
MAX_PLACEBOS = 120


@dataclass
class Bins:
    """A set of bins of one channel grid: flat index and weight (overlap share)."""

    day: np.ndarray
    slot: np.ndarray
    w: np.ndarray

    @classmethod
    def empty(cls) -> Bins:
        z = np.zeros(0, np.int64)
        return cls(z, z, np.zeros(0))

    def __len__(self) -> int:
        return len(self.day)


def overlap(hist: History, slots: int, a: datetime, b: datetime) -> Bins:
    """Bins overlapping [a, b) with their overlap share; daily bins count whole. Positions are local grid hours, so
    a bin a clock change stretches (the repeated hour) is shared in proportion to real time."""
    if b <= a:
        return Bins.empty()
    width = 24 // slots
    ta = hist.hour_of(a)
    tb = hist.hour_of(b)
    first = math.floor(ta / width)
    last = math.ceil(tb / width) - 1
    idx = np.arange(max(first, 0), min(last, hist.n_days * slots - 1) + 1)
    starts = idx * width
    w = (np.minimum(tb, starts + width) - np.maximum(ta, starts)) / width
    keep = w > 1e-9
    idx, w = idx[keep], w[keep]
    if slots == 1:
        w = np.ones_like(w)
    return Bins(idx // slots, idx % slots, w)


def span_mask(hist: History, slots: int, spans: list[tuple[datetime, datetime]]) -> np.ndarray:
    """(n_days, slots) bool: bins touching any span."""
    mask = np.zeros((hist.n_days, slots), bool)
    for a, b in spans:
        bins = overlap(hist, slots, a, b)
        mask[bins.day, bins.slot] = True
    return mask


class EventGeometry:
    """Geometry of one outage on one history: spans, masks, anchor day, placebo shifts."""

    def __init__(
        self,
        hist: History,
        start: datetime,
        end: datetime,
        affected: tuple[str, ...],
        recovery_hours: float,
        others: list[tuple[datetime, datetime]],
    ):
        self.hist = hist
        self.start, self.end = start, end
        self.rec_end = end + timedelta(hours=recovery_hours)
        self.affected = affected
        self.others = others
        self.anchor = hist.day_of(start)
        self.last_day = hist.day_of(self.rec_end - timedelta(microseconds=1))
        self.event_days = np.arange(self.anchor, self.last_day + 1)
        # Whole days touched by any known window: kept out of baselines.
        self.dirty_days = np.zeros(hist.n_days, bool)
        for a, b in others + [(start, self.rec_end)]:
            d0 = hist.day_of(a)
            d1 = hist.day_of(b - timedelta(microseconds=1))
            self.dirty_days[max(d0, 0) : max(min(d1, hist.n_days - 1) + 1, 0)] = True
        self.anomalous = {name: anomalous_days(s, self.dirty_days) for name, s in hist.channels.items()}
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def masks(self, slots: int) -> tuple[np.ndarray, np.ndarray]:
        """(other windows' bins, all windows' bins incl. this one's recovery) for a grid."""
        if slots not in self._masks:
            other = span_mask(self.hist, slots, self.others)
            allm = other | span_mask(self.hist, slots, [(self.start, self.rec_end)])
            self._masks[slots] = (other, allm)
        return self._masks[slots]

    def clean_days(self, name: str) -> np.ndarray:
        return clean_days(self.hist.channels[name], self.hist.n_days, self.dirty_days, self.anomalous[name])

    def valid_shifts(self, names: list[str]) -> np.ndarray:
        """Day shifts k (placebo = this window k days earlier; negative = later) valid for every named channel."""
        ks = np.concatenate([np.arange(1, MAX_SHIFT_DAYS + 1), -np.arange(1, MAX_SHIFT_DAYS + 1)])
        ks = ks[np.argsort(np.abs(ks), kind="stable")]
        good = np.ones(len(ks), bool)
        for name in names:
            s = self.hist.channels[name]
            clean = self.clean_days(name)
            _, allm = self.masks(s.slots)
            span = overlap(self.hist, s.slots, self.start, self.rec_end)
            for j in range(len(self.event_days)):
                d = self.event_days[j] - ks
                inr = (d >= 0) & (d < self.hist.n_days)
                good &= inr
                dc = np.clip(d, 0, self.hist.n_days - 1)
                good &= clean[dc]
            bd = span.day[None, :] - ks[:, None]
            bdc = np.clip(bd, 0, self.hist.n_days - 1)
            good &= ~allm[bdc, span.slot[None, :]].any(axis=1)
            # enough clean history before the placebo's own anchor day
            anc = np.clip(self.anchor - ks, 0, self.hist.n_days)
            cum = np.concatenate([[0], np.cumsum(clean)])
            good &= (cum[anc] - cum[np.clip(anc - LOOKBACK_DAYS, 0, None)]) >= MIN_HISTORY_DAYS
        return ks[good][:MAX_PLACEBOS]
