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

from ..present import english_document
from .manifest import KIND_NAMES, StatementView, WindowFigures

INPUT_ROWS = {  # per policy kind: key, label, unit, where it comes from; every unit one way (rates as fractions)
    "parametric": [
        ("incident_hours", "Incident duration (the provider's record)", "hours", "the provider's incident record"),
    ],
    "cyber": [
        ("covered_hours", "Hours covered (after the waiting period, in the indemnity period)", "hours", "statement"),
        ("covered_share", "Share of the lost sales in the covered hours", "rate", "Hourly sheet, hour by hour"),
        ("profit_lost", "Gross profit lost in the outage", "money", "cost files: lost sales at their margin"),
        (
            "recaptured_profit",
            "Gross profit recaptured after the outage, inside the indemnity period",
            "money",
            "sales above the baseline after the outage, at the margin",
        ),
        ("extra_expenses", "Extra expenses", "money", "the expenses ledger, with receipts"),
    ],
    "bi": [
        ("standard_turnover", "Standard turnover", "money", "base period (see the statement)"),
        ("actual_turnover", "Actual turnover", "money", "the order exports, outage hours"),
        ("indemnity_share", "Share of the shortfall inside the indemnity period", "rate", "Hourly sheet"),
        ("gross_profit_rate", "Rate of gross profit", "rate", "cost files and fee schedule, or as given"),
        (
            "recaptured_profit",
            "Gross profit recaptured after the outage, inside the indemnity period",
            "money",
            "sales above the baseline after the outage, at the margin",
        ),
        (
            "icow_named",
            "Increased cost of working: expenses naming the turnover they saved, allowed",
            "money",
            "the expenses ledger (each up to rate x the turnover it saved)",
        ),
        ("icow_other", "Increased cost of working: other expenses claimed", "money", "the expenses ledger"),
    ],
}
KIND_TERMS = {  # the terms each kind's arithmetic reads (impact.claim.policy.ALLOWED), in POLICY_ROWS' order
    "bi": {"deductible", "limit", "indemnity_days"},
    "cyber": {"waiting_hours", "deductible", "limit", "indemnity_days", "continuing_expenses_per_hour"},
    "parametric": {"waiting_hours", "limit", "hourly_sum"},
}
# How the Formula column names each step and input: words, not keys.
NAMES = {
    "incident_hours": "incident hours",
    "paid_hours": "hours paid",
    "before_limit": "payout before the limit",
    "covered": "gross profit lost in the covered hours",
    "netted": "recapture netted",
    "income": "income loss",
    "continuing": "continuing expenses",
    "loss": "loss",
    "claim": "claim",
    "shortfall": "shortfall",
    "lgp": "gross profit lost",
    "saved": "costs that did not continue",
    "icow": "increased cost of working",
    "covered_hours": "hours covered",
    "covered_share": "share of the loss covered",
    "profit_lost": "gross profit lost",
    "recaptured_profit": "recapture",
    "extra_expenses": "extra expenses",
    "standard_turnover": "standard turnover",
    "actual_turnover": "actual turnover",
    "indemnity_share": "share in the indemnity period",
    "gross_profit_rate": "rate of gross profit",
    "icow_named": "expenses naming the turnover they saved",
    "icow_other": "other expenses",
    "waiting_hours": "waiting period",
    "deductible": "deductible",
    "limit": "limit",
    "hourly_sum": "sum per hour",
    "continuing_expenses_per_hour": "continuing expenses per hour",
}
POLICY_ROWS = [
    ("waiting_hours", "Waiting period", "hours"),
    ("deductible", "Deductible (money retention)", "money"),
    ("limit", "Limit", "money"),
    ("hourly_sum", "Sum per hour", "money"),
    ("indemnity_days", "Indemnity period", "days"),
    ("continuing_expenses_per_hour", "Operating expenses that continued, per hour", "money"),
]


def _terms(view: StatementView, loss: str) -> str:
    """min(limit, max(0, loss - deductible)), as impact.claim.policy.apply_terms."""
    paid = f"MAX(0,{loss}-{{P:deductible}})"
    return f"MIN({{P:limit}},{paid})" if view.policy.get("limit") is not None else paid


