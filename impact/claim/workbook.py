"""workbook.xlsx of the claim pack (XlsxWriter): Inputs, Hourly, Placebos, Costs and Policy, where every derived
cell of the policy arithmetic is a formula over the Inputs and Hourly cells an accountant can audit, written with
its result so that a reader without a calculation engine sees the number too.

The arithmetic is declared once per policy kind in STEPS as formula templates: `{name}` is a window input (its
central, low or high column) or an earlier step, `{P:name}` a policy option. The same template gives the Excel
formula and, through `evaluate`, the cached result.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from ..csvsafe import neutralise
from .manifest import KIND_NAMES, StatementView, WindowFigures

INPUT_ROWS = {  # per policy kind: key, label, unit, where it comes from (the statement's window workings)
    "parametric": [
        ("incident_hours", "Incident duration (provider's record)", "hours", "statement: incident_hours"),
    ],
    "cyber": [
        ("outage_hours", "Outage duration", "hours", "statement: outage_hours"),
        (
            "covered_hours",
            "Hours covered (after the waiting period, in the indemnity period)",
            "hours",
            "statement: covered_hours",
        ),
        ("profit_lost", "Profit lost in the outage", "money", "profit layer: profit.lost (with its interval)"),
        (
            "covered_share",
            "Share of the loss in the covered hours",
            "rate",
            "statement: covered_share_of_loss (hour-by-hour loss, Hourly sheet)",
        ),
        (
            "recaptured_profit",
            "Profit recaptured after the outage",
            "money",
            "profit layer: profit.recaptured (ends: lost - net_lost)",
        ),
        (
            "recapture_share",
            "Share of the recapture inside the indemnity period",
            "rate",
            "statement: recapture_share_in_indemnity",
        ),
        (
            "continuing_expenses",
            "Operating expenses that continued (covered hours)",
            "money",
            "statement: continuing_expenses",
        ),
        ("extra_expenses", "Extra expenses (ledger)", "money", "statement: extra_expenses"),
    ],
    "bi": [
        ("standard_turnover", "Standard turnover", "money", "statement: standard_turnover (base period, trend)"),
        ("actual_turnover", "Actual turnover", "money", "statement: actual_turnover"),
        ("shortfall", "Shortfall in turnover (in the indemnity period)", "money", "statement: shortfall"),
        ("gross_profit_rate", "Rate of gross profit", "rate", "statement: rate_of_gross_profit"),
        ("goods_rate", "Goods not bought, share of turnover", "rate", "profit layer: costs_saved / revenue_lost"),
        ("fees_rate", "Fees not charged, share of turnover", "rate", "profit layer: fees_saved / revenue_lost"),
        (
            "icow_allowed",
            "Increased cost of working allowed (economic limit)",
            "money",
            "statement: increased_cost_of_working.allowed (ledger)",
        ),
    ],
}
POLICY_ROWS = [
    ("waiting_hours", "Waiting period", "hours"),
    ("deductible", "Deductible (money retention)", "money"),
    ("limit", "Limit", "money"),
    ("hourly_sum", "Sum per hour", "money"),
    ("indemnity_days", "Indemnity period", "days"),
]


def _terms(view: StatementView, loss: str) -> str:
    """min(limit, max(0, loss - deductible)), as impact.claim.policy.apply_terms."""
    paid = f"MAX(0,{loss}-{{P:deductible}})"
    return f"MIN({{P:limit}},{paid})" if view.policy.get("limit") is not None else paid


def steps(view: StatementView) -> list[tuple[str, str, str]]:
    """The policy arithmetic of the view's kind and options (impact.claim.policy's, step by step, money rounded to
    the cent as it is there): (key, label, template), the last one the claim."""
    p = view.policy
    if view.kind == "parametric":
        hours = (
            "IF({incident_hours}>{P:waiting_hours},{incident_hours},0)"
            if p.get("waiting_mode") == "qualifying"
            else "MAX(0,{incident_hours}-{P:waiting_hours})"
        )
        gross = "ROUND({paid_hours}*{P:hourly_sum},2)"
        return [
            ("paid_hours", f"Hours paid ({p.get('waiting_mode')} waiting period)", hours),
            ("before_limit", "Hours paid x sum per hour", gross),
            ("claim", "Payout", "MIN({P:limit},{before_limit})" if p.get("limit") is not None else "{before_limit}"),
        ]
    if view.kind == "cyber":
        return [
            ("covered", "Profit lost in the covered hours", "ROUND({covered_share}*{profit_lost},2)"),
            (
                "netted",
                "Less the recapture of those hours inside the indemnity period",
                "ROUND({covered_share}*{recapture_share}*{recaptured_profit},2)",
            ),
            ("income", "Income loss", "{covered}-{netted}"),
            ("loss", "Plus continuing and extra expenses", "{income}+{continuing_expenses}+{extra_expenses}"),
            ("claim", "Claim: less the deductible, within the limit", _terms(view, "{loss}")),
        ]
    return [
        ("goods", "Goods not bought (saved)", "ROUND({goods_rate}*{shortfall},2)"),
        ("fees", "Fees not charged (saved)", "ROUND({fees_rate}*{shortfall},2)"),
        ("lgp", "Loss of gross profit", "{shortfall}-{goods}-{fees}"),
        ("loss", "Plus increased cost of working", "{lgp}+{icow_allowed}"),
        ("claim", "Claim: less the deductible, within the limit", _terms(view, "{loss}")),
    ]


def _round(x: float, n: int) -> float:
    """Excel's ROUND: half away from zero."""
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-int(n)), rounding=ROUND_HALF_UP))


