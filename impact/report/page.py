"""The report page: its inputs checked and normalised, then the sections assembled into one HTML document with
its style, Content-Security-Policy and "generated" stamp."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from .. import __version__
from ..errors import InputError
from ..present import (
    check_zone,
    english_document,
    format_channels,
    format_money,
    generated_instant,
    local_time,
    value_range,
)
from ..settings import Settings
from ..shipments.result import ShipmentResult
from ..views import window_view
from .markup import esc, rich
from .provenance import caveats_section, data_section, method_section
from .sections import charts_section, evidence_section, kpi_section, profit_section, skus_section, window_section
from .sentences import summary_lines

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "connect-src 'none'; form-action 'none'; base-uri 'none'"
)


def _window_result(analysis_json: dict) -> dict:
    """A window's JSON with currency, confidence, recovery_hours and all warnings merged in (the app's shape)."""
    if not isinstance(analysis_json, dict):
        raise InputError("the report needs an analysis result (the JSON of impact.analysis.analyze)")
    if "windows" in analysis_json:
        windows = analysis_json.get("windows") or []
        # window_view would take the first of several windows; a report of one of them would misstate the run.
        if len(windows) != 1:
            raise InputError(f"a report covers one outage window; this analysis has {len(windows)}")
        res = window_view(analysis_json)
    else:
        res = dict(analysis_json)
    for key in ("start", "end", "revenue", "orders"):
        if res.get(key) is None:
            raise InputError(f"the analysis result has no '{key}': it cannot be reported")
    return res


def _ingest_dict(ingest) -> dict:
    if ingest is None:
        return {}
    if hasattr(ingest, "to_json"):
        out = ingest.to_json()
        # The report object knows the readable format label and the encoding, which to_json leaves out.
        for f, obj in zip(out.get("files") or [], getattr(ingest, "files", []), strict=False):
            f.setdefault("format_label", getattr(obj, "format_label", None))
            f.setdefault("encoding", getattr(obj, "encoding", None))
        return out
    if isinstance(ingest, dict):
        return ingest
    raise InputError("the import report must be a dict (IngestReport.to_json()) or an IngestReport")


def _summary_json(summary) -> dict:
    """The report renders the JSON shape, whether handed the typed summary or one read back from a share link."""
    return summary.to_json() if isinstance(summary, ShipmentResult) else summary or {}


def _shipments(shipments, res: dict) -> tuple[dict, pd.DataFrame | None]:
    if shipments is None:
        return res.get("shipments") or {}, None
    if isinstance(shipments, tuple | list):
        summary, rows = shipments
        return _summary_json(summary), rows
    if isinstance(shipments, ShipmentResult | dict):
        return _summary_json(shipments), None
    raise InputError("shipments must be shipment_report's (summary, orders) pair, its summary dict, or None")


STYLE = """
:root { --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #2563eb; --loss: #dc2626; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 Inter, "Segoe UI", "Helvetica Neue", Arial,
       sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
.sub, .note, footer { color: var(--muted); }
.note { font-size: 13px; }
.summary p { margin: 0 0 10px; }
.headline { font-size: 20px; margin: 18px 0 4px; }
.headline strong { color: var(--loss); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
thead th { background: #f9fafb; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; font-weight: 600; white-space: nowrap; }
table.kpis th[scope=row] { font-weight: 600; width: 24%; }
table.orders td, table.files td, table.channels td { font-variant-numeric: tabular-nums; }
table.facts, table.window { width: auto; min-width: 60%; }
dl dt { font-weight: 600; margin-top: 10px; }
dl dd { margin: 2px 0 0 0; }
.chart { margin: 8px 0 20px; page-break-inside: avoid; }
footer { border-top: 1px solid var(--line); margin-top: 40px; padding-top: 10px; font-size: 13px; }
@media print { main { padding: 0; } h2 { page-break-after: avoid; } table { page-break-inside: auto; }
               tr { page-break-inside: avoid; } }
"""


@english_document
def build_report(
    analysis_json: dict,
    *,
    ingest: dict | None,
    shipments: tuple | dict | None,
    tz: str,
    generated_at: datetime | None = None,
    product_names: dict[str, str] | None = None,
) -> str:
    """The report as one HTML document (str).

    analysis_json: `Analysis.to_json()` with one window, or that window's JSON with currency, confidence and
    recovery_hours merged in (the app's shape). ingest: `IngestReport.to_json()` (or the report itself).
    shipments: `shipment_report(...)`'s (summary, orders) pair, its summary dict, or None to use the window's own
    `shipments`. tz: the seller's IANA zone. product_names: SKU -> name for the top-SKU table. generated_at: the
    stamp (default: SOURCE_DATE_EPOCH when set, else now).
    """
    res = _window_result(analysis_json)
    check_zone(tz)  # an unknown zone is an InputError before any work
    ship, rows = _shipments(shipments, res)
    data = _ingest_dict(ingest)
    stamp = local_time(generated_instant(generated_at), "UTC", "%Y-%m-%d %H:%M", zone=True)
    cur = res.get("currency") or "USD"
    rev = res["revenue"]
    title = res.get("title") or "Outage"
    heading = f"{title}, {local_time(res['start'], tz, '%d %b %Y')}"

    def m(v):
        return format_money(v, cur, 0)

    rng = value_range(
        rev.get("lost_low"), rev.get("lost_high"), m, confidence=res.get("confidence", Settings.confidence)
    )
    headline = (
        f"Estimated revenue lost: **{m(rev['lost'])}**"
        + (f" ({rng})" if rng else "")
        + f"; net of recapture **{m(rev.get('net_lost'))}**."
    )
    summary = "".join(f"<p>{rich(line)}</p>" for line in summary_lines(res, ship, tz))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="Outage Impact {esc(__version__)}">'
        f"<title>Outage impact report: {esc(heading)}</title><style>{STYLE}</style></head><body><main>"
        "<header><h1>Outage impact report</h1>"
        f'<p class="sub">{esc(heading)} · {esc(format_channels(res.get("channels")))} · generated {esc(stamp)} '
        f"by Outage Impact {esc(__version__)}</p>"
        f'<p class="headline">{rich(headline)}</p></header>'
        f'<section id="summary" class="summary"><h2>Summary</h2>{summary}</section>'
        + window_section(res, tz)
        + kpi_section(res, ship, tz)
        + charts_section(res, tz)
        + skus_section(res, product_names or {})
        + profit_section(res, product_names or {})
        + evidence_section(ship, rows)
        + data_section(data, tz)
        + method_section(res, ship)
        + caveats_section(res, ship)
        + f"<footer>Generated {esc(stamp)} by Outage Impact {esc(__version__)} from the seller's own order exports. "
        "Order-level buyer data (names, addresses, e-mails) is never imported.</footer>"
        "</main></body></html>\n"
    )
