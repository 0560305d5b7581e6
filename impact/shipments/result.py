"""The late-shipment summary of one window as a typed result: shipment_impact and shipment_report return it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Set only once ship times were found (available): absent from the JSON otherwise, as they always were.
MEASURED_ONLY = ("not_yet_due", "baseline_orders", "excess_late_raw")


@dataclass(frozen=True)
class ShipmentChannel:
    """One channel's due and late orders, what the outage added with its interval (None where no normal late rate is
    known), its usual late rate over the orders outside the window, and the share of its promises the file gave."""

    due: int
    late: int
    late_expected: float | None
    excess_late: float | None
    excess_late_low: float | None
    excess_late_high: float | None
    excess_late_raw: float | None
    baseline_late_rate: float | None
    baseline_orders: int
    promise_from_file_share: float | None
    unshipped_late: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ShipmentResult:
    """Due, late, expected and excess late with their interval, the backlog and the definition used. Fields in the
    JSON's key order; None where a figure cannot be measured (no history outside the window, no backlog)."""

    due: int
    late: int
    late_expected: float | None
    excess_late: float | None
    excess_late_low: float | None
    excess_late_high: float | None
    backlog_cleared: str | None
    extra_handling_hours: float | None
    peak_backlog_orders: float | None
    unshipped_late: int
    hours_late_total: float | None
    due_from: str
    bought_until: str
    horizon_hours: float | None
    sla_hours: float
    business_days: bool
    confidence: float
    channels: list[str]
    by_channel: dict[str, ShipmentChannel]
    placebos: int
    overdispersion: float | None
    available: bool
    definition: str
    notes: list[str]
    not_yet_due: int | None = None
    baseline_orders: int | None = None
    excess_late_raw: float | None = None

    def to_json(self) -> dict:
        out = asdict(self)
        # The rows' own to_json, so that a row's JSON is written in one place; the key keeps its position.
        out["by_channel"] = {ch: row.to_json() for ch, row in self.by_channel.items()}
        if not self.available:
            for key in MEASURED_ONLY:
                del out[key]
        return out
