"""Tests for app.py with streamlit's AppTest: the demo, uploads, mapping, the window inputs and error messages."""

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from uipages import run_app

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
DATA = ROOT / "tests" / "data"


pytestmark = pytest.mark.usefixtures("private_app_settings")
_run = run_app


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]
    return "\n".join(parts)


def _upload(at: AppTest, *names: str) -> AppTest:
    files = [(n, (DATA / n).read_bytes(), "text/csv") for n in names]
    at.sidebar.file_uploader[0].set_value(files)
    return _run(at)


@pytest.fixture(scope="module")
def demo() -> AppTest:
    """One demo run shared by the read-only checks (the app is re-run only by tests that change widgets), in UTC:
    the zone these checks were written for (a module's fixture runs before the tests' IMPACT_DEFAULT_TZ is set)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IMPACT_DEFAULT_TZ", "UTC")
        return _run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_demo_opens_labelled_with_kpis_and_tabs(demo):
    """With no upload the demo seller opens, clearly marked DEMO, with KPI cards and every tab."""
    at = demo
    assert not at.error
    text = _texts(at)
    assert "DEMO" in text and "Demo Kitchen Co" in text and "AWS us-east-1 outage" in text
    assert [t.label for t in at.tabs] == [
        "Overview",
        "Timeline",
        "Products",
        "Shipments",
        "Appeal",
        "Claim",
        "Scenarios",
        "Data",
    ]
    metrics = _metrics(at)
    assert metrics["Revenue lost"].startswith("$") and int(metrics["Orders lost"]) > 0
    assert at.session_state["is_demo"] is True
    assert at.session_state["window_utc"] == (datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20))
    assert at.sidebar.multiselect(key="affected").value == ["amazon"]
    assert at.sidebar.selectbox(key="preset").value == "aws-us-east-1-2025-10-20"


def test_demo_overview_estimates_the_loss_in_plain_words(demo):
    """The demo's Overview gives the revenue lost with its range and a sentence a seller can read."""
    metrics = _metrics(demo)
    lost = int(metrics["Revenue lost"].lstrip("$").replace(",", ""))
    assert 200 < lost < 1500  # truth.json: $570 expected loss
    caption = next(c.value for c in demo.caption if c.value.startswith("90% range \\$"))  # the card's detail
    low, high = (int(v.strip().lstrip("\\$").replace(",", "")) for v in caption.split("range ")[1].split(" to "))
    assert low < lost < high
    summary = next(m.value for m in demo.markdown if m.value.startswith("During the outage"))
    assert "your Amazon sales were" in summary and "lost" in summary and "Chance that this drop" in summary
    assert "\\$" in summary and "$" not in summary.replace("\\$", "")  # no $ left to open LaTeX in markdown


def test_demo_overview_reads_share_of_day_and_recapture_plainly(demo):
    """The share of the day's sales has its own card, and a negative recapture within noise reads as 'no
    measurable recapture' instead of 'after -$494 recaptured' (the demo now counts none of it)."""
    metrics = _metrics(demo)
    res = next(v[0] for k, v in demo.session_state["_results"].items() if k[0] == "analysis")
    assert metrics["Day's sales lost"] == f"{res['share_of_day']:.0%}"
    assert any(c.value == "of Mon 20 Oct's expected Amazon sales" for c in demo.caption)
    assert res["revenue"]["recaptured"] <= 0 < res["revenue"]["recaptured_high"]
    assert metrics["Net loss"] == f"${res['revenue']['net_lost']:,.0f}"
    assert any(c.value == "no measurable recapture" for c in demo.caption)
    summary = "\n".join(m.value for m in demo.markdown)
    assert "There is no measurable recapture in the 24 hours after the outage" in summary
    assert "recaptured" not in summary


def test_demo_offers_the_html_report(demo):
    """The Overview has the report download next to the estimate; the other downloads stay where they were."""
    buttons = {b.proto.label: b.proto for b in demo.get("download_button")}
    report = buttons["Download report (HTML)"]
    assert report.HasField("deferred_file_id")  # built on click, not on every rerun
    # Amazon, the outage's channel, has no ship times in the demo: no late orders of Shopify stand in for them.
    assert not any(label.startswith("Download the") and "late orders" in label for label in buttons)


