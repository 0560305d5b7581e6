"""The results the dashboard shows for one window, computed on first use and kept in this session only.

`Results` is the one object every dashboard tab renders from. The module-level functions below it re-implement
wiring that belongs in `impact/` (the CLI has its own copies); they are gathered here, each in one place, until
impact offers them (impact/service.py), and are then to be replaced by calls to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from impact.analysis import analyze
from impact.commands.scenarios import measured_from_analysis
from impact.errors import WindowError
from impact.ingest.loader import IngestReport
from impact.overview import coverage, daily_revenue, product_names
from impact.revenue import load_history
from impact.scenarios import DEFAULT_DEPENDENCIES, ScenarioModel, current_mix, hour_of_week_profile
from impact.share import build_snapshot
from impact.shipments import shipment_report
from impact.windows import Window
from ui.state import session_cached

SCENARIO_YEARS = 10_000
ANALYSIS_KEYS = ("currency", "confidence", "recovery_hours")  # analysis-wide values every window result carries


@dataclass(frozen=True)
class Params:
    """The seller's estimate settings from the sidebar."""

    channels: tuple[str, ...] = ()
    confidence: float = 0.9
    recovery_hours: int = 24
    ship_sla_hours: float = 48.0
    business_days: bool = False
    currency: str | None = None
    providers: tuple[str, ...] = ()  # providers of the chosen catalog outage, for the scenario model


@dataclass(frozen=True)
class Results:
    """What the tabs show for `window` over this session's orders. Each result is computed when a tab first asks
    for it (inside that tab's error boundary, so one failure stays in one tab) and kept with session_cached."""

    con: Any = field(repr=False)
    report: IngestReport
    window: Window
    params: Params
    tz: str

    def history(self, at: datetime):
        """The hourly aggregation of this session's orders, reused while only the window moves.

        load_history fixes the zone's UTC offset at `at`, so the offset is part of the key: a window on the other
        side of a DST change gets its own aggregation, exactly as `python -m impact analyze` would build it."""
        tz, currency = self.tz, self.params.currency
        offset = ZoneInfo(tz).utcoffset(at)
        return session_cached(
            "history", (tz, currency, offset), lambda: load_history(self.con, currency=currency, tz=tz, at=at)
        )

    def analysis(self) -> tuple[dict | None, str | None]:
        """(the window's result, flattened by window_result, None) or (None, why it cannot be estimated)."""
        w, p = self.window, self.params
        key = (w.start, w.end, w.channels, w.title, p.confidence, p.recovery_hours, p.currency, self.tz)

        def compute():
            try:
                with st.spinner("Estimating what the outage cost…"):
                    result = analyze(
                        self.con,
                        [w],
                        recovery_hours=p.recovery_hours,
                        confidence=p.confidence,
                        currency=p.currency,
                        tz=self.tz,
                        hist=self.history(w.start),
                        shipments=False,  # the Shipments tab measures every channel with ship times itself
                    ).to_json()
            except WindowError as exc:
                return None, str(exc)
            return window_result(result, result["windows"][0]), None

        return session_cached("analysis", key, compute)

    def shipments(self) -> tuple[dict, pd.DataFrame]:
        """(the late-shipment summary, the late orders)."""
        # Shipping is measured on every channel with ship times: an outage can stall the warehouse's tools (labels,
        # carrier APIs) even on channels whose sales it did not hit.
        w, p = self.window, self.params
        ship_window = Window(start=w.start, end=w.end, title=w.title)
        key = (w.start, w.end, p.ship_sla_hours, p.business_days, p.confidence)
        return session_cached(
            "shipments",
            key,
            lambda: shipment_report(self.con, ship_window, sla_hours=p.ship_sla_hours,
                                    business_days=p.business_days, confidence=p.confidence),
        )  # fmt: skip

    def coverage(self) -> dict:
        return coverage(self.con, self.window.start, self.window.end)

    def daily_rows(self) -> list[dict]:
        return daily_revenue(self.con, self.tz)

    def product_names(self, res: dict) -> dict[str, str]:
        """Names of the products in a window result's top SKUs."""
        return product_names(self.con, [r["sku"] for r in res.get("top_skus") or []])

    def scenario_key(self, transfer: float) -> tuple:
        """What the scenario model depends on (its sweeps are kept under it too)."""
        w, p = self.window, self.params
        return (w.start, w.end, w.channels, p.currency, transfer, p.providers, self.analysis()[0] is not None,
                p.confidence, p.recovery_hours)  # fmt: skip

    def scenario_model(self, transfer: float) -> ScenarioModel:
        res, _ = self.analysis()
        return session_cached(
            "scenarios", self.scenario_key(transfer),
            lambda: scenario_model(self.con, self.window, res, self.params, transfer),
        )  # fmt: skip

    def share_snapshot(self, res: dict) -> dict:
        ship, _ = self.shipments()
        return share_snapshot(res, self.window, self.params, self.tz, self.report, ship, self.product_names(res))


