"""A claim statement: the analysis' figures for each window taken through one policy's arithmetic
(impact.claim.policy), with the base period, the method, the assumptions and an index of exhibits saying where
every number comes from. Built by impact.service.claim; JSON-ready, and what the claim pack (PDF, workbook)
renders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ..errors import InputError
from ..present import english_document, format_money, local_window
from ..windows import Window, iso_utc, parse_utc
from . import policy as pol
from .base_period import prior_year
from .ledger import Ledger
from .policy import Bin, ClaimPolicy

METHOD = {
    "bi": "Business interruption, gross-profit basis: loss of gross profit = rate of gross profit x (standard "
    "turnover - actual turnover) in the indemnity period, i.e. the shortfall less the goods and fees that did not "
    "continue; less the gross profit recaptured after the outage inside the indemnity period (a recapture below zero "
    "is not netted); plus increased cost of working up to the gross profit it avoided losing; less the deductible; "
    "within the limit.",
    "cyber": "Cyber dependent business interruption: income loss = the gross profit lost in the covered hours (no "
    "other cost taken off) less the recapture inside the indemnity period (a recapture below zero is not netted), plus operating expenses that continued "
    "during the covered hours, plus extra expenses; less the money retention (deductible); within the limit.",
    "parametric": "Parametric outage cover: paid = min(limit, hours of the provider's incident beyond the waiting "
    "period x the sum per hour), on the incident record alone, shown beside the measured loss.",
}
BIN_HOURS = {"hour": 1.0, "day": 24.0}
# The cover page's particulars, in its order: what the insurer files the claim under. Blank ones get a line to fill.
COVER_FIELDS = {
    "insured": "Insured",
    "policy_number": "Policy number",
    "incident_reference": "Incident reference",
    "incident_source": "Incident's public source",
    "prepared_by": "Prepared by",
}


def cover_particulars(cover, incident: Mapping | None) -> dict:
    """The cover page's particulars: those given (stripped), the incident's reference and source from the
    provider's record the window matched when the seller gave none."""
    given = {k: " ".join(str((cover or {}).get(k) or "").split()) for k in COVER_FIELDS}
    unknown = {k for k in (cover or {}) if k not in COVER_FIELDS}
    if unknown:
        raise InputError(f"the claim's cover page has no field {sorted(unknown)[0]}")
    if incident and incident.get("url"):
        if not given["incident_reference"]:
            given["incident_reference"] = str(incident.get("name") or incident.get("id") or "")
        if not given["incident_source"]:
            given["incident_source"] = str(incident["url"])
    return given


def _local(t: datetime, tz: str) -> datetime:
    """A naive UTC time in the seller's zone: the ledger's dates are the seller's calendar days."""
    return t.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def _share_counted(revenue: dict) -> float:
    """The share of the recovery hours' excess the recapture estimate counts (all of it for an older analysis)."""
    v = revenue.get("recapture_share_counted")
    return 1.0 if v is None else float(v)


