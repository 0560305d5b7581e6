"""The claim statement in words: each figure of a window's workings as (label, how it is computed, figure), the base
period as sentences, the policy's terms as rows. The PDF renders these and nothing else of the statement, so a reader
never sees a field name, a flag or an unrounded float.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..present import format_money, local_time, local_window, number, percent
from .manifest import Figure, StatementView, WindowFigures


def _m(value: float | None, currency: str) -> str:
    return format_money(value, currency, minus="-")


def fig(raw) -> Figure:
    """A statement figure ({'value', 'low', 'high'} or a number) as a Figure; a missing end takes the central's."""
    if isinstance(raw, Mapping):
        value = float(raw.get("value") or 0.0)
        low, high = raw.get("low"), raw.get("high")
        return Figure(value, value if low is None else float(low), value if high is None else float(high))
    value = float(raw or 0.0)
    return Figure(value, value, value)


def hours(h: float | None) -> str:
    return f"{number(h or 0.0, 1)} h"


def _terms_words(view: StatementView) -> str:
    limit = view.policy.get("limit")
    return "the loss less the deductible, not below zero" + (
        f", within the limit of {_m(limit, view.currency)}" if limit is not None else ""
    )


def _bi(view: StatementView, res: Mapping) -> list[tuple[str, str, object]]:
    cur = view.currency
    std = res.get("standard_turnover") or {}
    rate = res.get("rate_of_gross_profit") or {}
    share = float(res.get("indemnity_share") or 1.0)
    prior = "previous year" in str(std.get("basis") or "") or "year before" in str(std.get("basis") or "")
    std_how = (
        "the same clock hours 52 weeks before, times the trend of the 4 weeks before the outage"
        if prior
        else "the sales expected in the outage hours (the baseline of recent weeks, corrected for the day)"
    )
    short_how = "standard turnover - actual turnover" + (
        f", {percent(share, 1)} of it inside the indemnity period" if share < 1 else ""
    )
    rate_how = (
        "given by the insured"
        if "given" in str(rate.get("source") or "")
        else "1 - (cost of goods + channel fees) / turnover, from the product costs and fee schedule"
    )
    sav = res.get("savings") or {}
    goods, fees = fig(sav.get("goods")), fig(sav.get("fees"))
    icow = res.get("increased_cost_of_working") or {}
    recap = fig(res.get("recaptured_profit"))
    return [
        ("Standard turnover", std_how, fig(std)),
        ("Actual turnover", "sales recorded in the outage hours", fig(res.get("actual_turnover"))),
        ("Shortfall in turnover (revenue lost)", short_how, fig(res.get("shortfall"))),
        ("Rate of gross profit", rate_how, percent(float(rate.get("rate") or 0.0), 2)),
        ("Gross profit lost", "rate of gross profit x shortfall", fig(res.get("loss_of_gross_profit"))),
        (
            "Costs that did not continue",
            f"shortfall - gross profit lost: goods {_m(goods.value, cur)}, fees {_m(fees.value, cur)}",
            Figure(goods.value + fees.value, goods.low + fees.low, goods.high + fees.high),
        ),
        ("Gross profit recaptured after the outage", _recapture_how(recap, cur), recap),
        ("Less recapture netted", "the recapture above, none when below zero", fig(res.get("recapture_netted"))),
        (
            "Plus increased cost of working allowed",
            f"{_m(icow.get('claimed'), cur)} claimed, allowed up to the gross profit it avoided losing",
            fig(icow.get("allowed")),
        ),
        (
            "Loss claimed for",
            "gross profit lost - recapture netted + increased cost of working",
            fig(res.get("loss")),
        ),
        ("Less deductible", "per outage, from the policy", fig(res.get("deductible"))),
        ("Claim", _terms_words(view), fig(res.get("claim"))),
    ]


def _recapture_how(recap: Figure, cur: str) -> str:
    if recap.value < 0:
        return (
            f"sales after the outage were {_m(-recap.value, cur)} of gross profit below the baseline; that is not "
            "claimed (the low and high columns are the ends that go with the claim's)"
        )
    return (
        "sales above the baseline in the recovery period, at the margin, inside the indemnity period (the low and "
        "high columns are the ends that go with the claim's)"
    )


