"""ui.shared_view on its own: a share snapshot shown read-only, and a link that does not open."""

from uipages import run_page


def _snapshot_page(results):
    from datetime import datetime

    from ui.shared_view import snapshot

    def tab(container, render, *args):
        with container:
            render(*args)

    res, _ = results.analysis()
    snapshot(results.share_snapshot(res), datetime(2026, 1, 5, 9, 30), None, tab)


def test_shared_snapshot_shows_each_window_read_only(results):
    """The snapshot's window gets Overview, Timeline and Products with the loss cards and no download."""
    at = run_page(_snapshot_page, results())
    assert [t.label for t in at.tabs] == ["Overview", "Timeline", "Products"]
    assert at.subheader[0].value.startswith("AWS us-east-1 outage, Mon 20 Oct 2025")
    assert at.metric[0].label == "Revenue lost" and not at.get("download_button")
    assert at.caption[0].value.startswith("Results shared on 05 Jan 2026 09:30 UTC.")
    summary = next(m.value for m in at.markdown if m.value.startswith("During the outage"))
    assert "The Shipments tab" not in summary  # a shared view has no Shipments tab


def _bad_link_page():
    from ui.shared_view import render

    render("x" * 43, None)


def test_a_link_that_does_not_open_is_refused_plainly():
    """An unknown token shows that the link is not valid and a way into the app, nothing else."""
    at = run_page(_bad_link_page)
    assert "not valid" in at.error[0].value and not at.metric
    assert [b.label for b in at.button] == ["Open Outage Impact"]


def test_shared_snapshot_shows_marketplace_metrics_but_no_orders_or_letter(results):
    """A share carries each marketplace's metrics with and without the outage, and no Shopify SLA figures for an
    outage that was not Shopify's; the view shows them with no order list, no letter and nothing to download."""
    r = results()
    res, _ = r.analysis()
    snap = r.share_snapshot(res)
    assert sorted(snap["appeals"]) == ["amazon", "shopify"]
    assert "letter" not in snap["appeals"]["amazon"] and "order_id" not in str(snap["appeals"])
    assert "sla" not in snap["appeals"]["shopify"]  # AWS was down, not Shopify: no 872-minute SLA credit
    at = run_page(_snapshot_page, r)
    assert any(s.value == "Marketplace metrics, with and without the outage" for s in at.subheader)
    said = "\n".join(m.value for m in at.markdown)
    assert "Pre-fulfilment Cancel Rate" in said and "uptime" not in said
    assert not at.text_area and not at.get("download_button")


def _store_down_page():
    from ui.shared_view import render

    render("A" * 43, None)


def test_a_share_store_that_cannot_be_reached_is_not_called_an_invalid_link(monkeypatch):
    """With the share store down the analyst reads that the results cannot be opened right now and that the link
    may still be valid, not that the link is invalid."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    monkeypatch.setenv("IMPACT_DB", f"postgresql://impact:pw@127.0.0.1:{port}/nowhere")
    monkeypatch.setenv("IMPACT_SHARE_LOCK_TIMEOUT", "1")
    try:
        at = run_page(_store_down_page)
    finally:
        from impact.share.store import close_pools

        close_pools()
    assert at.error[0].value.startswith("The shared results cannot be opened right now: the share database")
    assert "The link may still be valid" in at.error[0].value and "not valid" not in at.error[0].value
