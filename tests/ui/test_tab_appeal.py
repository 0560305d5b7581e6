"""ui.appeal on its own: the metrics a marketplace judges with and without the outage, and the editable request."""

from uipages import render_page, run_page


def test_appeal_tab_offers_the_sellers_marketplaces_and_writes_the_amazon_request(results):
    """On the demo (Amazon hit, Shopify beside it) Amazon comes first; its metrics are stated or said to be
    unmeasurable with the reason, and the letter is editable with the letter and the pack to download."""
    at = run_page(render_page, "appeal", results())
    box = at.selectbox(key="appeal_marketplace")
    assert box.options == ["Amazon", "Shopify"] and box.value == "amazon"
    said = "\n".join(m.value for m in at.markdown)
    assert "Late Shipment Rate could not be measured" in said  # the All Orders report carries no ship times
    assert "Cancel" in said
    letter = at.text_area[0].value
    assert "AWS us-east-1" in letter or "Outage" in letter
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[0] == "Download the letter (TXT)" and labels[1].startswith("Download the appeal pack")


def test_shopify_gets_an_sla_credit_request(results):
    """Choosing Shopify turns the request into an SLA credit request with the outage's minutes and the tier."""
    at = run_page(render_page, "appeal", results())
    at.selectbox(key="appeal_marketplace").set_value("shopify").run()
    assert not at.exception
    assert any(s.value == "Your SLA credit request" for s in at.subheader)
    assert "credit" in at.text_area[0].value.lower() and "872" in at.text_area[0].value