CLAIM_LABEL = "Claim: the loss less the deductible, not below zero, within the limit"


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
        limit = "MIN({P:limit},{before_limit})" if p.get("limit") is not None else "{before_limit}"
        return [
            ("paid_hours", f"Hours paid ({p.get('waiting_mode')} waiting period)", hours),
            ("before_limit", "Hours paid x sum per hour", "ROUND({paid_hours}*{P:hourly_sum},2)"),
            ("claim", "Payout, within the limit", limit),
        ]
    if view.kind == "cyber":
        return [
            ("covered", "Gross profit lost in the covered hours", "ROUND({covered_share}*{profit_lost},2)"),
            (
                "netted",
                "Less the recapture netted (the covered hours' share, none below zero)",
                "ROUND({covered_share}*MAX(0,{recaptured_profit}),2)",
            ),
            ("income", "Income loss", "{covered}-{netted}"),
            (
                "continuing",
                "Plus operating expenses that continued (per hour x hours covered)",
                "ROUND({covered_hours}*{P:continuing_expenses_per_hour},2)",
            ),
            ("loss", "Loss claimed for (plus extra expenses)", "{income}+{continuing}+{extra_expenses}"),
            ("claim", CLAIM_LABEL, _terms(view, "{loss}")),
        ]
    return [
        (
            "shortfall",
            "Shortfall in turnover (standard - actual, inside the indemnity period)",
            "ROUND(({standard_turnover}-{actual_turnover})*{indemnity_share},2)",
        ),
        ("lgp", "Gross profit lost (rate of gross profit x shortfall)", "ROUND({gross_profit_rate}*{shortfall},2)"),
        ("saved", "Costs that did not continue (shortfall - gross profit lost)", "{shortfall}-{lgp}"),
        ("netted", "Less the recapture netted (none below zero)", "ROUND(MAX(0,{recaptured_profit}),2)"),
        (
            "icow",
            "Plus increased cost of working allowed (the others capped at the gross profit lost)",
            "{icow_named}+MIN({icow_other},MAX(0,{lgp}))",
        ),
        ("loss", "Loss claimed for", "{lgp}-{netted}+{icow}"),
        ("claim", CLAIM_LABEL, _terms(view, "{loss}")),
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


class _Book:
    """The workbook being written, its formats, and the cells the Policy sheet's formulas point at."""

    def __init__(self, view: StatementView, stamp: datetime):
        import xlsxwriter  # only a workbook being written loads XlsxWriter

        self.view, self.cur, self.buf = view, view.currency, io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buf, {"in_memory": True, "constant_memory": False})
        self.wb.set_properties(
            {"title": "Outage claim workings", "author": "Outage Impact", "created": stamp.replace(tzinfo=None)}
        )
        add = self.wb.add_format
        self.bold, self.head = add({"bold": True}), add({"bold": True, "bottom": 1, "bg_color": "#eef2f7"})
        self.money, self.money_b = add({"num_format": "#,##0.00"}), add({"num_format": "#,##0.00", "bold": True})
        self.rate, self.num = add({"num_format": "0.00%"}), add({"num_format": "0.00"})
        self.formats = {"money": self.money, "rate": self.rate, "hours": self.num, "days": self.num}
        self.policy_cells: dict[str, str] = {}
        self.window_cells: list[dict[str, list[str]]] = []

    def text(self, ws, row: int, col: int, value, fmt=None) -> None:
        # A string cell is never run as a formula, so the text goes in as written (a quote would be seen).
        ws.write_string(row, col, str(value), fmt)

    def header(self, ws, row: int, names: list[str]) -> None:
        for c, h in enumerate(names):
            self.text(ws, row, c, h, self.head)

    def unit(self, unit: str) -> str:
        return self.cur if unit == "money" else {"rate": "share (shown as %)"}.get(unit, unit)


