"""The results the dashboard shows for one window, computed on first use and kept in this session only.

`Results` is the one object every dashboard tab renders from. Every figure comes from impact.service, the wiring the
CLI, the HTML report and share links use too; this module only adds the session caches and the spinner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from impact import service, views
from impact.appeal import MARKETPLACES
from impact.dataset import coverage, daily_revenue, result_product_names
from impact.errors import ImpactError, WindowError
from impact.ingest.loader import IngestReport
from impact.revenue import load_history
from impact.scenarios import ScenarioModel
from impact.shipments import ShipmentResult
from impact.windows import Window
from ui.state import session_cached, state

SCENARIO_YEARS = 10_000


@dataclass(frozen=True)
class Params:
    """The seller's choices from the sidebar: the channels the outage hit, the estimate options (resolved once, from
    the widgets and Settings, by ui.sidebar) and the providers behind a catalog outage (for the scenario model)."""

    channels: tuple[str, ...]
    opts: service.Options
    providers: tuple[str, ...] = ()
    channels_reason: str = ""  # why these channels (impact.service.default_channels, or the seller's own pick)


@dataclass(frozen=True)
class Results:
    """What the tabs show for `window` over this session's orders. Each result is computed when a tab first asks
    for it (inside that tab's error boundary, so one failure stays in one tab) and kept with session_cached."""

    con: Any = field(repr=False)
    report: IngestReport
    window: Window
    params: Params

    def history(self, at: datetime):
        """The hourly aggregation of this session's orders, reused while only the window moves.

        load_history fixes the zone's UTC offset at `at`, so the offset is part of the key: a window on the other
        side of a DST change gets its own aggregation, exactly as `python -m impact analyze` would build it."""
        tz, currency = self.tz, self.opts.currency
        offset = ZoneInfo(tz).utcoffset(at)
        return session_cached(
            "history", (tz, currency, offset), lambda: load_history(self.con, currency=currency, tz=tz, at=at)
        )

    @property
    def opts(self) -> service.Options:
        return self.params.opts

    @property
    def tz(self) -> str:
        return self.params.opts.tz

    def analysis(self) -> tuple[dict | None, str | None]:
        """(the window's result, flattened by views.window_view, None) or (None, why it cannot be estimated)."""
        w = self.window
        key = (w.start, w.end, w.channels, w.title, self.opts)

        def compute():
            try:
                with st.spinner("Estimating what the outage cost…"):
                    # The Shipments tab measures every channel with ship times itself.
                    result = service.run_analysis(
                        self.con, [w], self.opts, shipments=False, hist=self.history(w.start)
                    ).to_json()
            except WindowError as exc:
                return None, str(exc)
            return views.window_view(result), None

        return session_cached("analysis", key, compute)

    def shipments(self) -> tuple[ShipmentResult, pd.DataFrame]:
        """(the late-shipment summary, the late orders)."""
        w = self.window
        key = (w.start, w.end, w.channels, self.opts)
        return session_cached("shipments", key, lambda: service.shipments(self.con, w, self.opts))

    def appeal_marketplaces(self) -> list[str]:
        """The marketplaces an appeal can go to that the seller sells on, the window's affected ones first."""
        sold = [m for m in MARKETPLACES if m in self.report.channels]
        hit = [m for m in self.window.base_channels if m in sold]
        return hit + [m for m in sold if m not in hit]

    def appeal(self, marketplace: str):
        """(the appeal to `marketplace` as impact.service.appeal gives it, its affected orders)."""
        w = self.window
        key = (marketplace, w.start, w.end, w.channels, w.title, self.opts)
        return session_cached("appeal", key, lambda: service.appeal_package(self.con, w, self.opts, marketplace))

    def input_files(self) -> list:
        """The files this session's figures come from, for a claim pack's manifest: the demo's paths, or (name,
        bytes) of the seller's uploads, cost and ad files included."""
        from ui import costs, orders

        if state.is_demo:
            files = [orders.DEMO_DIR / n for n in orders.DEMO_FILES]
            if not (state.cost_uploads or state.ad_uploads):
                files += [costs.DEMO_DIR / n for n in (*costs.DEMO_COSTS, *costs.DEMO_ADS)]
        else:
            files = [(f.name, bytes(f.getbuffer())) for f in state.uploads or []]
        files += [(f.name, bytes(f.getbuffer())) for f in (*(state.cost_uploads or ()), *(state.ad_uploads or ()))]
        return files

    def coverage(self) -> dict:
        return coverage(self.con, self.window.start, self.window.end)

    def daily_rows(self) -> list[dict]:
        return daily_revenue(self.con, self.tz)

    def product_names(self, res: dict) -> dict[str, str]:
        """Names of the products a window's result lists."""
        return result_product_names(self.con, res)

    def scenario_key(self, transfer: float) -> tuple:
        """What the scenario model depends on (its sweeps are kept under it too)."""
        w = self.window
        return (w.start, w.end, w.channels, transfer, self.params.providers, self.analysis()[0] is not None, self.opts)

    def scenario_model(self, transfer: float) -> ScenarioModel:
        """The yearly risk model of the seller's channel mix, calibrated on the window's measured loss when there is
        one (the same service call as `python -m impact scenarios --window`)."""
        res, _ = self.analysis()

        def build() -> ScenarioModel:
            # Without an estimate for the window there is nothing measured to replay: the model of the mix alone.
            measured = res is not None
            return service.scenario_model(
                self.con,
                [self.window] if measured else [],
                self.opts,
                analysis=views.analysis_of_view(res) if measured else None,
                providers=self.params.providers if measured else (),
                transfer=transfer,
                years=SCENARIO_YEARS,
                seed=1,
            )[0]

        return session_cached("scenarios", self.scenario_key(transfer), build)

    def share_snapshot(self, res: dict) -> dict:
        """What a share link stores: the results and the charts' data, no orders (what `impact share` builds)."""
        ship, _ = self.shipments()
        appeals = {}
        for market in self.appeal_marketplaces():
            try:
                appeals[market] = service.appeal_metrics(self.appeal(market)[0])
            except ImpactError:
                continue  # this marketplace's metrics cannot be measured here; the link shows the others
        return service.share_snapshot(
            self.report,
            [self.window],
            self.opts,
            views.analysis_of_view(res),
            view={"tz": self.tz},
            shipments=ship.to_json(),
            appeals=appeals,
            charts={"product_names": self.product_names(res)},
        )
