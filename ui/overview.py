"""The Overview tab: what the outage cost, in cards and plain sentences, and the HTML report; or, when the window
cannot be estimated, what was loaded."""

from __future__ import annotations

import streamlit as st

from impact import charts, service
from impact.ingest.loader import IngestReport
from impact.report import build_report, recapture_text, share_of_day_text, summary_lines
from ui.common import count, md_escape
from ui.results import Results
from ui.timeline import daily_chart


def render(results: Results) -> None:
    res, why = results.analysis()
    cov = results.coverage()
    ship, rows = results.shipments()
    if res is None:
        st.warning(
            f"The revenue loss cannot be estimated for this window: {md_escape(why)}.", icon=":material/warning:"
        )
        loaded_overview(results.report, cov, ship, results.params.confidence)
    else:
        loss_overview(res, ship, results.tz)
        report_button(res, results.report, (ship, rows), results.product_names(res), results.tz)
        for warning in cov["warnings"]:  # when the estimate failed, its own reason already says this
            st.warning(warning, icon=":material/warning:")
    daily_chart(results.daily_rows(), results.window, results.tz, key="overview_daily")


def kpi_cards(cards: list[tuple[str, str, str, str | None]]) -> None:
    """A row of (label, value, detail, help) cards. The detail is a caption that wraps, where a metric's delta
    would be cut off in a narrow card."""
    for col, (label, value, detail, help_text) in zip(st.columns(len(cards)), cards, strict=True):
        with col.container(border=True, height="stretch"):
            st.metric(label, value, help=help_text)
            st.caption(detail.replace("$", "\\$"))


def loss_overview(res: dict, ship: dict, tz: str, shared: bool = False) -> None:
    """KPI cards and the plain-language summary of one window's result (also used for shared links).

    The sentences come from impact.report, so the app, the HTML report and a shared link word things alike."""
    rev, orders, cur = res["revenue"], res["orders"], res["currency"]
    conf = f"{res['confidence']:.0%}"
    recovery = res.get("recovery_hours", 24)

    def m(value):
        return charts.money(value, cur, decimals=0)

    share = share_of_day_text(res, tz)
    late = ship.get("available") and ship.get("excess_late") is not None
    short, sentence = recapture_text(res)
    cards = [
        ("Revenue lost", m(rev["lost"]), f"{conf} range {m(rev['lost_low'])} to {m(rev['lost_high'])}",
         f"Expected {m(rev['expected'])} from your history, actual {m(rev['actual'])}."),
        ("Orders lost", f"{orders['lost']:,.0f}", f"of {orders['expected']:,.0f} expected", None),
    ]  # fmt: skip
    if share:
        cards.append(("Day's sales lost", share[0], share[1],
                      "Revenue lost as a share of the revenue your history expects for the whole day(s) the outage "
                      "touched, on the affected channels."))  # fmt: skip
    cards.append(("Net loss", m(rev["net_lost"]), short,
                  f"Revenue lost minus the change in sales in the {recovery:g} h after the outage. "
                  + sentence.replace("**", "")))  # fmt: skip
    if late:
        cards.append(("Late shipments", count(ship["excess_late"]),
                      f"{conf} range {count(ship['excess_late_low'])} to {count(ship['excess_late_high'])}",
                      "Orders that shipped late because of the outage, beyond your usual late rate."))  # fmt: skip
    kpi_cards(cards)
    lines = summary_lines(res, ship, tz)
    if late and not shared:
        lines[-1] += " The Shipments tab lists them for an appeal."
    # A literal $ would open LaTeX in streamlit markdown.
    st.markdown("\n\n".join(line.replace("$", "\\$") for line in lines))
    for warning in res.get("warnings", []):
        st.warning(f"{md_escape(warning[:1].upper() + warning[1:])}.", icon=":material/warning:")
    st.caption(
        "How this is estimated: the expected sales come from your own orders (the same weekday in recent weeks, "
        f"the rest of the outage day and your other channels). The {conf} range is how far the same method missed "
        f"on {res.get('placebos', 0)} ordinary days in your history. Revenue is merchandise value without tax or "
        "shipping."
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


def loaded_overview(report: IngestReport, cov: dict, ship: dict, confidence: float) -> None:
    """What was loaded, when there is no loss estimate to show."""
    currency = report.currency[0] if len(report.currency) == 1 else None
    total_revenue = sum(v.get("revenue") or 0.0 for v in report.channels.values())
    cols = st.columns(4)
    cols[0].metric("Orders loaded", f"{report.orders:,}", border=True)
    cols[1].metric(
        "Revenue loaded",
        charts.money(total_revenue, currency, decimals=0) if currency else "several currencies",
        border=True,
        help="Merchandise value of non-cancelled lines, without tax or shipping.",
    )
    cols[2].metric("Orders during the outage", f"{cov['orders_in_window']:,}", border=True)
    cols[3].metric("History before the outage", f"{max(cov['history_days'], 0):.0f} days", border=True)
    if ship.get("available"):
        st.markdown(
            f"Shipping: the outage caused about **{count(ship['excess_late'])}** late shipments "
            f"({confidence:.0%} range {count(ship['excess_late_low'])} to "
            f"{count(ship['excess_late_high'])}); see the Shipments tab."
        )
