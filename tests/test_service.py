"""The service's one rule for the affected channels, and shipments counted on those channels only (impact.service)."""


def _demo():
    from impact.service import load_files, resolve_options
    from tests.testdata import ROOT

    demo = ROOT / "data" / "demo"
    opts = resolve_options(tz="UTC")
    con, _ = load_files([demo / "amazon_all_orders.txt", demo / "shopify_orders_export.csv"], tz="UTC")
    return con, opts


def test_default_channels_follow_one_rule():
    """Named channels stand; else a known outage's; else all, each with the sentence a reader is shown."""
    from datetime import datetime

    from impact.service import default_channels, run_analysis
    from impact.windows import Window

    con, opts = _demo()
    aws = Window(datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20))
    choice = default_channels(con, aws, opts)
    assert (choice.channels, choice.source, choice.reason) == (
        ("amazon",),
        "catalog",
        "the AWS us-east-1 outage hit Amazon",
    )
    named = default_channels(con, Window(aws.start, aws.end, ("shopify",)), opts)
    assert (named.channels, named.reason) == (("shopify",), "you chose Shopify")
    quiet = default_channels(con, Window(datetime(2025, 10, 22, 6), datetime(2025, 10, 22, 9)), opts)
    assert (quiet.channels, quiet.source) == (("amazon", "shopify"), "all")
    # The analysis takes the same rule: no channels given gives the known outage's, with its reason.
    w = run_analysis(con, [aws], opts, shipments=False).to_json()["windows"][0]
    assert (w["channels"], w["channels_reason"]) == (["amazon"], "the AWS us-east-1 outage hit Amazon")


def test_shipments_count_only_the_affected_channels_and_name_the_report_to_add():
    """Amazon's All Orders report has no ship times: nothing is counted from Shopify, and the note names the report."""
    from datetime import datetime

    from impact.service import shipments
    from impact.windows import Window

    con, opts = _demo()
    summary, rows = shipments(con, Window(datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20)), opts)
    assert (summary.available, summary.channels, len(rows)) == (False, [], 0)
    assert summary.notes == [
        "the Amazon orders carry no ship times, so late shipments cannot be measured there: add Amazon's Fulfilled "
        "Shipments report (Reports > Fulfillment), or a ShipStation shipments export"
    ]
