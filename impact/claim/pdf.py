"""statement.pdf of the claim pack (reportlab, no browser), as a loss adjuster reads an exhibit: a cover page (the
insured, the policy, the incident and its public source, the claim period, who prepared it and when), a summary whose
every label says what the figure is, the policy's terms, the method and base period in sentences, per window the
hour-by-hour chart and the workings in words, the assumptions, the index of exhibits and a declaration; "page n of N"
on every page. docs/claims.md lists what each page holds.

reportlab's `invariant=1` fixes the document's ID; its creation date is set to the stamp (SOURCE_DATE_EPOCH or the
time of writing), so the same view and stamp give the same bytes. Amounts are written with impact.present.format_money (an
ASCII minus: the PDF's standard fonts have no typographic one). Only impact.claim.lines' words reach the page.
"""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from ..present import english_document, format_money, local_time, local_window, percent, to_local
from .lines import base_sentences, summary_lines, terms_lines, window_lines
from .manifest import KIND_NAMES, Figure, StatementView, WindowFigures
from .statement import COVER_FIELDS

BLANK = "_" * 34  # a line to fill by hand where the seller gave no particular
DECLARATION = (
    "I declare that the information in this statement is true and complete to the best of my knowledge and belief, "
    "that its figures are taken from the business's own records listed in the index of exhibits, and that nothing "
    "relevant to the claim has been withheld."
)


def _m(value: float | None, currency: str) -> str:
    return format_money(value, currency, minus="-")


def claim_range(f, currency: str, confidence: float | None) -> str:
    """'90% range $1 to $2' or '' when the figure has none."""
    if not f.has_range:
        return ""
    conf = f"{percent(confidence)} range " if confidence else "range "
    return f"{conf}{_m(f.low, currency)} to {_m(f.high, currency)}"


def _chart(w: WindowFigures, currency: str, width: float, tz: str):
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
    local = [to_local(k, tz) for k in keys]
    lp.xValueAxis.labelTextFormat = lambda v: f"{local[int(v)]:%d %b %H:%M}" if 0 <= v < len(keys) else ""
    lp.xValueAxis.labels.fontSize = 6
    lp.yValueAxis.valueMin = 0
    lp.yValueAxis.labels.fontSize = 7
    lp.yValueAxis.labelTextFormat = lambda v: _m(v, currency).split(".")[0]
    drawing.add(lp)
    note = f"Outage: {local_window(w.start, w.end, tz, zone=True)}"
    drawing.add(String(45, 2, note, fontSize=7, fillColor=colors.HexColor("#b91c1c")))
    legend = Legend()
    legend.x, legend.y = 50, 228
    legend.fontSize = 7
    legend.columnMaximum = 1
    legend.alignment = "right"
    legend.colorNamePairs = [
        (colors.HexColor("#1f2937"), "actual sales"),
        (colors.HexColor("#2563eb"), "expected sales"),
        (band, "band (interval of the expectation)"),
    ]
    drawing.add(legend)
    return drawing


class _Kit:
    """The statement's styles and the two kinds of flowable it is made of: paragraphs and tables of text."""

    def __init__(self):
        # reportlab only when a PDF is drawn: importing the claim package stays light
        from reportlab.lib.styles import getSampleStyleSheet

        styles = getSampleStyleSheet()
        self.body, self.h1, self.h2 = styles["BodyText"], styles["Title"], styles["Heading2"]
        self.small = styles["BodyText"].clone("small", fontSize=8, leading=10)

    def p(self, text: str, style=None):
        # reportlab only when a PDF is drawn: importing the claim package stays light
        from reportlab.platypus import Paragraph

        return Paragraph(escape(text), style or self.body)

    def table(self, rows: list[list], widths=None, header: bool = True):
        # reportlab only when a PDF is drawn: importing the claim package stays light
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        t = Table([[self.p(str(c), self.small) for c in r] for r in rows], colWidths=widths, repeatRows=int(header))
        style = [("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9ca3af")), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")))
        t.setStyle(TableStyle(style))
        return t


def _cover(kit: _Kit, view: StatementView, stamp: datetime, tz: str, version: str) -> list:
    """Page 1: what the insurer files the claim under; a blank line where the seller gave no particular."""
    # reportlab only when a PDF is drawn: importing the claim package stays light
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    cur, cover = view.currency, view.cover
    period = "; ".join(f"{local_window(w.start, w.end, tz, zone=True)} ({w.hours:.1f} h)" for w in view.windows)
    claim = _m(view.claim.value, cur)
    rng = claim_range(view.claim, cur, view.confidence)
    rows = [[label, cover.get(key) or BLANK] for key, label in COVER_FIELDS.items() if key != "prepared_by"]
    rows.insert(2, ["Policy type", KIND_NAMES[view.kind]])
    rows += [
        ["Claim period", period],
        [
            "Amount claimed" if view.kind != "parametric" else "Payout claimed",
            f"{claim}" + (f" ({rng})" if rng else ""),
        ],
        ["Prepared by", cover.get("prepared_by") or BLANK],
        ["Date prepared", local_time(stamp, tz, "%d %B %Y")],
    ]
    return [
        Spacer(1, 25 * mm),
        kit.p("Outage claim statement", kit.h1),
        kit.p(KIND_NAMES[view.kind], kit.h2),
        Spacer(1, 6 * mm),
        kit.table(rows, widths=[55 * mm, 119 * mm], header=False),
        Spacer(1, 8 * mm),
        kit.p(
            f"Amounts in {cur}; times in {tz}. Prepared with Outage Impact {version} from the business's own order "
            "exports. Page 2 summarises the claim; the following pages show the policy's terms, the method, the "
            "base period, the workings of each outage window, the assumptions, the index of exhibits and the "
            "declaration.",
            kit.small,
        ),
        PageBreak(),
    ]