def test_rerun_reuses_the_history_and_skips_shipments_in_the_analysis():
    """Moving only the window re-runs the estimate on the cached hourly history; a new zone aggregates again; the
    analysis leaves shipments to the Shipments tab."""
    at = _run()
    for minute in (50, 55):
        at.sidebar.datetime_input(key="start_at").set_value(datetime(2025, 10, 20, 6, minute))
        at = _run(at)
    kinds = [k[0] for k in at.session_state["_results"]]
    assert kinds.count("history") == 1 and kinds.count("analysis") == 3
    res = [v[0] for k, v in at.session_state["_results"].items() if k[0] == "analysis"]
    assert all(r["shipments"] is None for r in res)
    at.sidebar.selectbox(key="tz").set_value("Asia/Tokyo")  # +9: the local day, and so the history, changes
    at = _run(at)
    assert [k[0] for k in at.session_state["_results"]].count("history") == 2


def test_demo_timeline_and_products_draw_their_charts(demo):
    """Timeline has the hourly, cumulative and daily charts; Products the channel and SKU charts and a SKU table."""
    charts_drawn = demo.get("plotly_chart")
    # Overview daily, Timeline hourly + cumulative + daily, Products channels + SKUs, Scenarios mix + sweep.
    assert len(charts_drawn) == 8
    skus = demo.dataframe[0].value
    assert list(skus.columns) == ["SKU", "Product", "Revenue lost"]
    assert skus["Product"].str.len().min() > 0 and skus["Revenue lost"].str.startswith("$").all()


def test_demo_shipments_tab_counts_only_the_affected_channel(demo):
    """The outage hit Amazon, whose All Orders report has no ship times: the tab says which report to add and counts
    none of Shopify's late orders (nor does the Overview's card)."""
    assert "Late because of the outage" not in _metrics(demo) and "Late shipments" not in _metrics(demo)
    assert any(
        i.value.startswith("Late shipments cannot be measured on Amazon, the channel the outage hit")
        and "add Amazon's Fulfilled Shipments report" in i.value
        for i in demo.info
    )


def test_demo_scenarios_tab_compares_a_moved_mix(demo):
    """The Scenarios tab shows today's concentration and yearly risk, and what moving 30% of Amazon would do."""
    values = [m for m in demo.metric if m.label == "Expected outage loss per year"]
    assert len(values) == 2 and values[0].value.startswith("$")
    assert values[1].delta.startswith("-")  # moving demand off Amazon lowers the AWS-driven loss
    assert 5000 < int(_metrics(demo)["Channel concentration (HHI)"].replace(",", "")) < 10000
    assert demo.selectbox(key="scenario_source").value == "amazon"
    assert any(m.value.startswith("With that mix, this outage would have cost") for m in demo.markdown)


def test_known_outage_preset_moves_the_window_and_channels():
    """Choosing another catalog outage sets its window and channels; outside the data it says why there is no
    estimate and still shows what was loaded."""
    at = _run()
    at.sidebar.selectbox(key="preset").set_value("cloudflare-2025-11-18")
    at = _run(at)
    assert at.session_state["window_utc"] == (datetime(2025, 11, 18, 11, 20), datetime(2025, 11, 18, 17, 6))
    assert at.sidebar.multiselect(key="affected").value == ["amazon", "shopify"]  # none listed: all are chosen
    assert any("cannot be estimated" in w.value and "outside the order history" in w.value for w in at.warning)
    assert "Orders loaded" in _metrics(at)
    at.sidebar.datetime_input(key="end_at").set_value(datetime(2025, 11, 18, 18, 0))
    at = _run(at)
    assert at.sidebar.selectbox(key="preset").value == "custom"


def test_status_feed_errors_are_sentences():
    """A status-page address the fetcher refuses (a private address) gives a plain message in the sidebar."""
    at = _run()
    at.sidebar.text_input(key="feed_url").set_value("http://127.0.0.1:9/api")
    at.sidebar.button(key="feed_fetch").click()
    at = _run(at)
    errors = [e.value for e in at.sidebar.error]
    assert errors and "127.0.0.1" in errors[0].replace("\\", "")


