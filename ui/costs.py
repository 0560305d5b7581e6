"""The sidebar's costs panel: product costs, fee reports and ad spend uploads, the fee each channel pays (editable,
sourced defaults), the home currency; and loading them into this session's database, once per change.

With cost inputs every analysis of the session carries a profit block (impact.costs); the demo seller ships with a
cost file and two ad reports, so the demo shows profit on first open."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import streamlit as st

from impact.costs import AdsFile
from impact.costs import fees as fee_schedule
from impact.costs.templates import TEMPLATES
from impact.errors import ImpactError
from ui.state import State, state

DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "demo"
DEMO_COSTS = ("product_costs.csv",)
DEMO_ADS = ("amazon_ads.csv", "google_ads.csv")
# Any file is accepted: a PDF, a workbook or a file meant for another slot gets a sentence saying what to add
# instead (impact.slots), where a list of types would only say "application/pdf files are not allowed".
UPLOAD_TYPES = None
OWN_CURRENCY = "Orders' own currency"
HOME_CURRENCIES = (OWN_CURRENCY, "EUR", "USD", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK", "PLN", "DKK", "NOK", "MXN")


@dataclass(frozen=True)
class CostInputs:
    """What the costs panel asked for: uploads (or the demo's files), the --fees spec and the home currency."""

    costs: tuple  # uploaded files
    ads: tuple
    fees: str | None
    home: str | None

    def key(self, is_demo: bool) -> tuple:
        files = tuple((f.file_id, f.name, f.size) for f in (*self.costs, *self.ads))
        return (is_demo, files, self.fees, self.home)


def _default_fees(channels: list[str]) -> dict[str, tuple[float, float]]:
    """Channel -> (percent of line revenue, fixed per order) of the default schedule, as the editor shows it."""
    out: dict[str, tuple[float, float]] = {}
    for r in fee_schedule.fee_rules(channels):
        if r.applies_to != "all":
            continue
        pct, fixed = out.get(r.channel, (0.0, 0.0))
        out[r.channel] = (pct + float(r.pct) * 100, fixed + float(r.fixed_per_order))
    return {c: out.get(c, (0.0, 0.0)) for c in channels}


def _spec(edited: list[dict], defaults: dict[str, tuple[float, float]]) -> str | None:
    """The --fees spec of the rows the seller changed: those channels pay exactly what the row says."""
    parts = []
    for row in edited:
        c = row["channel"]
        pct, fixed = float(row.get("pct") or 0), float(row.get("fixed") or 0)
        d = defaults.get(c, (0.0, 0.0))
        if abs(pct - d[0]) > 1e-9 or abs(fixed - d[1]) > 1e-9:
            parts.append(f"{c}={Decimal(str(pct)).normalize():f}%+{Decimal(str(fixed)).normalize():f}")
    return ",".join(parts) or None


def panel(channels: list[str]) -> CostInputs:
    """The sidebar's 'Costs and fees' section."""
    sb = st.sidebar
    sb.header("Costs and fees")
    costs = sb.file_uploader(
        "Product costs and fee reports",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=State.cost_uploads.key,
        help="Shopify products export (Cost per item), a sku,unit_cost CSV (optional currency, valid_from, "
        "valid_to), or Amazon's FBA fee preview report. With costs, every figure is also given as profit.",
    )
    ads = sb.file_uploader(
        "Advertising spend",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=State.ad_uploads.key,
        help="Amazon Ads Sponsored Products, Google Ads or Meta Ads reports, or a date,hour,channel,spend CSV. "
        "Google and Meta ads count for your own store's channel.",
    )
    with sb.expander("Fees each channel pays"):
        defaults = _default_fees(channels)
        rows = [{"channel": c, "pct": defaults[c][0], "fixed": defaults[c][1]} for c in channels]
        edited = st.data_editor(
            rows,
            key=State.fee_table.key,
            hide_index=True,
            disabled=["channel"],
            column_config={
                "channel": st.column_config.TextColumn("Channel"),
                "pct": st.column_config.NumberColumn("% of revenue", min_value=0.0, max_value=100.0, format="%.2f"),
                "fixed": st.column_config.NumberColumn("Per order", min_value=0.0, format="%.2f"),
            },
        )
        st.caption(
            "Defaults are the published standard rates (Amazon referral 15%, Shopify Payments 2.9% + 0.30, eBay "
            "final value fee, Etsy transaction and payment fees, Stripe for WooCommerce); Amazon's FBA fees come "
            "from the fee preview report. A changed row is exactly what that channel pays."
        )
        for kind, (name, text) in TEMPLATES.items():
            st.download_button(
                f"Template: {name}", text.encode(), file_name=name, mime="text/csv", key=f"template_{kind}"
            )
    home = sb.selectbox(
        "Convert amounts to",
        HOME_CURRENCIES,
        key=State.home_currency.key,
        help="Converts orders, costs and ads at the ECB euro reference rate of each day, so several currencies can "
        "be added up.",
    )
    return CostInputs(
        tuple(costs or ()),
        tuple(ads or ()),
        _spec(list(edited), defaults),
        None if home == OWN_CURRENCY else home,
    )


def home_currency() -> str | None:
    """The home currency chosen in the panel (on its last run): the orders are imported converted to it."""
    home = state.home_currency
    return None if home in (None, OWN_CURRENCY) else home


def load_inputs(con, inputs: CostInputs, *, tz: str, is_demo: bool) -> None:
    """Put the cost inputs into the session's database when they changed; keep their import report and errors."""
    from impact.costs import layer

    key = (state.dataset_key, inputs.key(is_demo))
    if state.cost_key == key:
        return
    from ui.orders import sorted_uploads

    cost_files, moved = sorted_uploads(inputs.costs, "costs")
    ad_files, moved_ads = sorted_uploads(inputs.ads, "ads")
    state.cost_errors = [*moved, *moved_ads]
    with tempfile.TemporaryDirectory(prefix="impact-costs-") as tmp:
        costs = [(f.name, _write(tmp, f, i)) for i, f in enumerate(cost_files)]
        ads = [AdsFile(_write(tmp, f, 100 + i), name=f.name) for i, f in enumerate(ad_files)]
        if is_demo and not costs and not ads:
            costs = [(n, DEMO_DIR / n) for n in DEMO_COSTS]
            ads = [AdsFile(DEMO_DIR / n, name=n) for n in DEMO_ADS]
        try:
            state.cost_report = layer.load_costs(con, tz=tz, home=inputs.home, fees=inputs.fees, costs=costs, ads=ads)
        except ImpactError as exc:
            state.cost_report = None
            state.cost_errors = [*state.cost_errors, str(exc)]
            layer.clear(con)
    state.cost_key = key


def _write(tmp: str, upload, i: int) -> Path:
    # The temp name never comes from the upload (no path tricks); the real name is passed for reports.
    path = Path(tmp) / f"cost_{i}{Path(upload.name).suffix[:8]}"
    path.write_bytes(upload.getbuffer())
    return path
