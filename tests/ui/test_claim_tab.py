"""ui.claim on its own: the Claim tab is offered only with the claim statement (impact.service.claim), and then
shows the claim and the pack's download; the pack's bytes come from service.claim_pack."""

import io
import zipfile

import pytest
from uipages import render_page, run_page

from impact import service
from ui import claim


def test_the_tab_is_offered_only_with_the_claim_statement():
    assert claim.available() == (hasattr(service, "claim") and hasattr(service, "claim_pack"))


@pytest.mark.skipif(not claim.available(), reason="this version has no claim statement (impact.service.claim)")
def test_claim_tab_shows_the_claim_and_the_pack(results):
    at = run_page(render_page, "claim", results())
    assert not at.exception
    assert at.selectbox(key="claim_kind").value == "cyber"
    # These demo results carry no cost files: a cyber claim says what it needs, in one sentence.
    assert any("gross profit" in e.value for e in at.error)
    at.selectbox(key="claim_kind").set_value("parametric").run()
    assert not at.exception and any(m.label == "Claim" for m in at.metric)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download claim pack (ZIP)"]


@pytest.mark.skipif(not claim.available(), reason="this version has no claim statement (impact.service.claim)")
def test_service_claim_pack_is_a_zip_of_the_five_files(results):
    from impact.claim import ClaimPolicy

    r = results()
    res, _ = r.analysis()
    st = service.claim(r.con, [r.window], r.opts, ClaimPolicy(kind="parametric", waiting_hours=12.0, hourly_sum=100),
                       analysis=service.analysis_of_view(res))  # fmt: skip
    data = service.claim_pack(st, tz=r.tz, generated_at="2025-11-03T09:30:00Z")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names == ["affected_orders.csv", "hourly.csv", "manifest.json", "statement.pdf", "workbook.xlsx"]