def _cyber(view: StatementView, res: Mapping) -> list[tuple[str, str, object]]:
    cur = view.currency
    mode = res.get("waiting_mode") or "qualifying"
    wait = float(res.get("waiting_hours") or 0.0)
    covered_how = (
        "no waiting period"
        if wait == 0
        else f"waiting period {hours(wait)} as a qualifying period: an outage longer than it is covered from its "
        "first hour"
        if mode == "qualifying"
        else f"waiting period {hours(wait)} as a time retention: only the hours after it are covered"
    )
    per_hour = view.policy.get("continuing_expenses_per_hour") or 0.0
    recap = fig(res.get("recaptured_profit"))
    return [
        ("Outage duration", "from the start to the end of the outage window", hours(res.get("outage_hours"))),
        ("Hours covered", covered_how, hours(res.get("covered_hours"))),
        (
            "Share of the loss in the covered hours",
            "the covered hours' part of the hour-by-hour lost sales",
            percent(float(res.get("covered_share_of_loss") or 0.0), 2),
        ),
        (
            "Gross profit lost in the outage",
            "lost sales at their margin, less channel fees",
            fig(res.get("profit_lost")),
        ),
        (
            "Gross profit lost in the covered hours",
            "share of the loss in the covered hours x gross profit lost",
            fig(res.get("profit_lost_covered")),
        ),
        ("Gross profit recaptured after the outage", _recapture_how(recap, cur), recap),
        (
            "Less recapture netted",
            "share of the loss in the covered hours x the recapture, none when below zero",
            fig(res.get("recapture_netted")),
        ),
        ("Income loss", "gross profit lost in the covered hours - recapture netted", fig(res.get("income_loss"))),
        (
            "Plus operating expenses that continued",
            f"{_m(per_hour, cur)} per hour x hours covered",
            fig(res.get("continuing_expenses")),
        ),
        ("Plus extra expenses", "the expenses ledger, with receipts", fig(res.get("extra_expenses"))),
        ("Loss claimed for", "income loss + continuing operating expenses + extra expenses", fig(res.get("loss"))),
        ("Less deductible", "per outage, from the policy", fig(res.get("deductible"))),
        ("Claim", _terms_words(view), fig(res.get("claim"))),
    ]


def _parametric(view: StatementView, w: WindowFigures, tz: str) -> list[tuple[str, str, object]]:
    res = w.res
    inc = w.incident or {}
    mode = res.get("waiting_mode") or "retention"
    wait = float(res.get("waiting_hours") or 0.0)
    paid_how = (
        f"all the incident's hours once it exceeds the {hours(wait)} waiting period"
        if mode == "qualifying"
        else f"the incident's hours beyond the {hours(wait)} waiting period"
    )
    measured = res.get("measured_loss") or {}
    basis = "gross profit" if "profit" in str(measured.get("basis") or "") else "revenue"
    return [
        (
            "Incident duration",
            f"{inc.get('name') or 'the outage window'}: {local_window(inc.get('start') or w.start, inc.get('end') or w.end, tz)}",
            hours(res.get("incident_hours")),
        ),
        ("Hours paid", paid_how, hours(res.get("paid_hours"))),
        ("Sum per hour", "from the policy", fig(res.get("hourly_sum"))),
        ("Payout before the limit", "hours paid x sum per hour", fig(res.get("before_limit"))),
        ("Payout", "within the limit" if view.policy.get("limit") is not None else "no limit", fig(res.get("claim"))),
        (
            f"Measured loss ({basis} net of recapture)",
            "for comparison only: the cover pays on the incident record",
            fig(measured),
        ),
        (
            "Payout minus measured loss",
            "above zero: more than the loss; below zero: the part of the loss the cover leaves",
            fig(res.get("difference")),
        ),
    ]


def window_lines(view: StatementView, w: WindowFigures, tz: str) -> list[tuple[str, str, object]]:
    """(label, how it is computed, Figure or formatted text) for each line of one window's workings."""
    if view.kind == "bi":
        return _bi(view, w.res)
    if view.kind == "cyber":
        return _cyber(view, w.res)
    return _parametric(view, w, tz)


