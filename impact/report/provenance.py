"""The report's closing sections on where its figures come from: the seller's data, the method and the caveats."""

from __future__ import annotations

from ..ingest.formats import DETECTORS
from ..present import (
    channel_name,
    join_names,
    local_time,
    money_per_currency,
    number,
    percent,
    plural,
    plural_word,
    sentence,
)
from ..settings import Settings
from .markup import esc, table

FORMAT_LABELS = {f.name: f.label for f in DETECTORS} | {
    "generic_csv": "CSV with a column mapping",
    "generic_shipping_csv": "shipping CSV with a column mapping",
}


def channel_revenue(entry: dict, currencies: list[str]) -> dict[str, float]:
    """One channel of the import report (IngestReport.channels[ch]) as currency -> revenue: the import gives a
    single `revenue` when the files hold one currency and `revenue_by_currency` otherwise."""
    if entry.get("revenue_by_currency"):
        return dict(entry["revenue_by_currency"])
    if entry.get("revenue") is not None and len(currencies) == 1:
        return {currencies[0]: entry["revenue"]}
    return {}


def data_section(ingest: dict, tz: str) -> str:
    if not ingest:
        return ""
    files = ingest.get("files") or []
    codes = list(ingest.get("currency") or [])
    cur = f"{plural_word(len(codes), 'currency')} {join_names(codes)}" if codes else "no currency stated"
    rows = []
    for f in files:
        fmt = f.get("format_label") or FORMAT_LABELS.get(f.get("format"), f.get("format") or "format not recognised")
        if f.get("encoding"):
            fmt = f"{fmt} ({f['encoding']})"
        rows.append([fmt, *(number(f.get(k, 0)) for k in ("lines", "loaded", "duplicates", "skipped", "rejected"))])
    channels = [
        [
            channel_name(ch),
            number(v.get("orders", 0)),
            ", ".join(money_per_currency(channel_revenue(v, codes))) or "n/a",
        ]
        for ch, v in (ingest.get("channels") or {}).items()
    ]
    period = (
        f"{local_time(ingest.get('first'), tz, '%d %b %Y')} to {local_time(ingest.get('last'), tz, '%d %b %Y')}"
        if ingest.get("first")
        else "no orders"
    )
    return (
        '<section id="data"><h2>The seller\'s data</h2>'
        + f"<p>{plural(len(files), 'export file')}, {plural(ingest.get('lines', 0), 'order line')}, "
        f"{plural(ingest.get('orders', 0), 'order')} from {esc(period)} ({esc(tz)}); {esc(cur)}. Every line is "
        "accounted for: lines = loaded + duplicates + skipped + rejected. File names are not included.</p>"
        + table(["Format", "Lines", "Loaded", "Duplicates", "Skipped", "Rejected"], rows, "files")
        + table(["Channel", "Orders", "Revenue"], channels, "channels")
        + "</section>"
    )


def method_section(res: dict, ship: dict) -> str:
    conf = percent(res.get("confidence", Settings.confidence))
    method = res.get("interval_method") or "placebo"
    n = res.get("placebos", 0)
    interval = (
        f"The {conf} range is measured, not assumed: the same method was run on {n} ordinary days in the seller's "
        "history (placebo windows: the same clock hours on other days, known outages and unusual days left out), "
        "and the range is the spread of its errors there (conformal intervals from leave-one-out errors, scaled to "
        "the size of the window)."
        if method == "placebo"
        else f"With only {n} comparable ordinary days in the history, the {conf} range is an approximate, widened "
        "normal interval rather than one measured on placebo windows (marked 'approximate')."
    )
    items = [
        (
            "Revenue",
            "Line revenue: unit price times quantity, without tax or shipping; cancelled lines excluded; "
            "one currency (amounts in different currencies are never added).",
        ),
        (
            "Expected revenue",
            "What the affected channels would have sold in the window without the outage, from "
            "the seller's own orders: the recent daily level (the last 28 normal days, weekday-adjusted) times the "
            "weekday factor times the share of the day that falls in each hour; corrected for the outage day with a "
            "regression on what the outage could not touch: the same channel's hours outside the window and recovery "
            "period, the unaffected channels on that day, and the same day last week. Revenue lost = expected "
            "\u2212 actual, where actual is the exact sum of the lines in the window.",
        ),
        (
            "Range and probability of an effect",
            interval + " The probability of an effect is one minus the share "
            "of placebo windows that showed a drop at least as large (a placebo rank, not a posterior probability).",
        ),
        (
            "Recapture",
            f"The same estimator over the {res.get('recovery_hours', 24):g} hours after the outage: "
            "actual \u2212 expected sales there, with its own range. Positive means buyers came back; negative means "
            "sales stayed below normal. Net loss = revenue lost \u2212 recapture. When the recapture's range "
            "includes zero there is no measurable recapture.",
        ),
        (
            "Spill-over",
            "The same estimator on each channel that was not affected, over the window: extra (or "
            "missing) sales there, e.g. buyers who went to another shop.",
        ),
        ("Orders lost", "Expected \u2212 actual distinct orders in the window on the affected channels."),
        (
            "Share of the day's revenue",
            "Revenue lost divided by the expected revenue of the whole local days "
            "the window touches, on the affected channels.",
        ),
        (
            "Channels, marketplaces and products",
            "A channel's expectation is split by each marketplace's and "
            "SKU's share of its revenue in the four weeks before the outage.",
        ),
    ]
    if ship:
        items.append(("Late shipments and due orders", ship.get("definition") or ""))
        items.append(
            (
                "Late shipments caused by the outage",
                "Late \u2212 expected late (never below zero nor "
                "above the late count), with a range calibrated on placebo periods in the history.",
            )
        )
    body = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items if v)
    return f'<section id="method"><h2>Methodology and assumptions</h2><dl>{body}</dl></section>'


def caveats_section(res: dict, ship: dict) -> str:
    warns = [w for w in res.get("warnings") or [] if w]
    notes = [n for n in ship.get("notes") or [] if n]
    general = [
        "These are statistical estimates from the seller's own order exports, not accounting figures; the range "
        "is part of the result.",
        "The outage day is assumed otherwise ordinary: a promotion or event on only the affected channel that "
        "day is not known to the method.",
    ]
    items = [*(sentence(w) for w in warns), *(sentence(f"Shipments: {n}") for n in notes), *general]
    body = "".join(f"<li>{esc(x)}</li>" for x in items)
    return f'<section id="caveats"><h2>Caveats and warnings</h2><ul>{body}</ul></section>'