def _inputs_sheet(book: _Book) -> None:
    """Every input on one sheet, one unit each: the policy's terms, then each window's figures in three columns."""
    view, ws = book.view, book.wb.add_worksheet("Inputs")
    ws.set_column(0, 0, 62)
    ws.set_column(1, 3, 14)
    ws.set_column(4, 5, 40)
    book.text(ws, 0, 0, f"Claim inputs ({KIND_NAMES[view.kind]}), amounts in {book.cur}: change one, the claim follows")
    book.header(ws, 2, ["Policy term", "Value", "", "", "Unit"])
    r = 3
    for key, label, unit in POLICY_ROWS:
        value = view.policy.get(key)
        if key not in KIND_TERMS[view.kind] or (value is None and key in ("limit", "indemnity_days")):
            continue  # not a term of this policy, or not set: nothing reads it
        book.text(ws, r, 0, label)
        ws.write_number(r, 1, float(value or 0.0), book.formats[unit])
        book.text(ws, r, 4, book.unit(unit))
        book.policy_cells[key] = f"Inputs!$B${r + 1}"
        r += 1
    if view.kind != "bi":
        book.text(ws, r, 0, "Waiting period applies as")
        book.text(ws, r, 1, view.policy.get("waiting_mode") or "")
        r += 1
    for w in view.windows:
        r += 1
        book.text(ws, r, 0, f"Window {w.index + 1}: {w.title}, {w.start} to {w.end} (UTC)", book.bold)
        book.header(ws, r + 1, ["Input", "Central", "Low", "High", "Unit", "Source"])
        r += 2
        cells: dict[str, list[str]] = {}
        for key, label, unit, source in INPUT_ROWS[view.kind]:
            f = w.inputs[key]
            book.text(ws, r, 0, label)
            for i, v in enumerate((f.value, f.low, f.high)):
                ws.write_number(r, 1 + i, float(f.value if v is None else v), book.formats[unit])
            book.text(ws, r, 4, book.unit(unit))
            book.text(ws, r, 5, source)
            cells[key] = [f"Inputs!${_col(i)}${r + 1}" for i in range(3)]
            r += 1
        book.window_cells.append(cells)


def _hourly_sheet(book: _Book) -> list[tuple[int, int] | None]:
    """The hour-by-hour workings, the shortfall of each hour a formula; the rows each window's hours take."""
    ws = book.wb.add_worksheet("Hourly")
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 10, 13)
    names = ["Window", "Hour (UTC)", "Channel", "Phase", "Actual", "Expected", "Band low", "Band high", "Shortfall"]
    book.header(ws, 0, [*names, "In outage", "Shortfall in outage"])
    r, ranges = 1, []
    for w in book.view.windows:
        first = r
        for row in sorted(w.hourly, key=lambda x: (str(x.get("channel")), str(x.get("hour")))):
            actual, expected = float(row.get("actual") or 0.0), float(row.get("expected") or 0.0)
            inside = 1 if row.get("phase") == "outage" else 0
            ws.write_number(r, 0, w.index + 1)
            for c, key in ((1, "hour"), (2, "channel"), (3, "phase")):
                book.text(ws, r, c, str(row.get(key) or ""))
            for c, v in ((4, actual), (5, expected), (6, row.get("low")), (7, row.get("high"))):
                ws.write_number(r, c, float(v or 0.0), book.money)
            ws.write_formula(r, 8, f"=F{r + 1}-E{r + 1}", book.money, expected - actual)
            ws.write_number(r, 9, inside)
            ws.write_formula(r, 10, f"=I{r + 1}*J{r + 1}", book.money, (expected - actual) * inside)
            r += 1
        ranges.append((first + 1, r) if r > first else None)
    return ranges


def _placebos_sheet(book: _Book) -> None:
    view, ws = book.view, book.wb.add_worksheet("Placebos")
    ws.set_column(0, 0, 36)
    ws.set_column(1, 4, 16)
    book.text(ws, 0, 0, "Calibration of the interval on placebo windows (the same hours on ordinary days)", book.bold)
    book.text(ws, 1, 0, "The analysis keeps the number of placebo windows and the method, not each placebo's figure.")
    book.header(ws, 3, ["Window", "Placebo windows", "Interval method", "Confidence", "Chance of a real effect"])
    a_windows = view.analysis.get("windows") or []
    for i, w in enumerate(view.windows):
        aw = a_windows[i] if i < len(a_windows) else {}
        book.text(ws, 4 + i, 0, f"{w.index + 1}: {w.title}")
        ws.write_number(4 + i, 1, float(aw.get("placebos") or 0))
        book.text(ws, 4 + i, 2, str(aw.get("interval_method") or "").replace("_", " "))
        ws.write_number(4 + i, 3, float(view.confidence or 0.0), book.rate)
        p_effect = (aw.get("revenue") or {}).get("p_effect")
        if p_effect is None:
            book.text(ws, 4 + i, 4, "not measured")
        else:
            ws.write_number(4 + i, 4, float(p_effect), book.rate)