def summary_lines(view: StatementView) -> list[tuple[str, Figure]]:
    """The figures of the summary, each labelled with exactly what it is, totalled over the windows."""

    def total(get) -> Figure:
        figs = [get(w) for w in view.windows]
        return Figure(sum(f.value for f in figs), sum(f.low for f in figs), sum(f.high for f in figs))

    revenue = total(
        lambda w: fig({k: w.revenue.get(f"lost{s}") for k, s in (("value", ""), ("low", "_low"), ("high", "_high"))})
    )
    rows = [("Revenue lost in the outage (expected - actual sales)", revenue)]
    if view.kind == "bi":
        rows.append(("Gross profit lost", total(lambda w: fig(w.res.get("loss_of_gross_profit")))))
    elif view.kind == "cyber":
        rows.append(("Gross profit lost", total(lambda w: fig(w.res.get("profit_lost")))))
    else:
        rows.append(("Measured loss, net of recapture", total(lambda w: fig(w.res.get("measured_loss")))))
    if view.kind != "parametric":
        rows.append(("Loss claimed for (after recapture and expenses)", total(lambda w: fig(w.res.get("loss")))))
    rows.append(("Claim" if view.kind != "parametric" else "Payout", fig(vars(view.claim))))
    return rows


def terms_lines(view: StatementView) -> list[tuple[str, str]]:
    """The policy's terms in words."""
    p, cur = view.policy, view.currency
    rows = []
    if view.kind != "bi":
        wait = float(p.get("waiting_hours") or 0.0)
        rows.append(("Waiting period", f"{hours(wait)}, as a {p.get('waiting_mode')} period" if wait else "none"))
    if view.kind != "parametric":
        rows.append(("Deductible (per outage)", _m(p.get("deductible") or 0.0, cur)))
    rows.append(("Limit", _m(p["limit"], cur) if p.get("limit") is not None else "none"))
    if p.get("hourly_sum") is not None:
        rows.append(("Sum per hour", _m(p["hourly_sum"], cur)))
    if view.kind != "parametric":
        days = p.get("indemnity_days")
        rows.append(("Indemnity period", f"{number(days, 1)} days from the outage's start" if days else "not limited"))
    if p.get("gross_profit_rate") is not None:
        rows.append(("Rate of gross profit (given)", percent(float(p["gross_profit_rate"]), 1)))
    return rows


def base_sentences(view: StatementView, tz: str) -> list[str]:
    """The base period in sentences: for business interruption whether the previous year was available, and why."""
    base = view.base if isinstance(view.base, Mapping) else {}
    if view.kind != "bi":
        return [
            "The expected sales are the seller's own hour-of-week baseline from recent weeks without outages, "
            "corrected for the outage day, its interval calibrated on ordinary days at the same hours."
        ]
    out = []
    for i, b in enumerate(base.get("windows") or []):
        if not isinstance(b, Mapping):
            continue
        period = local_window(b.get("start"), b.get("end"), tz) if b.get("start") else "the year before"
        lead = f"Window {i + 1}: t" if len(view.windows) > 1 else "T"
        if b.get("available"):
            out.append(
                f"{lead}he corresponding period a year before ({period}) sold {_m(b.get('turnover'), view.currency)}; "
                f"the 4 weeks before the outage sold {_m(b.get('trend_recent'), view.currency)} against "
                f"{_m(b.get('trend_year_before'), view.currency)} in the same weeks a year earlier, and standard "
                "turnover is the former adjusted by that trend."
            )
        else:
            need = local_time(b.get("needs_orders_from"), tz, "%d %b %Y") if b.get("needs_orders_from") else ""
            out.append(
                f"{lead}he corresponding period a year before ({period}) could not be used: the order history "
                + (
                    f"would need to start by {need} (a year and 4 weeks of trend before the outage)"
                    if need
                    else "is too short"
                )
                + ", so standard turnover is the sales expected from the seller's recent weeks."
            )
    return out or base_sentences_default()


def base_sentences_default() -> list[str]:
    return ["Standard turnover is the sales expected from the seller's recent weeks."]