def test_time_zone_change_keeps_the_window_instant():
    """Choosing New York shows the same window as 02:48-17:20 local time, still 06:48-21:20 UTC."""
    at = _run()
    at.sidebar.selectbox(key="tz").set_value("America/New_York")
    at = _run(at)
    assert at.sidebar.datetime_input(key="start_at").value == datetime(2025, 10, 20, 2, 48)
    assert at.sidebar.datetime_input(key="end_at").value == datetime(2025, 10, 20, 17, 20)
    assert at.session_state["window_utc"] == (datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20))
    at.sidebar.datetime_input(key="start_at").set_value(datetime(2025, 10, 20, 3, 0))
    at = _run(at)
    assert at.session_state["window_utc"][0] == datetime(2025, 10, 20, 7, 0)


def test_window_ending_before_it_starts_is_a_message():
    """An end before the start gives a plain error, not a traceback."""
    at = _run()
    at.sidebar.datetime_input(key="end_at").set_value(datetime(2025, 10, 20, 5, 0))
    at = _run(at)
    assert any("before it starts" in e.value for e in at.error)


def test_upload_replaces_the_demo_and_reports_rejects():
    """Uploaded exports replace the demo; the Data tab lists per-file counts and offers the rejected lines."""
    at = _upload(_run(), "amazon_all_orders_32.txt", "shopify_orders_export.csv")
    assert at.session_state["is_demo"] is False
    assert "DEMO" not in _texts(at)
    files = at.dataframe[0].value
    assert list(files["File"]) == ["amazon_all_orders_32.txt", "shopify_orders_export.csv"]
    assert list(files["Rejected"]) == [1, 0]
    assert at.sidebar.multiselect(key="affected").value == ["amazon"]  # the AWS outage hit Amazon, not Shopify
    download = [b for b in at.get("download_button") if "rejects_csv" in b.proto.id]  # the Data tab's
    assert download and "Download rejected lines" in download[0].proto.label


def test_unreadable_upload_is_explained_and_others_still_load():
    """A file that is not an export gets a seller-readable error while the good file is still imported."""
    at = _run()
    at.sidebar.file_uploader[0].set_value(
        [
            ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "text/csv"),
            ("shopify.csv", (DATA / "shopify_orders_export.csv").read_bytes(), "text/csv"),
        ]
    )
    at = _run(at)
    assert any("photo.csv" in e.value for e in at.error)
    assert not any("Traceback" in e.value for e in at.error)
    assert list(at.dataframe[0].value["File"]) == ["shopify.csv"]


def test_unknown_csv_can_be_mapped_in_the_app():
    """A CSV with unknown columns shows a mapping form; submitting it imports the orders."""
    at = _upload(_run(), "generic_walmart.csv")
    assert any(e.label.startswith("Map the columns of generic") for e in at.expander)
    at.selectbox(key="m_order::generic_walmart.csv").set_value("Order Ref")
    at.selectbox(key="m_date::generic_walmart.csv").set_value("When")
    at.selectbox(key="m_price::generic_walmart.csv").set_value("Unit Price")
    at.selectbox(key="m_qty::generic_walmart.csv").set_value("Qty")
    at.selectbox(key="m_status::generic_walmart.csv").set_value("State")
    at.selectbox(key="m_channel::generic_walmart.csv").set_value("walmart")
    at.selectbox(key="m_dateorder::generic_walmart.csv").set_value("day_first")
    submit = [b for b in at.form_submit_button if "Import with this mapping" in b.label]
    submit[0].click()
    at = _run(at)
    assert not at.expander or not any(e.label.startswith("Map the columns") for e in at.expander)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Orders loaded"] == "2" and metrics["Revenue loaded"] == "$59"


def test_dates_that_read_both_ways_get_a_date_order_form():
    """A Shopify export re-saved with 05/12/2023 dates asks for their order; day/month imports 3 and 5 December."""
    at = _run()
    data = (
        b"Name,Financial Status,Currency,Subtotal,Created at,Lineitem quantity,Lineitem name,Lineitem price\r\n"
        b"#1001,paid,CAD,10.00,05/12/2023 22:36,1,Mug,10.00\r\n#1002,paid,CAD,10.00,03/12/2023 10:00,1,Mug,10.00\r\n"
    )
    at.sidebar.file_uploader[0].set_value([("orders_export_1.csv", data, "text/csv")])
    at = _run(at)
    assert any(e.label == "Date order of orders_export_1.csv" for e in at.expander)
    at.radio(key="d_dateorder::orders_export_1.csv").set_value("day_first")
    [b for b in at.form_submit_button if "Import with this date order" in b.label][0].click()
    at = _run(at)
    assert not any(e.label.startswith("Date order of") for e in at.expander)
    assert _metrics(at)["Orders loaded"] == "2"
    assert at.session_state["con"].execute("SELECT min(purchased_at)::DATE::VARCHAR FROM lines").fetchone() == (
        "2023-12-03",
    )


