"""statement.pdf of the claim pack (reportlab, no browser): cover page, summary table, method and base period, the
hour-by-hour workings chart, the policy arithmetic, assumptions and the exhibit index.

reportlab's `invariant=1` fixes the document's dates and ID, so the same view and stamp give the same bytes.
Amounts are written with impact.present.format_money (an ASCII minus: the PDF's standard fonts have no typographic one).
"""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from ..present import format_money, local_time, local_window, number, percent
from .manifest import KIND_NAMES, StatementView, WindowFigures
from .workbook import steps, window_results


def _m(value: float | None, currency: str) -> str:
    return format_money(value, currency, minus="-")


def claim_range(f, currency: str, confidence: float | None) -> str:
    """'90% range $1 to $2' or '' when the figure has none."""
    if not f.has_range:
        return ""
    conf = f"{percent(confidence)} range " if confidence else "range "
    return f"{conf}{_m(f.low, currency)} to {_m(f.high, currency)}"


def _chart(w: WindowFigures, currency: str, width: float):
    """Actual vs expected per hour with the band (the analysis' hourly rows summed over channels)."""
    # reportlab only when a PDF is drawn.
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    hours: dict[str, dict[str, float]] = {}
    phases: dict[str, str] = {}
    for row in w.hourly:
        h = str(row.get("hour"))
        d = hours.setdefault(h, {"actual": 0.0, "expected": 0.0, "low": 0.0, "high": 0.0})
        for k in d:
            d[k] += float(row.get(k) or 0.0)
        phases[h] = "outage" if row.get("phase") == "outage" or phases.get(h) == "outage" else str(row.get("phase"))
    keys = sorted(hours)
    if len(keys) < 2:
        return None
    drawing = Drawing(width, 230)
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = 45, 50, width - 60, 160
    series = ["high", "low", "expected", "actual"]
    lp.data = [[(i, hours[k][s]) for i, k in enumerate(keys)] for s in series]
    band, white = colors.HexColor("#c7d7f5"), colors.white
    for i, (color, width_, fill) in enumerate(
        [
            (band, 0.3, band),
            (band, 0.3, white),
            (colors.HexColor("#2563eb"), 1.2, None),
            (colors.HexColor("#1f2937"), 1.6, None),
        ]
    ):
        lp.lines[i].strokeColor = color
        lp.lines[i].strokeWidth = width_
        if fill is not None:
            lp.lines[i].inFill = True
            lp.lines[i].fillColor = fill
    lp.lines[2].strokeDashArray = [3, 2]
    lp.xValueAxis.valueMin, lp.xValueAxis.valueMax = 0, len(keys) - 1
    step = max(1, len(keys) // 8)
    lp.xValueAxis.valueSteps = list(range(0, len(keys), step))
    lp.xValueAxis.labelTextFormat = lambda v: (
        f"{keys[int(v)][8:10]}/{keys[int(v)][11:13]}h" if 0 <= v < len(keys) else ""
    )
    lp.xValueAxis.labels.fontSize = 6
    lp.yValueAxis.valueMin = 0
    lp.yValueAxis.labels.fontSize = 7
    lp.yValueAxis.labelTextFormat = lambda v: _m(v, currency).split(".")[0]
    drawing.add(lp)
    outage = [i for i, k in enumerate(keys) if phases[k] == "outage"]
    if outage:
        note = f"Outage hours (UTC): {keys[outage[0]][11:13]}h to {keys[outage[-1]][11:13]}h of {keys[outage[0]][:10]}"
        drawing.add(String(45, 2, note, fontSize=7, fillColor=colors.HexColor("#b91c1c")))
    legend = Legend()
    legend.x, legend.y = 50, 228
    legend.fontSize = 7
    legend.columnMaximum = 1
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colors.HexColor("#1f2937"), "actual"),
        (colors.HexColor("#2563eb"), "expected"),
        (band, "band (interval of the expectation)"),
    ]
    drawing.add(legend)
    return drawing


