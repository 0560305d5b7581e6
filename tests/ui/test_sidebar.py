"""ui.sidebar on its own: the inputs before the orders are loaded, and the estimate settings after."""

from datetime import datetime

from uipages import rerun, run_page


def _sidebar_page(channels, scopes=None):
    import streamlit as st

    from ui import sidebar

    inputs = sidebar.inputs()
    params = sidebar.estimate_settings(channels, True, ["USD"], inputs.tz, scopes=scopes)
    st.write(f"{inputs.tz} {inputs.start:%H:%M} {inputs.end:%H:%M} {','.join(params.channels)} {params.opts.currency}")


def test_sidebar_opens_on_the_demo_outage_and_proposes_the_channel_it_hit():
    """The default known outage sets the window; of the seller's channels, the one it hit is proposed."""
    at = run_page(_sidebar_page, ["amazon", "shopify"])
    assert at.markdown[0].value == "UTC 06:48 21:20 amazon USD"
    assert at.sidebar.selectbox(key="preset").value == "aws-us-east-1-2025-10-20"
    assert at.sidebar.datetime_input(key="start_at").value == datetime(2025, 10, 20, 6, 48)
    at.sidebar.selectbox(key="tz").set_value("Asia/Tokyo")
    at = rerun(at)
    assert at.sidebar.datetime_input(key="start_at").value == datetime(2025, 10, 20, 15, 48)
    assert at.markdown[0].value == "Asia/Tokyo 06:48 21:20 amazon USD"  # the window stays the same instant


def test_sidebar_selects_every_channel_when_none_was_hit_and_says_so():
    """A seller without the outage's channel gets all theirs selected, with a note to adjust."""
    at = run_page(_sidebar_page, ["etsy", "ebay"])
    assert at.sidebar.multiselect(key="affected").value == ["etsy", "ebay"]
    assert (
        "Etsy and eBay: the AWS us-east-1 outage is listed as hitting Amazon, WooCommerce and Other, none of your "
        "channels, so all are analysed." in [c.value for c in at.sidebar.caption]
    )


def test_sidebar_offers_the_marketplaces_of_a_channel_that_has_several():
    """TikTok Shop orders inside Shopify can be chosen alone, named as the seller knows them."""
    scopes = {"shopify": ["shopify:Shopify", "shopify:TikTok Shop"]}
    at = run_page(_sidebar_page, ["amazon", "shopify"], scopes)
    box = at.sidebar.multiselect(key="affected")
    assert box.options == ["Amazon", "Shopify", "Shopify (own orders)", "TikTok Shop (in Shopify)"]
    box.set_value(["shopify:TikTok Shop"])
    at = rerun(at)
    assert at.markdown[0].value == "UTC 06:48 21:20 shopify:TikTok Shop USD"
