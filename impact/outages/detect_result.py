"""What outage detection returns: the scan's candidates, confirmed detections and their JSON."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from ..revenue import History
from ..windows import Window


@dataclass
class Candidate:
    """A run of flagged bins on one channel, before confirmation."""

    channel: str
    first: int  # flat bin index (day x slots + slot) of the first bin
    last: int  # last bin, inclusive
    slots: int
    z: float  # the strongest (most negative) scan statistic among runs inside it
    expected_orders: float
    actual_orders: float
    found_by: str = "scan"  # or 'catalog': a catalog outage's window tested on its own
    test_span: tuple[datetime, datetime] | None = None  # catalog-guided: the window the evidence is judged on

    def span(self, hist: History) -> tuple[datetime, datetime]:
        width = 24 // self.slots
        return (hist.at_hour(self.first * width), hist.at_hour((self.last + 1) * width))


@dataclass
class Detection:
    """A confirmed outage window in the seller's orders."""

    window: Window  # source 'detected', one channel, impact, score, degraded_pct
    channel: str
    resolution: str  # 'hour' or 'day'
    drop_pct: float  # share of expected orders lost
    revenue_drop_pct: float | None
    lost: float  # revenue, the estimator's point estimate and interval
    lost_low: float
    lost_high: float
    found_by: str  # 'scan', or 'catalog' when a catalog outage's window was tested on its own
    expected: float
    actual: float
    orders_expected: float
    orders_actual: float
    p_effect: float | None
    scan_z: float
    confirm_z: float
    matches: list[Window]
    message: str
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = self.window.to_json()
        if self.window.degraded_pct is not None:
            data["degraded_pct"] = self.window.degraded_pct
        data.update(
            {
                "resolution": self.resolution,
                "found_by": self.found_by,
                "drop_pct": rounded(self.drop_pct, 1),
                "revenue_drop_pct": rounded(self.revenue_drop_pct, 1),
                "lost": rounded(self.lost),
                "lost_low": rounded(self.lost_low),
                "lost_high": rounded(self.lost_high),
                "expected": rounded(self.expected),
                "actual": rounded(self.actual),
                "orders_expected": rounded(self.orders_expected, 1),
                "orders_actual": int(round(self.orders_actual)),
                "p_effect": rounded(self.p_effect, 3),
                "scan_z": rounded(self.scan_z, 1),
                "confirm_z": rounded(self.confirm_z, 1),
                "matches": [m.extra.get("id") or m.title for m in self.matches],
                "message": self.message,
                "warnings": list(self.warnings),
            }
        )
        return data


@dataclass
class DetectResult:
    detections: list[Detection]
    candidates: int  # found by the scan, before confirmation
    rejected: list[dict]  # candidates the full estimate did not confirm, with the reason
    currency: str
    notes: list[str]
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> list[dict]:
        return [d.to_json() for d in self.detections]


def rounded(x: float | None, nd: int = 2) -> float | None:
    """x rounded for JSON, None when missing or not finite (JSON has no NaN or infinity)."""
    return None if x is None or not math.isfinite(x) else round(float(x), nd)