def write_pdf(view: StatementView, *, stamp: datetime, tz: str, exhibits: list[dict], version: str) -> bytes:
    """The statement's bytes."""
    # reportlab only when a PDF is written: importing the claim package stays light.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    cur, conf = view.currency, view.confidence
    styles = getSampleStyleSheet()
    body, h1, h2 = styles["BodyText"], styles["Title"], styles["Heading2"]
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text), style)

    def table(rows: list[list], widths=None, header=True) -> Table:
        t = Table([[Paragraph(escape(str(c)), small) for c in r] for r in rows], colWidths=widths, repeatRows=1)
        style = [("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9ca3af")), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")))
        t.setStyle(TableStyle(style))
        return t

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        invariant=1,
        title="Outage claim statement",
        author="Outage Impact",
        creator=f"Outage Impact {version}",
        subject=KIND_NAMES[view.kind],
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    width = A4[0] - 36 * mm
    generated = local_time(stamp, "UTC", "%Y-%m-%d %H:%M", zone=True)
    first = view.windows[0]
    outage = first.title if len(view.windows) == 1 else f"{len(view.windows)} outage windows"
    story: list = [Spacer(1, 40 * mm), p("Outage claim statement", h1), Spacer(1, 6 * mm)]
    story += [p(f"Outage: {outage}", h2)]
    for w in view.windows:
        story.append(p(f"{local_window(w.start, w.end, tz, zone=True)} ({number(w.hours, 1)} h)"))
    story += [Spacer(1, 4 * mm), p(f"Policy: {KIND_NAMES[view.kind]}", h2), Spacer(1, 4 * mm)]
    story.append(p(f"Claim: {_m(view.claim.value, cur)}", h1))
    rng = claim_range(view.claim, cur, conf)
    if rng:
        story.append(p(f"Claim {rng}; filed on the central estimate."))
    label = "Measured loss" if view.kind != "bi" else "Measured revenue loss"
    story.append(p(f"{label}: {_m(view.loss.value, cur)} {claim_range(view.loss, cur, conf)}".strip()))
    story += [Spacer(1, 10 * mm), p(f"Generated {generated} by Outage Impact {version}. Times in {tz}.", small)]
    story.append(PageBreak())

    story.append(p("Summary", h2))
    rows = [["Window", "Start", "End", "Hours", label, "Claim", "Claim range"]]
    for w in view.windows:
        rows.append(
            [
                f"{w.index + 1}: {w.title}",
                local_time(w.start, tz),
                local_time(w.end, tz),
                number(w.hours, 2),
                _m(w.loss.value, cur),
                _m(w.claim.value, cur),
                claim_range(w.claim, cur, conf),
            ]
        )
    rows.append(
        ["Total", "", "", "", _m(view.loss.value, cur), _m(view.claim.value, cur), claim_range(view.claim, cur, conf)]
    )
    story.append(table(rows))
    options = [
        ["Policy option", "Value"],
        ["Waiting period", f"{number(view.policy.get('waiting_hours'), 1)} h ({view.policy.get('waiting_mode')})"],
        ["Deductible", _m(view.policy.get("deductible"), cur)],
        ["Limit", _m(view.policy["limit"], cur) if view.policy.get("limit") is not None else "none"],
    ]
    if view.policy.get("hourly_sum") is not None:
        options.append(["Sum per hour", _m(view.policy["hourly_sum"], cur)])
    if view.policy.get("indemnity_days") is not None:
        options.append(["Indemnity period", f"{number(view.policy['indemnity_days'])} days"])
    story += [Spacer(1, 4 * mm), table(options, widths=[60 * mm, 60 * mm])]

    story += [p("Method", h2), p(view.method or "The loss is the analysis' counterfactual: expected minus actual.")]
    story += [p("Base period", h2), p(view.base_period or "The seller's recent clean weeks (hour-of-week baseline).")]

    for w in view.windows:
        story.append(p(f"Workings, window {w.index + 1}: {w.title}", h2))
        chart = _chart(w, cur, width)
        if chart is not None:
            story += [
                p("Revenue per hour (UTC), all affected channels: actual against expected, with the band.", small),
                chart,
            ]
        results = window_results(view, w)[0]
        rows = [["Step", "Formula", "Amount"]]
        for key, lbl, template in steps(view):
            amount = number(results[key], 2) if key in ("covered_hours", "covered_share") else _m(results[key], cur)
            rows.append([lbl, template.replace("P:", "").replace("{", "").replace("}", ""), amount])
        story.append(table(rows, widths=[70 * mm, 70 * mm, 34 * mm]))
        if w.workings:
            rows = [["Statement line", "Value"]] + [[k, _fmt(v, cur)] for k, v in w.workings]
            story += [Spacer(1, 3 * mm), table(rows, widths=[110 * mm, 64 * mm])]

    story.append(p("Assumptions", h2))
    for a in view.assumptions or ["None stated beyond the method."]:
        story.append(p(f"- {a}"))
    story.append(p("Index of exhibits", h2))
    rows = [["Exhibit", "Figure", "Source"]] + [
        [e.get("name", ""), e.get("figure", ""), e.get("source", "")] for e in exhibits
    ]
    story.append(table(rows, widths=[55 * mm, 45 * mm, 74 * mm]))
    doc.build(story)
    return buf.getvalue()


def _fmt(value, currency: str) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return _m(value, currency)
    if isinstance(value, dict) and "value" in value:
        return _m(value.get("value"), currency)
    return str(value)