COST_FIGURES = [  # the profit block's figures, labelled in words; margins as fractions shown as %
    ("lost", "Gross profit lost", "money"),
    ("lost_low", "Gross profit lost, low end", "money"),
    ("lost_high", "Gross profit lost, high end", "money"),
    ("recaptured", "Gross profit recaptured after the outage", "money"),
    ("net_lost", "Gross profit lost net of recapture", "money"),
    ("net_lost_low", "Net of recapture, low end", "money"),
    ("net_lost_high", "Net of recapture, high end", "money"),
    ("revenue_lost", "Revenue lost", "money"),
    ("costs_saved", "Cost of goods not bought", "money"),
    ("fees_saved", "Channel fees not charged", "money"),
    ("ad_spend_window", "Ad spend in the outage", "money"),
    ("ad_spend_wasted", "Ad spend wasted", "money"),
    ("margin_pct", "Margin", "pct"),
    ("costed_share", "Share of lost sales with a product cost", "rate"),
]
COST_TABLES = {
    "by_channel": [
        ("channel", "Channel"),
        ("lost", "Revenue lost"),
        ("profit_lost", "Gross profit lost"),
        ("costs_saved", "Goods not bought"),
        ("fees_saved", "Fees not charged"),
        ("ad_spend_wasted", "Ad spend wasted"),
        ("margin_pct", "Margin"),
        ("costed_share", "Share costed"),
    ],
    "by_sku": [
        ("sku", "SKU"),
        ("channel", "Channel"),
        ("lost", "Revenue lost"),
        ("profit_lost", "Gross profit lost"),
        ("margin_pct", "Margin"),
        ("costed", "Has a product cost"),
    ],
}


def _cost_cell(book: _Book, ws, r: int, c: int, key: str, v) -> None:
    """One cell of the Costs sheet: margins as fractions shown as %, yes/no for flags, money otherwise."""
    if isinstance(v, bool) or v is None:
        book.text(ws, r, c, "" if v is None else ("yes" if v else "no"))
    elif isinstance(v, int | float):
        if key == "margin_pct":
            ws.write_number(r, c, float(v) / 100, book.rate)
        elif key == "costed_share":
            ws.write_number(r, c, float(v), book.rate)
        else:
            ws.write_number(r, c, float(v), book.money)
    else:
        book.text(ws, r, c, v)


def _costs_sheet(book: _Book) -> None:
    view, ws = book.view, book.wb.add_worksheet("Costs")
    ws.set_column(0, 0, 42)
    ws.set_column(1, 9, 15)
    a_windows, r = view.analysis.get("windows") or [], 0
    for i, w in enumerate(view.windows):
        profit = (a_windows[i] if i < len(a_windows) else {}).get("profit")
        book.text(ws, r, 0, f"Window {w.index + 1}: {w.title}", book.bold)
        r += 1
        if not profit:
            book.text(ws, r, 0, "No product costs were given for this window.")
            r += 2
            continue
        for key, label, _ in COST_FIGURES:
            if profit.get(key) is not None:
                book.text(ws, r, 0, label)
                _cost_cell(book, ws, r, 1, key, profit[key])
                r += 1
        for table, cols in COST_TABLES.items():
            rows = profit.get(table) or []
            if rows:
                book.text(ws, r + 1, 0, "By channel" if table == "by_channel" else "By SKU", book.bold)
                book.header(ws, r + 2, [label for _, label in cols])
                r += 3
                for row in rows:
                    for c, (k, _) in enumerate(cols):
                        _cost_cell(book, ws, r, c, k, row.get(k))
                    r += 1
        r += 2