_TOKEN = re.compile(r"\{(P:)?([a-z_]+)\}")


def evaluate(template: str, values: dict[str, float], policy: dict) -> float:
    """The template's result for these inputs (MIN, MAX, IF, ROUND and arithmetic only)."""

    def sub(m: re.Match) -> str:
        v = policy.get(m.group(2)) if m.group(1) else values[m.group(2)]
        return repr(float(v or 0.0))

    expr = _TOKEN.sub(sub, template)
    env = {"MIN": min, "MAX": max, "IF": lambda c, a, b: a if c else b, "ROUND": _round, "__builtins__": {}}
    return float(eval(expr, env))  # noqa: S307 - our own templates, numbers substituted


def _col(i: int) -> str:
    return "BCD"[i]


def write_workbook(view: StatementView, *, stamp: datetime, tz: str) -> bytes:
    """The workbook's bytes: the same view and stamp give the same bytes."""
    import xlsxwriter  # only a workbook being written loads XlsxWriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": False})
    wb.set_properties(
        {"title": "Outage claim workings", "author": "Outage Impact", "created": stamp.replace(tzinfo=None)}
    )
    bold = wb.add_format({"bold": True})
    head = wb.add_format({"bold": True, "bottom": 1, "bg_color": "#eef2f7"})
    money_f = wb.add_format({"num_format": "#,##0.00"})
    money_b = wb.add_format({"num_format": "#,##0.00", "bold": True})
    rate_f = wb.add_format({"num_format": "0.00%"})
    num_f = wb.add_format({"num_format": "0.00"})
    formats = {"money": money_f, "rate": rate_f, "hours": num_f, "days": num_f}
    cur = view.currency

    def text(ws, row, col, value, fmt=None):
        ws.write_string(row, col, neutralise(str(value)), fmt)

    # -- Inputs ------------------------------------------------------------------------------------------------
    ws = wb.add_worksheet("Inputs")
    ws.set_column(0, 0, 44)
    ws.set_column(1, 3, 14)
    ws.set_column(4, 5, 40)
    text(ws, 0, 0, f"Claim inputs ({KIND_NAMES[view.kind]}), amounts in {cur}", bold)
    for c, h in enumerate(["Policy option", "Value", "", "", "Unit"]):
        text(ws, 2, c, h, head)
    policy_cells: dict[str, str] = {}
    r = 3
    for key, label, unit in POLICY_ROWS:
        value = view.policy.get(key)
        text(ws, r, 0, label)
        if value is None:
            text(ws, r, 1, "none")
        else:
            ws.write_number(r, 1, float(value), formats[unit])
        text(ws, r, 4, unit if unit != "money" else cur)
        policy_cells[key] = f"Inputs!$B${r + 1}"
        r += 1
    text(ws, r, 0, "Waiting period mode")
    text(ws, r, 1, view.policy.get("waiting_mode") or "")
    r += 1
    for key in sorted(k for k in view.policy if k not in {k for k, _, _ in POLICY_ROWS} | {"waiting_mode"}):
        value = view.policy[key]
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text(ws, r, 0, key)
            ws.write_number(r, 1, float(value)) if isinstance(value, int | float) else text(ws, r, 1, value)
            r += 1
    window_cells: list[dict[str, list[str]]] = []
    for w in view.windows:
        r += 1
        text(ws, r, 0, f"Window {w.index + 1}: {w.title}, {w.start} to {w.end} (UTC)", bold)
        r += 1
        for c, h in enumerate(["Input", "Central", "Low", "High", "Unit", "Source"]):
            text(ws, r, c, h, head)
        r += 1
        cells: dict[str, list[str]] = {}
        for key, label, unit, source in INPUT_ROWS[view.kind]:
            f = w.inputs[key]
            text(ws, r, 0, label)
            for i, v in enumerate(
                (f.value, f.low if f.low is not None else f.value, f.high if f.high is not None else f.value)
            ):
                ws.write_number(r, 1 + i, float(v), formats[unit])
            text(ws, r, 4, cur if unit == "money" else unit)
            text(ws, r, 5, source)
            cells[key] = [f"Inputs!{_col(i)}{r + 1}" for i in range(3)]
            r += 1
        window_cells.append(cells)

    # -- Hourly --------------------------------------------------------------------------------------------------
    ws = wb.add_worksheet("Hourly")
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 10, 13)
    header = [
        "Window",
        "Hour (UTC)",
        "Channel",
        "Phase",
        "Actual",
        "Expected",
        "Band low",
        "Band high",
        "Shortfall",
        "In outage",
        "Shortfall in outage",
    ]
    for c, h in enumerate(header):
        text(ws, 0, c, h, head)
    r = 1
    hourly_ranges: list[tuple[int, int] | None] = []
    hourly_sums: list[float] = []
    for w in view.windows:
        first, total = r, 0.0
        for row in sorted(w.hourly, key=lambda x: (str(x.get("channel")), str(x.get("hour")))):
            actual, expected = float(row.get("actual") or 0.0), float(row.get("expected") or 0.0)
            inside = 1 if row.get("phase") == "outage" else 0
            ws.write_number(r, 0, w.index + 1)
            text(ws, r, 1, str(row.get("hour") or ""))
            text(ws, r, 2, str(row.get("channel") or ""))
            text(ws, r, 3, str(row.get("phase") or ""))
            ws.write_number(r, 4, actual, money_f)
            ws.write_number(r, 5, expected, money_f)
            ws.write_number(r, 6, float(row.get("low") or 0.0), money_f)
            ws.write_number(r, 7, float(row.get("high") or 0.0), money_f)
            ws.write_formula(r, 8, f"=F{r + 1}-E{r + 1}", money_f, expected - actual)
            ws.write_number(r, 9, inside)
            ws.write_formula(r, 10, f"=I{r + 1}*J{r + 1}", money_f, (expected - actual) * inside)
            total += (expected - actual) * inside
            r += 1
        hourly_ranges.append((first + 1, r) if r > first else None)
        hourly_sums.append(total)

    # -- Placebos ------------------------------------------------------------------------------------------------
    ws = wb.add_worksheet("Placebos")
    ws.set_column(0, 0, 36)
    ws.set_column(1, 4, 16)
    text(ws, 0, 0, "Calibration of the interval on placebo windows (the same hours on ordinary days)", bold)
    text(ws, 1, 0, "The analysis exposes the number of placebo windows and the method, not each placebo's figure.")
    for c, h in enumerate(["Window", "Placebo windows", "Interval method", "Confidence", "P(effect)"]):
        text(ws, 3, c, h, head)
    a_windows = view.analysis.get("windows") or []
    for i, w in enumerate(view.windows):
        aw = a_windows[i] if i < len(a_windows) else {}
        text(ws, 4 + i, 0, f"{w.index + 1}: {w.title}")
        ws.write_number(4 + i, 1, float(aw.get("placebos") or 0))
        text(ws, 4 + i, 2, aw.get("interval_method") or "")
        ws.write_number(4 + i, 3, float(view.confidence or 0.0), rate_f)
        p_effect = (aw.get("revenue") or {}).get("p_effect")
        ws.write_number(4 + i, 4, float(p_effect), rate_f) if p_effect is not None else text(ws, 4 + i, 4, "n/a")

    # -- Costs ---------------------------------------------------------------------------------------------------
    ws = wb.add_worksheet("Costs")
    ws.set_column(0, 1, 22)
    ws.set_column(2, 9, 14)
    r = 0
    for i, w in enumerate(view.windows):
        profit = (a_windows[i] if i < len(a_windows) else {}).get("profit")
        text(ws, r, 0, f"Window {w.index + 1}: {w.title}", bold)
        r += 1
        if not profit:
            text(ws, r, 0, "No cost inputs: the profit block is not available for this window.")
            r += 2
            continue
        for key in (
            "lost",
            "lost_low",
            "lost_high",
            "net_lost",
            "net_lost_low",
            "net_lost_high",
            "recaptured",
            "costs_saved",
            "fees_saved",
            "ad_spend_window",
            "ad_spend_wasted",
            "revenue_lost",
        ):
            if profit.get(key) is not None:
                text(ws, r, 0, f"profit.{key}")
                ws.write_number(r, 2, float(profit[key]), money_f)
                text(ws, r, 3, cur)
                r += 1
        for key in ("margin_pct", "costed_share"):
            if profit.get(key) is not None:
                text(ws, r, 0, f"profit.{key}")
                value = float(profit[key]) / (100 if key == "margin_pct" else 1)
                ws.write_number(r, 2, value, rate_f)
                r += 1
        for table, cols in (
            (
                "by_channel",
                [
                    "channel",
                    "lost",
                    "profit_lost",
                    "costs_saved",
                    "fees_saved",
                    "ad_spend_wasted",
                    "margin_pct",
                    "costed_share",
                ],
            ),
            ("by_sku", ["sku", "channel", "lost", "profit_lost", "margin_pct", "costed"]),
        ):
            rows = profit.get(table) or []
            if not rows:
                continue
            r += 1
            text(ws, r, 0, f"By {table[3:]}", bold)
            r += 1
            for c, h in enumerate(cols):
                text(ws, r, c, h, head)
            r += 1
            for row in rows:
                for c, k in enumerate(cols):
                    v = row.get(k)
                    if isinstance(v, bool) or v is None:
                        text(ws, r, c, "" if v is None else ("yes" if v else "no"))
                    elif isinstance(v, int | float):
                        ws.write_number(r, c, float(v), money_f if k not in ("margin_pct", "costed_share") else num_f)
                    else:
                        text(ws, r, c, v)
                r += 1
        r += 2

    # -- Policy --------------------------------------------------------------------------------------------------
    ws = wb.add_worksheet("Policy")
    ws.set_column(0, 0, 52)
    ws.set_column(1, 3, 15)
    ws.set_column(4, 4, 60)
    text(ws, 0, 0, f"{KIND_NAMES[view.kind]}: the arithmetic, in {cur}", bold)
    r = 2
    claim_rows: list[int] = []
    for w, cells, hr, hsum in zip(view.windows, window_cells, hourly_ranges, hourly_sums, strict=True):
        text(ws, r, 0, f"Window {w.index + 1}: {w.title}", bold)
        r += 1
        for c, h in enumerate(["Step", "Central", "Low", "High", "Formula"]):
            text(ws, r, c, h, head)
        r += 1
        results = window_results(view, w)
        refs = [{k: v[i] for k, v in cells.items()} for i in range(3)]
        for key, label, template in steps(view):
            text(ws, r, 0, label, bold if key == "claim" else None)
            for i in range(3):
                result = results[i][key]
                cells_i = refs[i]
                formula = "=" + _TOKEN.sub(
                    lambda m, c=cells_i: policy_cells[m.group(2)] if m.group(1) else c[m.group(2)], template
                )
                fmt = num_f if key == "paid_hours" else money_f
                ws.write_formula(r, 1 + i, formula, money_b if key == "claim" else fmt, result)
                refs[i][key] = f"{_col(i)}{r + 1}"
            text(ws, r, 4, template.replace("P:", ""))
            if key == "claim":
                claim_rows.append(r + 1)
            r += 1
        text(ws, r, 0, "The statement's claim (for comparison)")
        for i, v in enumerate((w.claim.value, w.claim.low, w.claim.high)):
            if v is not None:
                ws.write_number(r, 1 + i, float(v), money_f)
        r += 1
        text(ws, r, 0, "Difference (formula - statement)")
        ws.write_formula(r, 1, f"=B{r - 1}-B{r}", money_f, results[0]["claim"] - w.claim.value)
        r += 1
        if hr is not None:
            text(ws, r, 0, "For reference: hour-by-hour shortfall of the outage hours (whole hours, Hourly sheet)")
            ws.write_formula(r, 1, f"=SUM(Hourly!K{hr[0]}:K{hr[1]})", money_f, hsum)
            r += 1
        r += 1
    text(ws, r, 0, "Total claim (the limit applies to the windows together)", bold)
    for i in range(3):
        formula = "+".join(f"{_col(i)}{row}" for row in claim_rows)
        if view.policy.get("limit") is not None:
            formula = f"MIN({policy_cells['limit']},{formula})"
        ws.write_formula(r, 1 + i, "=" + formula, money_b, total_claim(view)[i])
    text(ws, r, 4, "as impact.claim.policy.aggregate")
    wb.close()
    return buf.getvalue()


def total_claim(view: StatementView) -> list[float]:
    """The windows' claims added, then the limit over them (central, low, high), as the Total row computes it."""
    totals = [sum(window_results(view, w)[i]["claim"] for w in view.windows) for i in range(3)]
    limit = view.policy.get("limit")
    return [_round(min(t, limit) if limit is not None else t, 2) for t in totals]


def window_results(view: StatementView, w: WindowFigures) -> list[dict[str, float]]:
    """Every step's result for one window in the central, low and high columns, as the formulas compute them."""
    out = []
    for i in range(3):
        values = {
            k: [f.value, f.low if f.low is not None else f.value, f.high if f.high is not None else f.value][i]
            for k, f in w.inputs.items()
        }
        for key, _, template in steps(view):
            values[key] = evaluate(template, values, view.policy)
        out.append(values)
    return out
