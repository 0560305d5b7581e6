"""The Claim tab: the policy's terms, the claim statement (impact.service.claim) and claim.zip to download (PDF
statement, workbook with the arithmetic as formulas, CSVs, manifest), built only when the seller clicks."""

from __future__ import annotations

import streamlit as st

from impact import service, views
from impact.claim import ClaimPolicy
from impact.errors import ImpactError
from impact.present import duration, format_money
from ui.common import escape_dollars, md_escape
from ui.results import Results

KINDS = {
    "cyber": "Cyber (dependent business interruption)",
    "bi": "Business interruption (gross profit)",
    "parametric": "Parametric cloud-outage cover",
}


def policy_inputs(costed: bool) -> dict:
    """The policy's terms as ClaimPolicy keywords: only those the chosen kind takes (others would contradict it)."""
    cols = st.columns(4)
    kind = cols[0].selectbox("Policy", list(KINDS), format_func=KINDS.get, key="claim_kind")
    terms: dict = {"kind": kind}
    if kind in ("cyber", "parametric"):
        terms["waiting_hours"] = cols[1].number_input(
            "Waiting period (hours)", 0.0, 720.0, 12.0, 0.5, key="claim_waiting"
        )
        terms["waiting_mode"] = cols[2].selectbox(
            "Waiting period applies as",
            ["qualifying", "retention"],
            index=0 if kind == "cyber" else 1,
            key=f"claim_mode_{kind}",
            help="qualifying: once exceeded, covered from the first hour; retention: its hours are never covered",
        )
    if kind == "parametric":
        terms["hourly_sum"] = cols[3].number_input("Sum per hour", 0.0, value=500.0, step=50.0, key="claim_hourly")
    else:
        terms["deductible"] = cols[3].number_input("Deductible", 0.0, value=0.0, step=50.0, key="claim_deductible")
    cols = st.columns(4)
    limit = cols[0].number_input("Limit (0 = none)", 0.0, value=0.0, step=1000.0, key="claim_limit")
    if limit > 0:
        terms["limit"] = limit
    if kind != "parametric":
        days = cols[1].number_input(
            "Indemnity period (days, 0 = none)", 0.0, value=0.0, step=1.0, key="claim_indemnity"
        )
        if days > 0:
            terms["indemnity_days"] = days
    if not costed:
        # Without cost files the analysis has no margin; the seller may state the rate their accounts show.
        rate = cols[2].number_input(
            "Rate of gross profit (%)",
            0.0,
            100.0,
            0.0,
            1.0,
            key="claim_gp_rate",
            help="Your gross profit as a share of sales, from your accounts; or add your "
            "product costs under Costs and fees.",
        )
        if rate > 0:
            terms["gross_profit_rate"] = rate / 100
    return terms


def render(results: Results) -> None:
    res, why = results.analysis()
    if res is None:
        st.info(f"A claim needs the outage's estimate, which this window cannot give: {md_escape(why)}.")
        return
    st.caption(
        "A claim statement for an insurer: the policy's arithmetic on this outage's measured loss, and a pack with "
        "the PDF statement, a workbook whose figures are formulas an accountant can check, the hourly workings and "
        "a manifest of hashes."
    )
    costed = bool(res.get("profit"))
    terms = policy_inputs(costed)
    if not costed and "gross_profit_rate" not in terms and terms["kind"] != "parametric":
        st.info(
            "A claim is for lost gross profit: add your product costs under **Costs and fees** in the sidebar, or "
            "enter your rate of gross profit above.",
            icon=":material/payments:",
        )
        return
    cover = cover_inputs()
    try:
        policy = ClaimPolicy(**terms)
        statement = service.claim(
            results.con, [results.window], results.opts, policy, analysis=views.analysis_of_view(res), cover=cover
        )
    except ImpactError as exc:
        st.error(md_escape(str(exc)), icon=":material/error:")
        return
    cur = statement.get("currency") or res.get("currency")
    claim = statement["total"]["claim"]
    detail = ""
    if claim.get("low") is not None and claim.get("high") is not None and claim["low"] != claim["high"]:
        detail = f"range {format_money(claim['low'], cur)} to {format_money(claim['high'], cur)}"
    st.metric("Claim", format_money(claim["value"], cur), border=True, help=md_escape(statement.get("method") or ""))
    if detail:
        st.caption(escape_dollars(detail))
    waiting, hours = terms.get("waiting_hours") or 0.0, results.window.hours
    if not claim["value"] and waiting >= hours:
        # A zero claim always says why: here the waiting period swallows the whole outage.
        st.info(
            f"Nothing is claimable because the policy's waiting period ({duration(waiting)}) is at least as long as "
            f"the outage ({duration(hours)}): the cover pays only for the hours beyond it. If your policy's waiting "
            "period is shorter, change it above.",
            icon=":material/hourglass_empty:",
        )
    workings_table(statement, results.tz)
    for note in statement.get("assumptions") or []:
        st.caption(md_escape(note))
    pack_button(statement, results)


COVER = {  # the statement's cover page: key, label, help
    "insured": ("Insured", "The business as named on the policy"),
    "policy_number": ("Policy number", None),
    "incident_reference": ("Incident reference", "Default: the provider's incident matching the window, if known"),
    "incident_source": ("Incident's public source", "e.g. the provider's status page or post-incident report"),
    "prepared_by": ("Prepared by", None),
}


def cover_inputs() -> dict:
    """The statement's cover page particulars; any left empty is a line to fill on the PDF."""
    with st.expander("Cover page of the statement (insured, policy number, incident, prepared by)"):
        cols = st.columns(2)
        return {
            key: cols[i % 2].text_input(label, key=f"claim_cover_{key}", help=help_, max_chars=200)
            for i, (key, (label, help_)) in enumerate(COVER.items())
        }


def workings_table(statement: dict, tz: str) -> None:
    """The policy's workings of each window, one line a row, worded as the PDF statement words them."""
    rows = [
        {"Line": label, "Amount": amount, "Range": span, "How it is computed": how}
        for label, amount, span, how in service.claim_lines(statement, tz)
    ]
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")


def pack_button(statement: dict, results: Results) -> None:
    """claim.zip, built when clicked from the statement above (never the session's database: another thread)."""
    ingest = service.ingest_view(results.report)
    inputs = results.input_files()
    _, late = results.shipments()
    affected = service.orders_outage_could_delay(late, results.window)
    tz = results.tz

    def make() -> bytes:
        return service.claim_pack(statement, inputs=inputs, affected_orders=affected, tz=tz, ingest=ingest)

    st.download_button(
        "Download claim pack (ZIP)",
        data=make,
        file_name=f"claim_{statement['windows'][0]['start'][:10].replace('-', '')}.zip",
        mime="application/zip",
        on_click="ignore",
        type="primary",
        icon=":material/folder_zip:",
        key="claim_zip",
        help="statement.pdf, workbook.xlsx (the arithmetic as formulas), affected_orders.csv, hourly.csv and "
        "manifest.json (hashes, version, parameters).",
    )
