"""The Overview tab: what the outage cost, in cards and plain sentences, and the HTML report; or, when the window
cannot be estimated, what was loaded."""

from __future__ import annotations

import streamlit as st

from impact import service
from impact.ingest.loader import IngestReport
from impact.present import (
    format_money,
    money_per_currency,
    number,
    percent,
    plural,
    sentence,
    sum_per_currency,
    value_range,
)
from impact.report import (
    build_report,
    channel_revenue,
    late_shipments_text,
    recapture_text,
    share_of_day_text,
    summary_lines,
)
from ui.common import escape_dollars, md_escape
from ui.results import Results
from ui.timeline import daily_chart


def render(results: Results) -> None:
    res, why = results.analysis()
    cov = results.coverage()
    summary, rows = results.shipments()
    # The overview reads the JSON shape: a shared link's snapshot hands it the same summary read back.
    ship = summary.to_json()
    if res is None:
        st.warning(
            f"The revenue loss cannot be estimated for this window: {md_escape(why)}.", icon=":material/warning:"
        )
        loaded_overview(results.report, cov, ship, results.opts.confidence)
    else:
        loss_overview(res, ship, results.tz)
        report_button(res, results.report, (ship, rows), results.product_names(res), results.tz)
        for warning in cov["warnings"]:  # when the estimate failed, its own reason already says this
            st.warning(warning, icon=":material/warning:")
    daily_chart(results.daily_rows(), results.window, results.tz, key="overview_daily")


def kpi_cards(cards: list[tuple[str, str, str | tuple[str, ...], str | None]]) -> None:
    """A row of (label, value, detail, help) cards. The detail is a caption that wraps, where a metric's delta
    would be cut off in a narrow card; a tuple of details is one caption each."""
    for col, (label, value, detail, help_text) in zip(st.columns(len(cards)), cards, strict=True):
        with col.container(border=True, height="stretch"):
            st.metric(label, value, help=help_text)
            for line in (detail,) if isinstance(detail, str) else detail:
                st.caption(escape_dollars(line))


def signed(lost_label: str, gain_label: str, value: float | None, fmt) -> tuple[str, str]:
    """(label, value) of a card: a card titled 'lost' never shows a minus; a gain is shown under its own title."""
    if value is not None and fmt(value).startswith(("−", "-")):
        return gain_label, fmt(-value)
    return lost_label, fmt(value)


def loss_overview(res: dict, ship: dict, tz: str, shared: bool = False) -> None:
    """KPI cards and the plain-language summary of one window's result (also used for shared links).

    The sentences come from impact.report, so the app, the HTML report and a shared link word things alike."""
    rev, orders, cur = res["revenue"], res["orders"], res["currency"]
    conf = res["confidence"]
    recovery = res.get("recovery_hours", 24)

    def m(value):
        return format_money(value, cur, decimals=0)

    share = share_of_day_text(res, tz)
    late = ship.get("available") and ship.get("excess_late") is not None
    short, recapture = recapture_text(res)
    gained = rev["lost"] < 0
    cards = [
        (
            *signed("Revenue lost", "Sold more than expected", rev["lost"], m),
            f"sold {m(-rev['lost'])} more than expected"
            if gained
            else value_range(rev["lost_low"], rev["lost_high"], m, confidence=conf),
            f"Expected {m(rev['expected'])} from your history, actual {m(rev['actual'])}.",
        ),
    ]
    profit = res.get("profit")
    if profit:
        cards.append(
            (
                *signed("Profit lost", "Profit above expected", profit["lost"], m),
                value_range(profit["lost_low"], profit["lost_high"], m, confidence=conf),
                f"Revenue lost minus what those orders would have cost: goods {m(profit['costs_saved'])}, "
                f"fees {m(profit['fees_saved'])}. Net of the sales that came back: {m(profit['net_lost'])}. "
                f"Ad spend wasted during the outage: {m(profit['ad_spend_wasted'])}.",
            )
        )
    cards.append(
        (
            *signed("Orders lost", "Orders above expected", orders["lost"], number),
            f"of {number(orders['expected'])} expected",
            None,
        )
    )
    if share and not gained:
        cards.append(
            (
                "Day's sales lost",
                share[0],
                share[1],
                "Revenue lost as a share of the revenue your history expects for the whole day(s) the outage "
                "touched, on the affected channels.",
            )
        )
    net_lines = [short]
    if (rev.get("net_lost") or 0) > (rev.get("lost") or 0):
        # A net loss above the loss says why where it is shown: the hours after ran below normal too.
        read = rev.get("recapture_hours")
        after = f"the first {read:g} h" if read is not None and 0 < read < recovery else f"the {recovery:g} h"
        net_lines.append(f"above the outage's {m(rev['lost'])}: {after} after ran below normal too")
    net_lines.append(value_range(rev.get("net_lost_low"), rev.get("net_lost_high"), m, confidence=conf))
    cards.append(
        (
            *signed("Net loss", "Net gain", rev["net_lost"], m),
            tuple(x for x in net_lines if x),
            f"Revenue lost minus the sales that came back in the {recovery:g} h after the outage: the part "
            "of the change in sales beyond normal day-to-day variation. " + recapture.replace("**", ""),
        )
    )
    if late:
        cards.append(
            (
                "Late shipments",
                number(ship["excess_late"]),
                value_range(ship["excess_late_low"], ship["excess_late_high"], confidence=conf),
                "Orders that shipped late because of the outage, beyond your usual late rate.",
            )
        )
    kpi_cards(cards)
    lines = summary_lines(res, ship, tz)
    if late and not shared:
        lines[-1] += " The Shipments tab lists them for an appeal."
    st.markdown(escape_dollars("\n\n".join(lines)))
    for warning in res.get("warnings", []):
        st.warning(md_escape(sentence(warning)), icon=":material/warning:")
    if not profit and not shared:
        st.info(
            "Add your product costs (and ad spend) under **Costs and fees** in the sidebar to see the profit the "
            "outage cost, not only the revenue.",
            icon=":material/payments:",
        )
    st.caption(
        "How this is estimated: the expected sales come from your own orders (the same weekday in recent weeks, "
        f"the rest of the outage day and your other channels). The {percent(conf)} range is how far the same method "
        f"missed on {plural(res.get('placebos', 0), 'ordinary day')} in your history. Revenue is merchandise value "
        "without tax or shipping."
    )