# ---------------------------------------------------------------------------------------------------------------
# Wiring that belongs in impact/ (see the module docstring).


def window_result(analysis: dict, window: dict) -> dict:
    """One window of an analysis JSON as the flat dict the screens, the report and share links use: the window's
    own figures plus the analysis-wide currency, confidence and recovery hours, and both levels' warnings."""
    flat = {k: analysis.get(k) for k in ANALYSIS_KEYS} | window
    flat["warnings"] = [*analysis.get("warnings", []), *window.get("warnings", [])]
    return flat


def share_analysis(res: dict) -> dict:
    """A flat window result (window_result) back in the analysis JSON's shape, as a share snapshot holds it."""
    return {k: res[k] for k in ANALYSIS_KEYS} | {"windows": [res]}


def scenario_model(con, window: Window, res: dict | None, params: Params, transfer: float) -> ScenarioModel:
    """The yearly risk model of this seller's channel mix, calibrated on the window's measured loss when there is
    one: the same wiring as `python -m impact scenarios --window` (impact/commands/scenarios.py)."""
    currency = params.currency
    current = current_mix(con, currency)
    profile = hour_of_week_profile(con, exclude=[(window.start, window.end)], currency=current["currency"])
    keep = {k: current[k] for k in ("shares", "hhi", "marketplaces", "by_period")}
    measured = window_expected = affected = None
    if res is not None:
        # Measured impact per channel, and the profile's expectation for channels the analysis did not report.
        measured, window_expected = measured_from_analysis({"windows": [res]})
        for c, v in profile.window_expected(window.start, window.end).items():
            window_expected.setdefault(c, v)
        providers = set(params.providers)
        affected = set(window.channels or profile.channels)
        affected |= {c for c, ps in DEFAULT_DEPENDENCIES.items() if providers & set(ps)}
    return ScenarioModel(
        profile, measured=measured, affected=affected, window_expected=window_expected, current=keep,
        transfer=transfer, years=SCENARIO_YEARS, seed=1,
    )  # fmt: skip


def report_ingest(report: IngestReport) -> dict:
    """The import report's JSON with each file's format label and encoding, which the HTML report shows."""
    ingest = report.to_json()
    for f, obj in zip(ingest["files"], report.files, strict=True):
        f.update(format_label=obj.format_label, encoding=obj.encoding)
    return ingest


def share_snapshot(res: dict, window: Window, params: Params, tz: str, report: IngestReport, ship, names) -> dict:
    """The snapshot a share link stores: results and charts' data, no orders (what `impact share` builds)."""
    return build_snapshot(
        settings={"tz": tz, "confidence": params.confidence, "recovery_hours": params.recovery_hours,
                  "channels": list(window.channels)},
        windows=[window], analysis=share_analysis(res), ingest=report, view={"tz": tz}, shipments=ship,
        charts={"product_names": names},
    )  # fmt: skip