def _hours(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600


def _bins(w: Mapping, start: datetime, phase: str, lo: float, hi: float) -> list[Bin]:
    """The window's hourly rows of one phase as Bins in hours since the outage began, clipped to [lo, hi]; the
    amount is what the phase measures (lost = expected - actual; recaptured = actual - expected)."""
    size = BIN_HOURS.get(w.get("resolution") or "hour", 1.0)
    sign = 1.0 if phase == "outage" else -1.0
    out = []
    for r in w.get("hourly") or []:
        if r.get("phase") != phase:
            continue
        t0 = _hours(start, parse_utc(r["hour"]))
        a, b = max(t0, lo), min(t0 + size, hi)
        if b > a:
            out.append(Bin(a, b, sign * (float(r["expected"]) - float(r["actual"]))))
    return out


def profit_basis(w: Mapping, policy: ClaimPolicy) -> tuple[dict, dict]:
    """(profit figures, rate of gross profit): the profit block, or the revenue figures at the seller's
    --gross-profit-rate (which, given, is used in place of the cost layer's)."""
    rev = w["revenue"]
    r = policy.gross_profit_rate
    if r is not None:
        # The same arithmetic as the profit layer's (impact.costs.profit.window_profit) at the given rate.
        lost, rec = rev["lost"] * r, rev["recaptured"] * r
        net = round(lost, 2) - round(rec, 2)
        return {
            "lost": round(lost, 2),
            "lost_low": round(lost - (rev["lost"] - rev["lost_low"]) * r, 2),
            "lost_high": round(lost + (rev["lost_high"] - rev["lost"]) * r, 2),
            "recaptured": round(rec, 2),
            "net_lost": round(net, 2),
            "net_lost_low": round(net - (rev["net_lost"] - rev["net_lost_low"]) * r, 2),
            "net_lost_high": round(net + (rev["net_lost_high"] - rev["net_lost"]) * r, 2),
        }, {"rate": r, "source": "--gross-profit-rate (given by the seller)"}
    p = w.get("profit")
    if not p:
        raise InputError(
            f"a {policy.kind} claim needs the rate of gross profit: give the product costs (--costs, with --fees "
            "and --ads as they apply) or --gross-profit-rate PCT"
        )
    rate = pol.gross_profit_rate(
        revenue_lost=p["revenue_lost"], costs_saved=p["costs_saved"], fees_saved=p["fees_saved"]
    )
    return dict(p), rate | {"margin_pct": p.get("margin_pct"), "costed_share": p.get("costed_share")}


def assign_expenses(ledger: Ledger, periods: Sequence[tuple[datetime, datetime]]) -> list[list]:
    """The ledger's expenses per window: each to the first window whose period (its start's date to the end of the
    indemnity or recovery period) holds the expense's date. An expense in no period is rejected with its line."""
    per: list[list] = [[] for _ in periods]
    kept = []
    for e in ledger.rows:
        i = next((i for i, (a, b) in enumerate(periods) if a.date() <= e.date <= b.date()), None)
        if i is None:
            spans = ", ".join(f"{a:%Y-%m-%d} to {b:%Y-%m-%d}" for a, b in periods)
            ledger.rejected.append((e.line, f"dated {e.date} outside every claimed outage's period ({spans})"))
        else:
            per[i].append(e)
            kept.append(e)
    ledger.rows = kept
    ledger.rejected.sort()
    return per


def _incident(window: Window, policy: ClaimPolicy, catalog: Sequence[Window]) -> dict:
    """The incident a parametric cover pays on: the catalog entry named by --incident, else the catalog entry that
    overlaps the window most, else the window as given (cited as such)."""
    if policy.incident:
        entry = next((c for c in catalog if c.extra.get("id") == policy.incident), None)
        if entry is None:
            raise InputError(f"--incident: no outage '{policy.incident}' in the catalog")
    else:

        def overlap(c: Window) -> float:
            if c.end is None:
                return 0.0
            return _hours(max(c.start, window.start), min(c.end, window.end))

        entry = max((c for c in catalog if overlap(c) > 0), key=overlap, default=None)
    if entry is None or entry.end is None:
        return {
            "source": "the window given (no catalog entry overlaps it)",
            "start": iso_utc(window.start),
            "end": iso_utc(window.end),
            "hours": window.hours,
        }
    return {
        "source": "outage catalog (data/outages.csv)",
        "id": entry.extra.get("id"),
        "name": entry.title,
        "url": entry.url,
        "precision": entry.precision,
        "start": iso_utc(entry.start),
        "end": iso_utc(entry.end),
        "hours": entry.hours,
    }


def _measured(w: Mapping, policy: ClaimPolicy) -> dict:
    """The seller's measured loss, net of recapture: in profit when the rate of gross profit is known, else in
    revenue, with the analysis' net interval."""
    if w.get("profit") or policy.gross_profit_rate is not None:
        p, _ = profit_basis(w, policy)
        return {
            "basis": "profit net of recapture",
            "value": p["net_lost"],
            "low": p["net_lost_low"],
            "high": p["net_lost_high"],
        }
    r = w["revenue"]
    return {
        "basis": "revenue net of recapture",
        "value": r["net_lost"],
        "low": r["net_lost_low"],
        "high": r["net_lost_high"],
    }


def _recapture_terms(w: Mapping, win: Window, policy: ClaimPolicy, rec_h: float) -> dict:
    """The keywords both bases read the recapture inside the indemnity period with."""
    profit, rate = profit_basis(w, policy)
    hours = _hours(win.start, win.end)
    return {
        "outage_hours": hours,
        "profit": profit,
        "recapture_bins": _bins(w, win.start, "recovery", hours, hours + rec_h),
        "recovery_hours": rec_h,
        "margin": rate["rate"] if rate.get("margin_pct") is None else rate["margin_pct"] / 100,
        "recapture_hours": w["revenue"].get("recapture_hours"),
        "recapture_share": _share_counted(w["revenue"]),
    }


def _bi_window(con, w: Mapping, win: Window, policy: ClaimPolicy, opts, currency, expenses, loss_bins, rec_h) -> tuple:
    rev = w["revenue"]
    hours = _hours(win.start, win.end)
    _, rate = profit_basis(w, policy)
    channels = list(w.get("channels") or [])
    if opts.home_currency:
        prior = {
            "available": False,
            "reason": "amounts are converted to a home currency; the previous year's "
            "turnover is read in the orders' own currency, so the counterfactual stands in",
        }
    else:
        prior = prior_year(con, win.start, win.end, channels, currency)
    std = (
        pol.standard_turnover(prior["turnover"], prior["trend_recent"], prior["trend_year_before"])
        if prior["available"]
        else None
    )
    if std is not None:
        value, trend = std
        standard = {
            "basis": "corresponding period a year before, adjusted for trend",
            "value": float(value),
            "prior_turnover": prior["turnover"],
            "trend": round(trend, 6),
            "counterfactual_expected": rev["expected"],
        }
        shortfall = {"central": float(pol.to_cents(value) - pol.to_cents(rev["actual"])), "low": None, "high": None}
    else:
        standard = {
            "basis": "counterfactual expected turnover (the analysis' baseline)",
            "value": rev["expected"],
            "trend": "in the counterfactual: the day's regression on the channel's other hours, the "
            "unaffected channels and the last week",
            "why": prior.get("reason"),
            # The expected turnover's interval: actual + the loss's ends, so standard - actual is the shortfall.
            "low": float(pol.to_cents(rev["actual"]) + pol.to_cents(rev["lost_low"])),
            "high": float(pol.to_cents(rev["actual"]) + pol.to_cents(rev["lost_high"])),
        }
        shortfall = {"central": rev["lost"], "low": rev["lost_low"], "high": rev["lost_high"]}
    ih = policy.indemnity_hours
    share = pol.share_in(loss_bins, 0.0, ih) if ih is not None and ih < hours else 1.0
    pairs = [(e.amount, e.shortfall_avoided) for e in expenses]
    return pol.bi(
        policy,
        shortfall=shortfall,
        rate=rate,
        standard=standard,
        actual=rev["actual"],
        expenses=pairs,
        indemnity_share=share,
        recapture=pol.recapture_in_indemnity(policy, **_recapture_terms(w, win, policy, rec_h)),
    ), prior


@english_document
def build(
    con,
    analysis: Mapping,
    windows: Sequence[Window],
    opts,
    policy: ClaimPolicy,
    *,
    ledger: Ledger | None = None,
    catalog: Sequence[Window] = (),
    cover: Mapping | None = None,
) -> dict:
    """The statement (see docs/claims.md): {policy, currency, windows, total, analysis, base_period, method,
    assumptions, exhibits, extra_expenses}. `analysis` is run_analysis(...).to_json() of `windows`; `opts` the
    service Options it ran with; `ledger` the extra-expenses ledger (refused whole when a row is rejected)."""
    rec_h = float(analysis.get("recovery_hours") or 0)
    periods = []
    for win in windows:
        end = win.start + timedelta(hours=policy.indemnity_hours) if policy.indemnity_hours else None
        periods.append((_local(win.start, opts.tz), _local(end or win.end + timedelta(hours=rec_h), opts.tz)))
    per_expenses = assign_expenses(ledger, periods) if ledger is not None else [[] for _ in windows]
    if ledger is not None:
        ledger.check()
    rows, bases = [], []
    for i, (w, win) in enumerate(zip(analysis["windows"], windows, strict=True)):
        hours = _hours(win.start, win.end)
        loss_bins = _bins(w, win.start, "outage", 0.0, hours)
        row = {
            "start": w["start"],
            "end": w["end"],
            "channels": w.get("channels"),
            "title": w.get("title") or "",
            "hours": round(hours, 4),
            "revenue": w["revenue"],
            "profit": w.get("profit"),
            "recovery_end": w.get("recovery_end"),
        }
        expenses = per_expenses[i]
        row["incident"] = _incident(win, policy, catalog)
        if policy.kind == "bi":
            row["workings"], base = _bi_window(
                con, w, win, policy, opts, analysis.get("currency"), expenses, loss_bins, rec_h
            )
            bases.append(base)
        elif policy.kind == "cyber":
            extra = sum((e.amount for e in expenses), pol.ZERO)
            row["workings"] = pol.cyber(
                policy, loss_bins=loss_bins, extra_expenses=extra, **_recapture_terms(w, win, policy, rec_h)
            )
        else:
            row["workings"] = pol.parametric(
                policy, incident_hours=row["incident"]["hours"], measured=_measured(w, policy)
            )
        row["expenses"] = [e.to_json() for e in expenses]
        row["claim"] = row["workings"]["claim"]
        rows.append(row)
    total = {"claim": pol.aggregate([r["claim"] for r in rows], policy.limit), "windows": len(rows)}
    if policy.kind == "parametric":
        total["measured_loss"] = {
            k: round(sum(r["workings"]["measured_loss"][k] for r in rows), 2) for k in ("value", "low", "high")
        }
    else:
        total["loss"] = pol.aggregate([r["workings"]["loss"] for r in rows], None)
    return {
        "policy": policy.to_json(),
        "cover": cover_particulars(cover, rows[0]["incident"] if len(rows) == 1 else None),
        "currency": analysis.get("currency"),
        "confidence": analysis.get("confidence"),
        "windows": rows,
        "total": total,
        "analysis": dict(analysis),
        "base_period": _base_period(policy, bases, windows),
        "method": METHOD[policy.kind],
        "assumptions": assumptions(policy, rows, rec_h, analysis.get("currency")),
        "exhibits": exhibits(policy, analysis, rows, ledger),
        "extra_expenses": ledger.to_json() if ledger is not None else None,
    }


def _base_period(policy: ClaimPolicy, bases: list[dict], windows: Sequence[Window]) -> dict:
    if policy.kind == "bi":
        return {"kind": "standard turnover", "windows": bases}
    return {
        "kind": "counterfactual baseline",
        "note": "the analysis' hour-of-week baseline from recent clean weeks, "
        "corrected for the outage's day; calibrated on placebo windows",
        "windows": [[iso_utc(w.start), iso_utc(w.end)] for w in windows],
    }


def assumptions(policy: ClaimPolicy, rows: list[dict], recovery_hours: float, currency: str | None = None) -> list[str]:
    """What the figures assume, in sentences an adjuster can accept or contest."""
    out = [
        "Each window is one outage: the deductible applies per window; the limit applies to each window and to "
        "their total.",
        "Intervals are the analysis' interval taken through the same arithmetic (deductible and limit included); "
        "the claim is filed on the central figure. Window totals add the ends of the intervals (the windows share "
        "one baseline, so their errors move together).",
    ]
    if policy.kind in ("bi", "cyber"):
        rate_src = "--gross-profit-rate" if policy.gross_profit_rate is not None else "the cost files"
        out.append(f"The rate of gross profit is 1 - (goods + fees) / turnover, from {rate_src}.")
    if policy.kind == "bi":
        out += [
            "Standard turnover is the same clock hours 52 weeks before (same weekday) times the trend (the 4 weeks "
            "before the outage over the same 4 weeks a year earlier) where the orders reach back that far; "
            "otherwise the analysis' counterfactual, whose trend is its regression on the outage day.",
            "Increased cost of working is allowed up to the rate of gross profit x the shortfall each expense "
            "avoided; expenses that do not state the shortfall they avoided are capped together at the loss of "
            "gross profit.",
        ]
    if policy.kind == "cyber":
        out += [
            f"Waiting period {policy.waiting:g} h as a {policy.mode} period: "
            + (
                "an outage longer than it is covered from its first hour."
                if policy.mode == "qualifying"
                else "its hours are never covered; the loss after it is split from the hourly workings, not pro rata."
            ),
            f"Recapture is measured over the {recovery_hours:g} h after the outage; inside an indemnity period "
            "shorter than outage + recovery only the recapture before it ends is netted, and the recapture netted "
            "is the covered hours' share of it.",
            "Continuing operating expenses are the hourly amount given x the covered hours; extra expenses from the "
            "ledger are added in full.",
        ]
    if policy.kind == "parametric":
        out.append(
            f"Paid on the provider's incident window, waiting period {policy.waiting:g} h ({policy.mode}); "
            "degradation before or after the recorded window is not paid; the measured loss is shown for comparison "
            "only (the cover needs no proof of loss)."
        )
    below = [r for r in rows if float(((r["workings"].get("recaptured_profit") or {}).get("value")) or 0) < 0]
    for r in below:
        short = format_money(-r["workings"]["recaptured_profit"]["value"], currency, minus="-")
        out.append(
            f"Sales after the outage ended were {short} of gross profit below the baseline; that shortfall is not "
            "claimed and no recapture is netted, so the claim does not exceed the gross profit the outage lost."
        )
    if any((r.get("profit") or {}).get("costed_share") not in (None, 1, 1.0) for r in rows):
        out.append("Some lost revenue had no product cost; it is priced at its channel's median margin.")
    return out


def exhibits(policy: ClaimPolicy, analysis: Mapping, rows: list[dict], ledger: Ledger | None) -> list[dict]:
    """The index of exhibits: each figure of the statement and what it comes from, in words."""
    ex = [
        {
            "id": "E1",
            "figure": "actual and expected sales, revenue lost and recaptured",
            "source": "the seller's order exports (the input files below), summed hour by hour",
        },
        {
            "id": "E2",
            "figure": "hour-by-hour expected and actual sales",
            "source": "hourly.csv and the workbook's Hourly sheet",
        },
        {
            "id": "E3",
            "figure": "the interval of every loss",
            "source": "placebo windows: the same hours on ordinary days of the seller's history (workbook, Placebos)",
        },
    ]
    if policy.kind != "parametric" or any(r.get("profit") for r in rows):
        ex.append(
            {
                "id": "E4",
                "figure": "rate of gross profit; goods and fees that did not continue",
                "source": "the product costs file and the channel fee schedule (workbook, Costs)"
                if policy.gross_profit_rate is None
                else "the rate of gross profit given by the insured",
            }
        )
    if policy.kind == "bi":
        ex.append(
            {
                "id": "E5",
                "figure": "standard turnover and trend",
                "source": "the order exports' corresponding period a year before and the 4 weeks before the outage",
            }
        )
    if ledger is not None:
        ex.append(
            {
                "id": "E6",
                "figure": "extra expenses / increased cost of working",
                "source": f"{ledger.name}: {len(ledger.rows)} expenses with receipt references",
            }
        )
    for r in rows:
        inc = r.get("incident")
        if inc and inc.get("url"):
            ex.append(
                {
                    "id": f"E{len(ex) + 1}",
                    "figure": f"incident {local_window(inc['start'], inc['end'], 'UTC', zone=True)}",
                    "source": f"{inc['name']}: {inc['url']}",
                }
            )
    return ex