def test_sessions_do_not_share_uploads():
    """One session's upload is invisible to another session, which still sees the demo."""
    seller = _upload(_run(), "shopify_orders_export.csv")
    other = _run()
    assert seller.session_state["is_demo"] is False and other.session_state["is_demo"] is True
    assert seller.session_state["con"] is not other.session_state["con"]
    assert "Revenue lost" in _metrics(other)  # the demo's estimate
    assert _metrics(seller)["Orders loaded"] == "3"  # one day of Shopify orders: too little history to estimate


def test_share_link_round_trip_shows_results_without_orders():
    """A link made in the app opens a read-only view of the same estimate; a wrong token is refused plainly."""
    at = _run()
    at.sidebar.button(key="share_create").click()
    at = _run(at)
    url = at.session_state["share_link"][1]["url"]
    assert "?share=" in url
    lost = _metrics(at)["Revenue lost"]

    viewer = AppTest.from_file(APP, default_timeout=60)
    viewer.query_params["share"] = url.split("share=")[1]
    viewer = _run(viewer)
    assert _metrics(viewer)["Revenue lost"] == lost
    assert not viewer.sidebar.file_uploader and not viewer.get("download_button")
    assert any("SHARED" in m.value for m in viewer.markdown)

    stranger = AppTest.from_file(APP, default_timeout=60)
    stranger.query_params["share"] = "x" * 43
    stranger = _run(stranger)
    assert any("not valid" in e.value for e in stranger.error)


def test_share_link_revoked_from_the_app_no_longer_opens():
    """Made and revoked in the app: the panel says it is revoked, the Known outage is still the demo's, and the
    link now opens only the refusal."""
    at = _run()
    at.sidebar.button(key="share_create").click()
    at = _run(at)
    url = at.session_state["share_link"][1]["url"]
    at.sidebar.button(key="share_revoke").click()
    at = _run(at)
    assert [s.value for s in at.sidebar.success] == ["Revoked: the link no longer opens."]
    assert at.sidebar.selectbox(key="preset").value == "aws-us-east-1-2025-10-20"
    viewer = AppTest.from_file(APP, default_timeout=60)
    viewer.query_params["share"] = url.split("share=")[1]
    viewer = _run(viewer)
    assert any("not valid" in e.value for e in viewer.error) and not _metrics(viewer)


# Every supported export in tests/data: (file, format label, encoding, lines loaded, revenue symbol).
FORMATS = [
    ("amazon_all_orders_32.txt", "Amazon All Orders report", "utf-8", 6, "$"),
    ("amazon_all_orders_29_jp.txt", "Amazon All Orders report", "utf-8", 3, "¥"),
    ("amazon_all_orders_de_cp1252.txt", "Amazon All Orders report", "cp1252", 2, "€"),
    ("amazon_all_orders_utf16.txt", "Amazon All Orders report", "utf-16", 3, "¥"),
    ("amazon_fulfilled_shipments.txt", "Amazon Fulfilled Shipments report", "utf-8", 3, "$"),
    ("shopify_orders_export.csv", "Shopify orders export", "utf-8-sig", 6, "$"),
    ("ebay_orders.csv", "eBay Seller Hub orders report", "utf-8", 4, "$"),
    ("etsy_sold_order_items.csv", "Etsy sold order items", "utf-8", 3, "$"),
    ("etsy_sold_orders.csv", "Etsy sold orders", "utf-8", 3, "$"),
    ("woocommerce_orders.csv", "WooCommerce Analytics orders download", "utf-8", 3, "$"),
]


def _files_table(at: AppTest):
    return next(d.value for d in at.dataframe if "File" in d.value.columns)