def report_button(res: dict, report: IngestReport, ship_result, names: dict[str, str], tz: str) -> None:
    """The HTML report of this window, built only when the seller clicks (it embeds plotly.js, ~5 MB)."""
    ingest = service.ingest_view(report)

    def make() -> bytes:
        # Runs on a download thread: it uses only the results computed above, never the session's database.
        return build_report(res, ingest=ingest, shipments=ship_result, tz=tz, product_names=names).encode("utf-8")

    st.download_button(
        "Download report (HTML)",
        data=make,
        file_name=f"outage_report_{res['start'][:10].replace('-', '')}.html",
        mime="text/html",
        on_click="ignore",
        type="primary",
        icon=":material/description:",
        key="report_html",
        help="One file with the figures, charts, late orders, method and caveats, to send to an insurer or a "
        "marketplace. It opens offline in any browser.",
    )


def revenue_loaded(container, report: IngestReport) -> None:
    """The loaded revenue as a card: one amount per currency (amounts in different currencies are never added),
    each on its own line when there are several, so none is cut off."""
    codes = list(report.currency)
    amounts = money_per_currency(sum_per_currency(channel_revenue(v, codes) for v in report.channels.values()), 0)
    help_text = "Merchandise value of non-cancelled lines, without tax or shipping."
    if len(amounts) <= 1:
        container.metric("Revenue loaded", amounts[0] if amounts else "n/a", border=True, help=help_text)
        return
    # st.metric keeps its value on one line and cuts it off: several amounts are a card of their own.
    with container.container(border=True, height="stretch"):
        st.markdown(":small[Revenue loaded]", help=help_text)
        st.markdown(escape_dollars("  \n".join(f"**{a}**" for a in amounts)))


def loaded_cards(report: IngestReport) -> list:
    """'Orders loaded' and 'Revenue loaded' (figures of the files, not of any window) in four columns; the two
    columns left are returned for the caller."""
    cols = st.columns(4)
    cols[0].metric("Orders loaded", number(report.orders), border=True)
    revenue_loaded(cols[1], report)
    return cols[2:]


def loaded_overview(report: IngestReport, cov: dict, ship: dict, confidence: float) -> None:
    """What was loaded, when there is no loss estimate to show."""
    during, history = loaded_cards(report)
    during.metric("Orders during the outage", number(cov["orders_in_window"]), border=True)
    history.metric("History before the outage", plural(max(cov["history_days"], 0), "day"), border=True)
    late = late_shipments_text(ship, confidence)
    if late:
        # Said as the report says it: a count with its range, or why it could not be measured.
        tail = " See the Shipments tab." if ship.get("available") and ship.get("excess_late") is not None else ""
        st.markdown(escape_dollars(late) + tail)
