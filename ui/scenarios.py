"""The Scenarios tab: how concentrated the seller's sales are, the yearly outage risk of that mix, and what moving
some demand to other channels would change."""

from __future__ import annotations

import streamlit as st

from impact.charts import scenarios as scenario_charts
from impact.claim import ClaimPolicy, to_cents
from impact.claim.cover import simulate_cover
from impact.errors import InputError
from impact.present import MINUS, channel_name, format_money, number, percent, plural, sentence
from impact.scenarios import ScenarioModel, move_demand
from impact.store import CHANNELS
from ui.common import CHART_CONFIG, escape_dollars
from ui.results import Results
from ui.state import State, session_cached, state


def delta(text: str) -> str:
    """A figure written by impact.present as an st.metric delta: st.metric colours a delta by a leading ASCII '-',
    which present's typographic minus is not."""
    return text.replace(MINUS, "-")


def render(results: Results) -> None:
    transfer = state.scenario_transfer / 100
    res, _ = results.analysis()
    model = results.scenario_model(transfer)
    scenarios(model, results.opts.currency, measured=res is not None, sweep_key=results.scenario_key(transfer))


def scenarios(model: ScenarioModel, currency: str | None, measured: bool, sweep_key: tuple | None = None) -> None:
    """The baseline risk of today's mix and the what-if of moving demand; `measured` when the model was calibrated
    on this window's loss. Sweeps are kept in the session under `sweep_key` (recomputed when it is None)."""
    shares = model.current_shares
    if not shares:
        st.info("There is no revenue to build scenarios from.")
        return
    base = model.baseline()
    cols = st.columns(3)
    cols[0].metric(
        "Channel concentration (HHI)",
        number(base["hhi"]),
        border=True,
        help="Herfindahl-Hirschman index of revenue shares: 10,000 = one channel, 5,000 = two equal channels.",
    )
    cols[1].metric(
        "Expected outage loss per year", format_money(base["annual_expected_loss"], currency, 0), border=True
    )
    cols[2].metric("1 year in 20 loses more than", format_money(base["annual_p95_loss"], currency, 0), border=True)
    if measured:
        impacts = model.impacts
        hit = [c for c in shares if c in (model.affected or ())]
        described = "; ".join(
            f"{channel_name(c)} loses {percent(impacts[c]['lost_frac'])} of its sales, "
            f"{percent(impacts[c]['recapture_frac'])} of that comes back"
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
    source = c1.selectbox("Move demand from", ordered, key=State.scenario_source.key, format_func=channel_name)
    pct = c2.slider("Share of it", 0, 100, 30, step=5, format="%d%%", key=State.scenario_pct.key)
    options = [c for c in CHANNELS if c != source]
    default_targets = [c for c in ordered if c != source][:1] or ["shopify" if source != "shopify" else "woocommerce"]
    targets = c3.multiselect(
        "To", options, default=default_targets, key=f"scenario_to::{source}", format_func=channel_name
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
            escape_dollars(
                f"With that mix, this outage would have cost **{format_money(scenario['window_lost'], currency, 0)}** "
                f"instead of {format_money(base['window_lost'], currency, 0)} (net of recapture "
                f"{format_money(scenario['window_net_lost'], currency, 0)})."
            )
        )
    cols = st.columns(3)
    cols[0].metric(
        "Expected outage loss per year",
        format_money(scenario["annual_expected_loss"], currency, 0),
        delta=format_money(scenario["annual_expected_loss"] - base["annual_expected_loss"], currency, 0, minus="-"),
        delta_color="inverse",
        border=True,
    )
    cols[1].metric(
        "HHI",
        number(scenario["hhi"]),
        delta=delta(number(scenario["hhi"] - base["hhi"])),
        delta_color="inverse",  # less concentration is the good direction
        border=True,
    )
    cols[2].metric(
        "Net benefit per year",
        format_money(scenario["annual_net_benefit"], currency, 0),
        border=True,
        help="Risk cut + margin change - fee change, against today's mix. Fees and margins are assumptions "
        "(see below).",
    )
    fig = scenario_charts.mix_comparison_figure(result)
    st.plotly_chart(fig, theme=None, key="scenario_mix", config=CHART_CONFIG)
    sweep = (
        model.sweep(source)
        if sweep_key is None
        else session_cached("scenario_sweep", (*sweep_key, source), lambda: model.sweep(source))
    )
    fig = scenario_charts.loss_vs_share_figure(sweep, source, shares.get(source), currency)
    st.plotly_chart(fig, theme=None, key="scenario_sweep", config=CHART_CONFIG)
    with st.expander("Assumptions: outage rates, fees and margins"):
        assumptions(result["assumptions"])
    with st.expander("Would cover have paid?"):
        cover(model, currency)


POLICY_KINDS = {
    "cyber": "Cyber (dependent business interruption)",
    "parametric": "Parametric outage cover",
    "bi": "Business interruption (gross profit)",
}


def cover(model: ScenarioModel, currency: str | None) -> None:
    """A policy's terms and what it would have paid over the simulated years of today's mix (impact.claim.cover)."""
    c1, c2, c3 = st.columns(3)
    kind = c1.selectbox("Policy", list(POLICY_KINDS), key=State.cover_kind.key, format_func=POLICY_KINDS.get)
    terms: dict = {}
    if kind != "bi":
        terms["waiting_hours"] = c2.number_input(
            "Waiting period (hours)", 0.0, 720.0, 12.0, step=1.0, key=State.cover_waiting.key
        )
        terms["waiting_mode"] = c3.radio(
            "Waiting period applies as",
            ["qualifying", "retention"],
            index=0 if kind == "cyber" else 1,
            key=f"{State.cover_mode.key}::{kind}",
            horizontal=True,
            help="Qualifying: once exceeded, covered from the first hour. Retention: its hours are never covered.",
        )
    c4, c5 = st.columns(2)
    if kind == "parametric":
        terms["hourly_sum"] = c4.number_input(
            "Sum per hour", 0.0, value=100.0, step=50.0, key=State.cover_hourly_sum.key
        )
    else:
        terms["deductible"] = c4.number_input(
            "Deductible per outage", 0.0, value=0.0, step=50.0, key=State.cover_deductible.key
        )
    limit = c5.number_input("Limit (0 = none)", 0.0, value=0.0, step=1000.0, key=State.cover_limit.key)
    terms = {k: to_cents(v) if k in ("hourly_sum", "deductible") else v for k, v in terms.items()}
    try:
        policy = ClaimPolicy(kind, limit=to_cents(limit) if limit > 0 else None, **terms)
        res = simulate_cover(model, policy)
    except InputError as exc:
        st.warning(str(exc))
        return
    cols = st.columns(4)
    cols[0].metric("Expected yearly recovery", format_money(res["expected_yearly_recovery"], currency, 0), border=True)
    cols[1].metric("Loss left uncovered per year", format_money(res["expected_uncovered"], currency, 0), border=True)
    cols[2].metric(
        "Years the cover pays",
        percent(res["p_exceeds_retention"]),
        border=True,
        help="The chance a year's outage loss exceeds the retention (waiting period and deductible).",
    )
    cols[3].metric(
        "Break-even premium per year",
        format_money(res["break_even_premium"], currency, 0),
        border=True,
        help="A premium above the expected yearly recovery costs more than the cover pays back on average.",
    )
    st.caption(" ".join(res["assumptions"]))


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
                "Channel": channel_name(c),
                "Fee rate": percent(v["fee_rate"], 1),
                "Monthly fee": v["monthly_fee"],
                "Margin": percent(v["margin"]),
                "Note": v["note"],
            }
            for c, v in a["costs"]["channels"].items()
        ],
        hide_index=True,
        width="stretch",
    )
    st.caption(f"{plural(a['years'], 'simulated year')}, seed {a['seed']}. {sentence(a['net_benefit'])}")