def _policy_window(book: _Book, ws, r: int, w: WindowFigures, cells: dict, hr) -> tuple[int, int]:
    """One window's arithmetic, each step a formula in the central, low and high columns; (next row, claim row)."""
    view = book.view
    book.text(ws, r, 0, f"Window {w.index + 1}: {w.title}", book.bold)
    book.header(ws, r + 1, ["Step", "Central", "Low", "High", "Formula"])
    r += 2
    results = window_results(view, w)
    refs = [{k: v[i] for k, v in cells.items()} for i in range(3)]
    claim_row = r
    for key, label, template in steps(view):
        book.text(ws, r, 0, label, book.bold if key == "claim" else None)
        for i in range(3):
            formula = "=" + _TOKEN.sub(
                lambda m, c=refs[i]: book.policy_cells[m.group(2)] if m.group(1) else c[m.group(2)], template
            )
            fmt = book.num if key == "paid_hours" else book.money_b if key == "claim" else book.money
            ws.write_formula(r, 1 + i, formula, fmt, results[i][key])
            refs[i][key] = f"{_col(i)}{r + 1}"
        words = _TOKEN.sub(lambda m: NAMES[m.group(2)], template).replace("*", " x ").replace("-", " - ")
        book.text(ws, r, 4, words.replace("+", " + "))
        claim_row = r + 1
        r += 1
    book.text(ws, r, 0, "The statement's claim (for comparison)")
    for i, v in enumerate((w.claim.value, w.claim.low, w.claim.high)):
        ws.write_number(r, 1 + i, float(w.claim.value if v is None else v), book.money)
    book.text(ws, r + 1, 0, "Difference (formula - statement)")
    for i in range(3):
        diff = results[i]["claim"] - float(getattr(w.claim, ("value", "low", "high")[i]) or w.claim.value)
        ws.write_formula(r + 1, 1 + i, f"={_col(i)}{r}-{_col(i)}{r + 1}", book.money, diff)
    r += 2
    if hr is not None:
        book.text(ws, r, 0, "For reference: the hour-by-hour shortfall of the outage hours (Hourly sheet)")
        ws.write_formula(r, 1, f"=SUM(Hourly!K{hr[0]}:K{hr[1]})", book.money, _hourly_sum(w))
        r += 1
    return r + 1, claim_row


def _hourly_sum(w: WindowFigures) -> float:
    return sum(
        float(x.get("expected") or 0.0) - float(x.get("actual") or 0.0) for x in w.hourly if x.get("phase") == "outage"
    )


def _policy_sheet(book: _Book, hourly_ranges) -> None:
    view, ws = book.view, book.wb.add_worksheet("Policy")
    ws.set_column(0, 0, 70)
    ws.set_column(1, 3, 15)
    ws.set_column(4, 4, 70)
    book.text(ws, 0, 0, f"{KIND_NAMES[view.kind]}: the arithmetic, in {book.cur}", book.bold)
    r, claim_rows = 2, []
    for w, cells, hr in zip(view.windows, book.window_cells, hourly_ranges, strict=True):
        r, claim_row = _policy_window(book, ws, r, w, cells, hr)
        claim_rows.append(claim_row)
    book.text(ws, r, 0, "Total claim (the limit applies to the windows together)", book.bold)
    totals = total_claim(view)
    for i in range(3):
        formula = "+".join(f"{_col(i)}{row}" for row in claim_rows)
        if view.policy.get("limit") is not None:
            formula = f"MIN({book.policy_cells['limit']},{formula})"
        ws.write_formula(r, 1 + i, "=" + formula, book.money_b, totals[i])
    book.text(ws, r, 4, "the windows' claims added, then the limit")


@english_document
def write_workbook(view: StatementView, *, stamp: datetime, tz: str) -> bytes:
    """The workbook's bytes: the same view and stamp give the same bytes."""
    book = _Book(view, stamp)
    _inputs_sheet(book)
    ranges = _hourly_sheet(book)
    _placebos_sheet(book)
    _costs_sheet(book)
    _policy_sheet(book, ranges)
    book.wb.close()
    return book.buf.getvalue()


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