def _cells(value, cur: str) -> list[str]:
    """A workings line's central, low and high cells: money for a Figure, the text once otherwise."""
    if isinstance(value, Figure):
        return [_m(value.value, cur), _m(value.low, cur), _m(value.high, cur)]
    return [str(value), "", ""]


def _summary(kit: _Kit, view: StatementView, tz: str) -> list:
    """Page 2: each total labelled with exactly what it is, the policy's terms, the method and the base period."""
    # reportlab only when a PDF is drawn: importing the claim package stays light
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    cur = view.currency
    conf = percent(view.confidence) if view.confidence else "the"
    rows = [["Figure", "Central estimate", f"{conf} range, low", "high"]]
    rows += [[label, *_cells(f, cur)] for label, f in summary_lines(view)]
    out = [kit.p("Summary", kit.h2), kit.table(rows, widths=[74 * mm, 34 * mm, 33 * mm, 33 * mm])]
    out.append(kit.p("The claim is made on the central estimate; the range says how firm it is.", kit.small))
    out += [Spacer(1, 3 * mm), kit.p("Policy terms", kit.h2)]
    out.append(kit.table([["Term", "Value"], *map(list, terms_lines(view))], widths=[60 * mm, 114 * mm]))
    out += [kit.p("Method", kit.h2), kit.p(view.method)]
    out += [kit.p("Base period", kit.h2), *[kit.p(s) for s in base_sentences(view, tz)]]
    return out


def _window_section(kit: _Kit, view: StatementView, w: WindowFigures, tz: str, width: float) -> list:
    """One outage window: its chart, captioned in the seller's clock, and its workings in words."""
    # reportlab only when a PDF is drawn: importing the claim package stays light
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak

    cur = view.currency
    out = [PageBreak(), kit.p(f"Workings, window {w.index + 1}: {w.title}", kit.h2)]
    out.append(kit.p(f"{local_window(w.start, w.end, tz, zone=True)}, {w.hours:.1f} hours.", kit.small))
    chart = _chart(w, cur, width, tz)
    if chart is not None:
        out += [kit.p(f"Sales per hour ({tz}): actual against expected, with the band of the expectation.", kit.small)]
        out.append(chart)
    rows = [["Line", "How it is computed", "Central", "Low", "High"]]
    rows += [[label, how, *_cells(value, cur)] for label, how, value in window_lines(view, w, tz)]
    out.append(kit.table(rows, widths=[42 * mm, 69 * mm, 21 * mm, 21 * mm, 21 * mm]))
    return out


def _closing(kit: _Kit, view: StatementView, exhibits: list[dict]) -> list:
    """The assumptions, the index of exhibits and the declaration with lines to sign."""
    # reportlab only when a PDF is drawn: importing the claim package stays light
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    out = [PageBreak(), kit.p("Assumptions", kit.h2)]
    out += [kit.p(f"- {a}") for a in view.assumptions or ["None beyond the method."]]
    out.append(kit.p("Index of exhibits", kit.h2))
    rows = [["Exhibit", "Figure", "Source"]] + [
        [e.get("name", ""), e.get("figure", ""), e.get("source", "")] for e in exhibits
    ]
    out.append(kit.table(rows, widths=[45 * mm, 50 * mm, 79 * mm]))
    out += [kit.p("Declaration", kit.h2), kit.p(DECLARATION), Spacer(1, 4 * mm)]
    sign = [["Signed", BLANK], ["Name", view.cover.get("prepared_by") or BLANK], ["Position", BLANK], ["Date", BLANK]]
    out.append(kit.table(sign, widths=[30 * mm, 90 * mm], header=False))
    return out


@english_document
def write_pdf(view: StatementView, *, stamp: datetime, tz: str, exhibits: list[dict], version: str) -> bytes:
    """The statement's bytes: the same view and stamp give the same bytes."""
    # reportlab only when a PDF is drawn: importing the claim package stays light
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    kit = _Kit()
    width = A4[0] - 36 * mm

    def story() -> list:  # fresh flowables for each pass: a laid-out table keeps its split state
        out = _cover(kit, view, stamp, tz, version) + _summary(kit, view, tz)
        for w in view.windows:
            out += _window_section(kit, view, w, tz, width)
        return out + _closing(kit, view, exhibits)

    pages = _build(view, story(), stamp, version, total=None)[1]
    return _build(view, story(), stamp, version, total=pages)[0]


def _build(view: StatementView, story: list, stamp: datetime, version: str, total: int | None) -> tuple[bytes, int]:
    """(bytes, pages): one pass of the layout; the first pass counts the pages "page n of N" needs."""
    # reportlab only when a PDF is drawn: importing the claim package stays light
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    created = stamp.strftime("D:%Y%m%d%H%M%S+00'00'")

    def page(canvas, doc) -> None:
        canvas.setDateFormatter(lambda *_: created)
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page} of {total or doc.page}")
        canvas.drawString(18 * mm, 10 * mm, f"Outage claim statement: {KIND_NAMES[view.kind]}")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        invariant=1,
        title="Outage claim statement",
        author=view.cover.get("prepared_by") or "Outage Impact",
        creator=f"Outage Impact {version}",
        subject=KIND_NAMES[view.kind],
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buf.getvalue(), doc.page