def test_every_supported_export_uploads_and_shows_its_import_report():
    """Each export format (Amazon 32/29 columns, cp1252, UTF-16, Fulfilled Shipments, Shopify, eBay, Etsy items and
    orders, WooCommerce) loads in the app and shows its import report without an exception; one day of orders is
    too little history for the Scenarios tab, which says so as a note, not an error. (The generic CSV with a mapping has its own test above.)"""
    at = _run()
    for name, label, encoding, loaded, symbol in FORMATS:
        at = _upload(at, name)
        # No errors: that a day of orders is too short for the Scenarios tab's yearly risk model is a calm note.
        assert not at.error, (name, [e.value for e in at.error])
        assert any("needs at least one full week" in i.value for i in at.info), name
        row = _files_table(at).iloc[0]
        assert (row["File"], row["Format"], row["Encoding"], row["Loaded"]) == (name, label, encoding, loaded), name
        assert row["Lines"] == row["Loaded"] + row["Duplicates"] + row["Skipped"] + row["Rejected"]
        metrics = _metrics(at)
        assert metrics["Revenue loaded"].startswith(symbol), (name, metrics)
        assert any("cannot be estimated" in w.value for w in at.warning), name
        assert not any("Map the columns" in e.label for e in at.expander)


def test_window_entry_errors_and_recovery(monkeypatch):
    """Without a browser zone the configured default zone is used; a typed window is read in it; a window with too
    little history before it, or ending before it starts, is a sentence; a good window then estimates again."""
    monkeypatch.setenv("IMPACT_DEFAULT_TZ", "Europe/Berlin")
    at = _run()
    assert at.sidebar.selectbox(key="tz").value == "Europe/Berlin"
    assert at.sidebar.datetime_input(key="start_at").value == datetime(2025, 10, 20, 8, 48)  # 06:48 UTC
    at.sidebar.datetime_input(key="start_at").set_value(datetime(2025, 7, 27, 10, 0))
    at.sidebar.datetime_input(key="end_at").set_value(datetime(2025, 7, 27, 14, 0))
    at = _run(at)
    assert at.sidebar.selectbox(key="preset").value == "custom"
    assert any("cannot be estimated" in w.value and "days of amazon orders before" in w.value for w in at.warning)
    at.sidebar.datetime_input(key="end_at").set_value(datetime(2025, 7, 27, 9, 0))
    at = _run(at)
    assert any("before it starts" in e.value for e in at.error) and not at.metric
    at.sidebar.datetime_input(key="start_at").set_value(datetime(2025, 10, 8, 15, 0))
    at.sidebar.datetime_input(key="end_at").set_value(datetime(2025, 10, 8, 21, 0))
    at = _run(at)
    assert at.session_state["window_utc"] == (datetime(2025, 10, 8, 13, 0), datetime(2025, 10, 8, 19, 0))
    # No known outage or drop names that Wednesday's channels, so both are analysed; they sold a little more than
    # expected, and the card says so instead of showing a negative loss. (The Claim tab says, in its own tab, that
    # a window that lost nothing gives no gross profit rate.)
    assert _metrics(at)["Sold more than expected"] == "$69"  # analyze gives -$68.93 for this window
    assert [e.value for e in at.error if "gross profit" not in e.value] == []
    assert any(
        m.value.startswith("During the outage (Wed 08 Oct 2025 15:00 to 21:00 Europe/Berlin") for m in at.markdown
    )


