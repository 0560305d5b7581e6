"""The Scenarios tab: how concentrated the seller's sales are, the yearly outage risk of that mix, and what moving
some demand to other channels would change."""

from __future__ import annotations

import streamlit as st

from impact.charts import scenarios as scenario_charts
from impact.claim import ClaimPolicy, to_cents
from impact.claim.cover import simulate_cover
from impact.errors import InputError
from impact.present import (
    MINUS,
    channel_name,
    duration,
    format_money,
    number,
    percent,
    plural,
    sentence,
    source_text,
)
from impact.scenarios import ScenarioModel, edit_costs, move_demand
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
    model = with_edits(model, ordered)
    c1, c2, c3 = st.columns([1, 1, 2])
    source = c1.selectbox("Move demand from", ordered, key=State.scenario_source.key, format_func=channel_name)
    pct = c2.slider("Share of it", 0, 100, 30, step=5, format="%d%%", key=State.scenario_pct.key)
    # Only channels the seller has, or has added with their own assumptions: a benefit on a channel they lack would
    # be made of default fees alone.
    options = [c for c in (*ordered, *model.costs.added) if c != source]
    targets = c3.multiselect("To", options, default=options[:1], key=f"scenario_to::{source}", format_func=channel_name)
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
        st.info(
            "Choose a channel to move demand to. To move it to a channel you do not sell on yet, add it under "
            "**Your assumptions** above with its fee, margin and the cost of moving demand."
        )
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
        help="The outage risk it cuts, plus the margin it changes, minus the extra fees and the cost of moving the "
        "demand, against today's mix. Every one of them rests on the assumptions above.",
    )
    st.caption(
        sentence(
            f"moving {format_money(scenario['annual_revenue_moved'], currency, 0)} of sales a year costs about "
            f"{format_money(scenario['annual_moving_cost'], currency, 0)} a year at the assumed "
            f"{percent(model.costs.moving_cost)}; fees change by {format_money(scenario['annual_fee_change'], currency, 0)}, "
            f"margin by {format_money(scenario['annual_margin_change'], currency, 0)} and the outage risk falls by "
            f"{format_money(scenario['annual_risk_reduction'], currency, 0)}"
        ).replace("$", "\\$")
    )
    fig = scenario_charts.mix_comparison_figure(result)
    st.plotly_chart(fig, theme=None, key="scenario_mix", config=CHART_CONFIG)
    sweep = (
        model.sweep(source)
        if sweep_key is None
        else session_cached("scenario_sweep", (*sweep_key, source, repr(model.costs)), lambda: model.sweep(source))
    )
    if sweep:  # a seller on one channel has nowhere to move it to until they add a channel
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


def with_edits(model: ScenarioModel, channels: list[str]) -> ScenarioModel:
    """The model with the seller's own fees, margins, cost of moving demand and added channels (the 'Your
    assumptions' expander), every one shown and editable; the model itself when nothing was changed."""
    costs = model.costs
    with st.expander("Your assumptions: fees, margins, the cost of moving demand, a new channel"):
        rows = [
            {
                "channel": channel_name(c),
                "fee": 100 * costs.cost(c).fee_rate,
                "monthly": costs.cost(c).monthly_fee,
                "margin": 100 * costs.margin_of(c),
            }
            for c in channels
        ]
        edited = st.data_editor(
            rows,
            key="scenario_costs",
            hide_index=True,
            disabled=["channel"],
            column_config={
                "channel": st.column_config.TextColumn("Channel"),
                "fee": st.column_config.NumberColumn("Fee, % of sales", min_value=0.0, max_value=100.0, format="%.2f"),
                "monthly": st.column_config.NumberColumn("Monthly fee", min_value=0.0, format="%.2f"),
                "margin": st.column_config.NumberColumn(
                    "Margin before fees, %", min_value=0.0, max_value=100.0, format="%.1f"
                ),
            },
        )
        moving = st.number_input(
            "Cost of moving demand, % of the sales moved per year",
            0.0,
            100.0,
            100 * costs.moving_cost,
            step=1.0,
            key="scenario_moving_cost",
            help="Promotions, ads and discounts that make buyers follow you to another channel.",
        )
        new = st.selectbox(
            "Add a channel you do not sell on yet",
            ["", *(c for c in CHANNELS if c not in channels and c != "other")],
            key="scenario_new_channel",
            format_func=lambda c: channel_name(c) if c else "None",
        )
        added = {}
        if new:
            c1, c2 = st.columns(2)
            fee = c1.number_input(
                f"{channel_name(new)}: fee, % of sales", 0.0, 100.0, 100 * costs.cost(new).fee_rate, step=0.5
            )
            margin = c2.number_input(
                f"{channel_name(new)}: margin before fees, %", 0.0, 100.0, 100 * costs.margin, step=1.0
            )
            added[new] = (fee / 100, margin / 100)
    by_name = {channel_name(c): c for c in channels}
    edits = edit_costs(
        costs,
        fee_rates={by_name[r["channel"]]: (r["fee"] or 0) / 100 for r in edited},
        monthly_fees={by_name[r["channel"]]: r["monthly"] or 0 for r in edited},
        margins={by_name[r["channel"]]: (r["margin"] or 0) / 100 for r in edited},
        moving_cost=moving / 100,
        added=added,
    )
    return model if edits == costs else model.with_costs(edits)


def assumptions(a: dict) -> None:
    st.dataframe(
        [
            {
                "Provider": r["label"] or r["provider"],
                "Outages per year": number(r["events_per_year"], 1),
                "Typical length": duration(r["mean_hours"]),
                "Basis": sentence(r["basis"]).rstrip("."),
                "Source": source_text(r["source"]),
            }
            for r in a["rates"]
        ],
        hide_index=True,
        width="stretch",
    )
    costs = a["costs"]
    st.caption(
        f"Cost of moving demand: {percent(costs['moving_cost'])} of the sales moved, per year. "
        f"{plural(a['years'], 'simulated year')}. {a['net_benefit']}"
    )
