"""A self-contained HTML report of one outage analysis: what a seller sends to an insurer or a marketplace.

    opts = resolve_options(tz="America/New_York")
    html = build_report(analyze(con, [window], opts).to_json(), ingest=report, shipments=shipment_report(con, window),
                        tz=opts.tz)

One file, no network: plotly.js is embedded once, every chart and table is inside, and a Content-Security-Policy
forbids the page from loading anything. Every string that comes from the seller's files (SKUs, product names,
marketplaces, warnings, notes) is HTML-escaped, and table cells that a spreadsheet would run as a formula when pasted
get a leading quote (impact.csvsafe.neutralise_runnable; a SKU such as -BLUE-XL is shown as it is). Chart data is embedded as plotly JSON, which writes '<', '>'
and '/' as \\u escapes, so no text can close the script element it sits in.

summary_lines / recapture_status / share_of_day_text / late_shipments_text are also used by the dashboard, so the
app and the report say the same thing in the same words; numbers, money, names and times are written by
impact.present.

The "generated" stamp is the build time, or SOURCE_DATE_EPOCH (seconds since 1970-01-01 UTC) when that is set, so
the same inputs give the same bytes (reproducible builds, https://reproducible-builds.org/specs/source-date-epoch/).
"""

from __future__ import annotations

from .page import build_report
from .provenance import channel_revenue
from .sections import EVIDENCE_ROWS
from .sentences import late_shipments_text, recapture_status, recapture_text, share_of_day_text, summary_lines

__all__ = [
    "EVIDENCE_ROWS",
    "build_report",
    "channel_revenue",
    "late_shipments_text",
    "recapture_status",
    "recapture_text",
    "share_of_day_text",
    "summary_lines",
]