def test_windows_file_lists_windows_reports_bad_lines_and_sets_the_window():
    """An uploaded windows CSV names each bad line with its reason, lists the good windows, and 'Use this window'
    makes one the window with its channels, as a feed incident does; a file without the header is a sentence."""
    at = _run()
    at.sidebar.file_uploader(key="windows_file").set_value(
        [("windows.csv", (DATA / "windows.csv").read_bytes(), "text/csv")]
    )
    at = _run(at)
    problems = next(w.value for w in at.sidebar.warning if "left out" in w.value).replace("\\", "")
    assert problems.startswith("2 lines were left out")
    assert "line 4: end 2025-10-09 08:00 UTC is not after start" in problems
    assert "line 5: start: '2025-10-10T10:00' has no time zone" in problems
    titles = [m.value for m in at.sidebar.markdown]
    assert "**AWS us-east-1 outage**" in titles and "**Shopify checkout errors**" in titles
    assert any(c.value == "Wed 08 Oct 2025 13:00 to 19:00 · Shopify" for c in at.sidebar.caption)
    assert at.sidebar.button(key="windows_use_0").disabled  # the demo already analyses the AWS window
    at.sidebar.button(key="windows_use_1").click()
    at = _run(at)
    assert at.session_state["window_utc"] == (datetime(2025, 10, 8, 13, 0), datetime(2025, 10, 8, 19, 0))
    assert at.sidebar.selectbox(key="preset").value == "custom"
    assert at.sidebar.multiselect(key="affected").value == ["shopify"]
    assert at.sidebar.datetime_input(key="start_at").value == datetime(2025, 10, 8, 13, 0)
    assert at.sidebar.button(key="windows_use_1").label == "In use"
    assert _metrics(at)["Sold more than expected"] == "$87"  # Shopify sold more than expected (analyze: -$86.56)
    at.sidebar.file_uploader(key="windows_file").set_value([("w.csv", b"from,to\n1,2\n", "text/csv")])
    at = _run(at)
    assert any("missing columns start, end, channels, title" in e.value for e in at.sidebar.error)


def test_detection_on_the_demo_lists_the_aws_outage_and_its_window_can_be_used():
    """'Find outages in my orders' on the demo either lists the AWS match with its strength or explains plainly
    that nothing stood out; a detected window becomes the analysed window with its channel."""
    at = _run()
    assert not any("stands out" in i.value for i in at.sidebar.info)  # nothing runs until asked
    at.sidebar.button(key="detect_run").click()
    at = _run(at)
    assert not at.sidebar.error
    assert [k[0] for k in at.session_state["_results"]].count("detect") == 1
    found = [m.value for m in at.sidebar.markdown if m.value.startswith(":small[Your ") and "orders dropped" in m.value]
    if not found:
        assert any("No outage stands out in your orders" in i.value for i in at.sidebar.info)
        return
    assert "AWS us-east-1 outage" in found[0]
    assert any(c.value.startswith("Strength ") or "\nStrength " in c.value for c in at.sidebar.caption)
    at.sidebar.button(key="detect_use_0").click()
    at = _run(at)
    start, end = at.session_state["window_utc"]
    assert start.date() == end.date() == datetime(2025, 10, 20).date() and end <= datetime(2025, 10, 21)
    assert at.session_state["window_title"] == "AWS us-east-1 outage, as seen in your orders"
    assert at.sidebar.multiselect(key="affected").value == ["amazon"]
    assert at.sidebar.selectbox(key="preset").value == "custom"
    assert at.sidebar.button(key="detect_use_0").label == "In use"
    assert "Revenue lost" in _metrics(at)


def test_recovery_can_end_when_sales_are_back_to_normal():
    """The sidebar's until-normal option reaches the analysis: its result says so and its recovery ends no later."""
    at = _run()
    fixed = next(v[0] for k, v in at.session_state["_results"].items() if k[0] == "analysis")
    at.sidebar.checkbox(key="recovery_until_normal").check()
    at = _run(at)
    results = [v[0] for k, v in at.session_state["_results"].items() if k[0] == "analysis" and v[0]]
    normal = next(r for r in results if r.get("recovery_mode") == "until-normal")
    assert normal["recovery_end"] <= fixed["recovery_end"]


def test_a_run_waits_while_the_sessions_last_run_still_holds_its_database(demo):
    """A second run of a session (a click during a long DuckDB call) waits for the session's lock instead of calling
    its busy connection: it starts only when the run before lets go, then renders the page."""
    import threading
    import time

    lock = demo.session_state["run_lock"]
    held, released = threading.Event(), []

    def hold_then_release() -> None:  # the last run, still inside its DuckDB call
        with lock:
            held.set()
            time.sleep(1.0)
            released.append(time.monotonic())

    holder = threading.Thread(target=hold_then_release)
    holder.start()
    held.wait()
    try:
        at = _run(demo)
        finished = time.monotonic()
    finally:
        holder.join()
    assert released and finished >= released[0]
    assert _metrics(at)["Revenue lost"] == _metrics(demo)["Revenue lost"]
