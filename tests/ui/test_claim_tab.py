"""ui.claim on its own: the Claim tab shows the claim and the pack's download, and asks for costs or a rate of gross
profit when the analysis has no margin; the pack's bytes come from service.claim_pack."""

import io
import zipfile

from uipages import render_page, run_page

from impact import service, views
from impact.claim import ClaimPolicy


def test_claim_tab_shows_the_claim_and_the_pack(results):
    """Without costs a cyber claim asks for them or a rate; with a rate, and for parametric cover, the claim shows."""
    at = run_page(render_page, "claim", results())
    assert not at.exception
    assert at.selectbox(key="claim_kind").value == "cyber"
    # These demo results carry no cost files: the tab says what a claim needs, calmly, not as an error.
    assert any("rate of gross profit" in i.value for i in at.info) and not at.error
    at.number_input(key="claim_gp_rate").set_value(35.0).run()
    assert not at.exception and any(m.label == "Claim" for m in at.metric)
    at.selectbox(key="claim_kind").set_value("parametric").run()
    assert not at.exception and any(m.label == "Claim" for m in at.metric)
    # A 24 h waiting period on the 14 h 32 min outage: the zero claim says why.
    at.number_input(key="claim_waiting").set_value(24.0).run()
    assert [m.value for m in at.metric if m.label == "Claim"] == ["$0.00"]
    assert any(
        i.value.startswith(
            "Nothing is claimable because the policy's waiting period (24 h) is at least as long as the "
            "outage (14 h 32 min)"
        )
        for i in at.info
    )
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download claim pack (ZIP)"]


def test_service_claim_pack_is_a_zip_of_the_five_files(results):
    """service.claim_pack gives the zip of the five files from a statement alone."""
    from impact.claim import ClaimPolicy

    r = results()
    res, _ = r.analysis()
    st = service.claim(
        r.con,
        [r.window],
        r.opts,
        ClaimPolicy(kind="parametric", waiting_hours=12.0, hourly_sum=100),
        analysis=views.analysis_of_view(res),
    )
    data = service.claim_pack(st, tz=r.tz, generated_at="2025-11-03T09:30:00Z")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == ["affected_orders.csv", "hourly.csv", "manifest.json", "statement.pdf", "workbook.xlsx"]


def test_claim_tab_words_the_workings_and_takes_the_cover_page(results):
    """The workings table reads as the PDF does (labels in words, no keys), and the cover page's particulars typed in
    the tab are the statement's."""
    at = run_page(render_page, "claim", results())
    at.number_input(key="claim_gp_rate").set_value(35.0).run()
    at.text_input(key="claim_cover_insured").set_value("Demo Goods Ltd").run()
    at.text_input(key="claim_cover_policy_number").set_value("CY-42").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Line", "Amount", "Range", "How it is computed"]
    assert "Gross profit lost in the covered hours" in list(table["Line"])
    assert not any("_" in str(v) for v in table["Line"])
    r = results()
    res, _ = r.analysis()
    st = service.claim(
        r.con,
        [r.window],
        r.opts,
        ClaimPolicy("cyber", gross_profit_rate=0.35),
        analysis=views.analysis_of_view(res),
        cover={"insured": "Demo Goods Ltd", "policy_number": "CY-42"},
    )
    assert st["cover"]["insured"] == "Demo Goods Ltd" and st["cover"]["prepared_by"] == ""
