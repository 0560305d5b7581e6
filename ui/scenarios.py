"""The Scenarios tab: how concentrated the seller's sales are, the yearly outage risk of that mix, and what moving
some demand to other channels would change."""

from __future__ import annotations

import streamlit as st

from impact import charts, scenario_charts
from impact.scenarios import ScenarioModel, move_demand
from impact.store import CHANNELS
from ui.common import CHART_CONFIG
from ui.results import Results
from ui.state import State, session_cached, state


def render(results: Results) -> None:
    transfer = state.scenario_transfer / 100
    res, _ = results.analysis()
    model = results.scenario_model(transfer)
    scenarios(model, results.params.currency, measured=res is not None, sweep_key=results.scenario_key(transfer))


def scenarios(model: ScenarioModel, currency: str | None, measured: bool, sweep_key: tuple | None = None) -> None:
    """The baseline risk of today's mix and the what-if of moving demand; `measured` when the model was calibrated
    on this window's loss. Sweeps are kept in the session under `sweep_key` (recomputed when it is None)."""
    shares = model.current_shares
    if not shares:
        st.info("There is no revenue to build scenarios from.")
        return
    base = model.baseline()
    cur = charts.money
    cols = st.columns(3)
    cols[0].metric(
        "Channel concentration (HHI)",
        f"{base['hhi']:,.0f}",
        border=True,
        help="Herfindahl-Hirschman index of revenue shares: 10,000 = one channel, 5,000 = two equal channels.",
    )
    cols[1].metric("Expected outage loss per year", cur(base["annual_expected_loss"], currency, 0), border=True)
    cols[2].metric("1 year in 20 loses more than", cur(base["annual_p95_loss"], currency, 0), border=True)
    if measured:
        impacts = model.impacts
        hit = [c for c in shares if c in (model.affected or ())]
        described = "; ".join(
            f"{c.capitalize()} loses {impacts[c]['lost_frac']:.0%} of its sales, "
            f"{impacts[c]['recapture_frac']:.0%} of that comes back"
            for c in hit
        )
        st.caption(
            "Yearly risk from simulated provider outages (AWS, Cloudflare, Shopify...) at published or estimated "
            f"rates, with each outage hitting a channel as hard as this one did ({described or 'as measured'})."
        )
    else:
        st.caption(
            "Yearly risk from simulated provider outages (AWS, Cloudflare, Shopify...) at published or estimated "
            "rates. Without a measured loss for this window, each outage is assumed to stop all sales on the "
            "channels that depend on the provider, with none recaptured."
        )

    st.subheader("What if you moved some demand?")
    ordered = sorted(shares, key=lambda c: -shares[c])
    c1, c2, c3 = st.columns([1, 1, 2])
    source = c1.selectbox("Move demand from", ordered, key=State.scenario_source.key, format_func=str.capitalize)
    pct = c2.slider("Share of it", 0, 100, 30, step=5, format="%d%%", key=State.scenario_pct.key)
    options = [c for c in CHANNELS if c != source]
    default_targets = [c for c in ordered if c != source][:1] or ["shopify" if source != "shopify" else "woocommerce"]
    targets = c3.multiselect(
        "To", options, default=default_targets, key=f"scenario_to::{source}", format_func=str.capitalize
    )
    st.slider(
        "Buyers who follow the move",
        0,
        100,
        100,
        step=5,
        format="%d%%",
        key=State.scenario_transfer.key,
        help="Share of the moved demand that really arrives at the new channels; the rest is lost.",
    )
    if not targets:
        st.info("Choose at least one channel to move demand to.")
        return
    mix = move_demand(shares, source, pct / 100, targets)
    result = model.to_json([mix])
    scenario = result["scenarios"][0]
    if scenario.get("window_lost") is not None and base.get("window_lost") is not None:
        st.markdown(
            f"With that mix, this outage would have cost **{cur(scenario['window_lost'], currency, 0)}** instead of "
            f"{cur(base['window_lost'], currency, 0)} (net of recapture {cur(scenario['window_net_lost'], currency, 0)})."
        )
    cols = st.columns(3)
    cols[0].metric(
        "Expected outage loss per year",
        cur(scenario["annual_expected_loss"], currency, 0),
        delta=cur(scenario["annual_expected_loss"] - base["annual_expected_loss"], currency, 0),
        delta_color="inverse",
        border=True,
    )
    cols[1].metric(
        "HHI",
        f"{scenario['hhi']:,.0f}",
        delta=f"{scenario['hhi'] - base['hhi']:,.0f}",
        delta_color="inverse",  # less concentration is the good direction
        border=True,
    )
    cols[2].metric(
        "Net benefit per year",
        cur(scenario["annual_net_benefit"], currency, 0),
        border=True,
        help="Risk cut + margin change - fee change, against today's mix. Fees and margins are assumptions "
        "(see below).",
    )
    fig = scenario_charts.mix_comparison_figure(result)
    fig.update_layout(template="plotly_white", font={"family": charts.FONT})
    st.plotly_chart(fig, theme=None, key="scenario_mix", config=CHART_CONFIG)
    sweep = (
        model.sweep(source)
        if sweep_key is None
        else session_cached("scenario_sweep", (*sweep_key, source), lambda: model.sweep(source))
    )
    fig = scenario_charts.loss_vs_share_figure(sweep, source, shares.get(source), currency)
    fig.update_layout(template="plotly_white", font={"family": charts.FONT})
    st.plotly_chart(fig, theme=None, key="scenario_sweep", config=CHART_CONFIG)
    with st.expander("Assumptions: outage rates, fees and margins"):
        assumptions(result["assumptions"])


def assumptions(a: dict) -> None:
    st.dataframe(
        [
            {
                "Provider": r["label"] or r["provider"],
                "Outages per year": r["events_per_year"],
                "Mean hours": r["mean_hours"],
                "Basis": r["basis"],
                "Source": r["source"],
            }
            for r in a["rates"]
        ],
        hide_index=True,
        width="stretch",
    )
    st.dataframe(
        [
            {
                "Channel": c.capitalize(),
                "Fee rate": f"{v['fee_rate']:.1%}",
                "Monthly fee": v["monthly_fee"],
                "Margin": f"{v['margin']:.0%}",
                "Note": v["note"],
            }
            for c, v in a["costs"]["channels"].items()
        ],  # fmt: skip
        hide_index=True,
        width="stretch",
    )
    st.caption(f"{a['years']:,} simulated years, seed {a['seed']}. {a['net_benefit']}")
