"""Issue 32's bad numbers and offsets through every reader: each is refused with one exact line, none is read."""

from __future__ import annotations

import pytest

from impact.costs import fees, fx, load_costs
from impact.errors import FeedError, InputError
from impact.ingest import ingest_files
from impact.outages.feeds import parse_statuspage
from impact.outages.windows_csv import parse_windows_csv

BAD_NUMBERS = ["0x1F", "$1,2,3", "1_000"]
FIX = ": write a plain number such as 1234.50 (no hex, exponent or underscore; commas only between groups of three digits)"
AMBIGUOUS_ORDER = (
    'ambiguous amount "1.234": no other amount in the file shows whether the separator marks thousands or decimals; '
    "write 1234 or 1.234 (or 1,234.00)"
)
OFFSET = "offsets run from -12:00 to +14:00 in quarter hours"


def _csv_cell(value: str) -> str:
    return f'"{value}"' if "," in value else value


@pytest.mark.parametrize("value", [*BAD_NUMBERS, "1.234"])
def test_orders_reject_each_bad_amount_with_its_line(con, tmp_path, value):
    """An order's amount that is hex, stray commas, underscores or ambiguous is rejected at its line, the rest load."""
    path = tmp_path / "orders.csv"
    # The other amount shows no decimal mark, so nothing tells what "1.234" means.
    path.write_text(f"order_id,date,amount\nA1,2025-03-01 10:00,{_csv_cell(value)}\nA2,2025-03-01 11:00,1\n")
    mapping = {"order_id": "order_id", "purchased_at": "date", "revenue": "amount"}
    f = ingest_files(con, [path], mapping=mapping, tz="UTC").to_json()["files"][0]
    reason = AMBIGUOUS_ORDER if value == "1.234" else f'unreadable amount "{value}"' + FIX
    assert (f["loaded"], f["rejects"]) == (1, [{"line": 2, "reason": reason}])


@pytest.mark.parametrize("value", [*BAD_NUMBERS, "1e3", "1,5"])
def test_orders_reject_each_bad_quantity_with_its_line(con, tmp_path, value):
    """A quantity that is not digits (with commas between groups of three) is rejected, never counted as one item."""
    path = tmp_path / "orders.csv"
    path.write_text(
        f'order_id,date,amount,qty\nA1,2025-03-01 10:00,2,{_csv_cell(value)}\nA2,2025-03-01 11:00,1,"1,000"\n'
    )
    mapping = {"order_id": "order_id", "purchased_at": "date", "revenue": "amount", "quantity": "qty"}
    f = ingest_files(con, [path], mapping=mapping, tz="UTC").to_json()["files"][0]
    reason = "unreadable quantity: write the number of items in digits, such as 2"
    assert (f["loaded"], f["rejects"]) == (1, [{"line": 2, "reason": reason}])
    assert con.execute("SELECT quantity FROM lines").fetchall() == [(1000.0,)]


@pytest.mark.parametrize("offset", ["+99:99", "+23:59"])
def test_orders_reject_an_impossible_offset_with_its_line(con, tmp_path, offset):
    """A purchase time whose UTC offset no clock shows is rejected, not shifted by a day."""
    path = tmp_path / "orders.csv"
    path.write_text(f"order_id,date,amount\nA1,2025-03-01T10:00:00{offset},2.00\nA2,2025-03-01T11:00:00Z,1.00\n")
    mapping = {"order_id": "order_id", "purchased_at": "date", "revenue": "amount"}
    f = ingest_files(con, [path], mapping=mapping, tz="UTC").to_json()["files"][0]
    reason = (
        f'impossible UTC offset in purchase date "2025-03-01T10:00:00{offset}": {OFFSET}; '
        "correct the offset or export the dates again"
    )
    assert (f["loaded"], f["rejects"]) == (1, [{"line": 2, "reason": reason}])


COST_REASON = {
    "0x1F": 'unreadable {what} "0x1F": write a number such as 12.50',
    "$1,2,3": 'unreadable {what} "$1,2,3": write a number such as 12.50',
    "1_000": 'unreadable {what} "1_000": write a number such as 12.50',
    "1.234": 'ambiguous {what} "1.234": no other {what} in the file shows whether the separator marks thousands or '
    "decimals; write 1234 or 1,234.00 for a thousand, 1.2340 for one and a bit",
}


@pytest.mark.parametrize("value", [*BAD_NUMBERS, "1.234"])
def test_product_costs_reject_each_bad_cost_with_its_line(con, tmp_path, value):
    """A unit cost that is not a plain number, or is '1.234' in a file that shows no decimal mark, is rejected."""
    path = tmp_path / "costs.csv"
    path.write_text(f"sku,unit_cost\nA,{_csv_cell(value)}\nB,3\n")
    f = load_costs(con, [path]).files[0]
    assert (f.loaded, [(r["line"], r["reason"]) for r in f.rejects]) == (
        1,
        [(2, COST_REASON[value].format(what="cost"))],
    )


@pytest.mark.parametrize(("other", "value"), [("2.50", "1.234"), ("2,50", "1234")])
def test_product_costs_read_1_234_by_the_files_decimal_mark(con, tmp_path, other, value):
    """'1.234' is one and a bit where the file writes 2.50, a thousand where it writes 2,50."""
    path = tmp_path / "costs.csv"
    path.write_text(f'sku,unit_cost\nA,1.234\nB,"{other}"\n')
    assert load_costs(con, [path]).files[0].rejects == []
    assert str(con.execute("SELECT unit_cost FROM product_costs WHERE sku = 'A'").fetchone()[0]) == value + (
        "0" if value == "1.234" else ".0000"
    )


@pytest.mark.parametrize("value", [*BAD_NUMBERS, "1.234"])
def test_ad_reports_reject_each_bad_spend_with_its_line(con, tmp_path, value):
    """An ad spend that is not a plain number, or ambiguous, is rejected at its line."""
    path = tmp_path / "ads.csv"
    path.write_text(f"date,channel,spend\n2025-03-01,amazon,{_csv_cell(value)}\n2025-03-02,amazon,7\n")
    f = load_costs(con, ads=[path]).files[0]
    assert (f.loaded, [(r["line"], r["reason"]) for r in f.rejects]) == (
        1,
        [(2, COST_REASON[value].format(what="spend"))],
    )


FEE_ROW = "amazon,Amazon.com,,referral,{pct},,,,all,https://example.com/fees,2025-01-15,\n"


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_the_fee_table_refuses_each_bad_number_naming_its_line(tmp_path, value):
    """A fee percentage that is not digits with a decimal point stops the fee table with its line."""
    path = tmp_path / "fees.csv"
    path.write_text(",".join(fees.COLUMNS) + "\n" + FEE_ROW.format(pct=_csv_cell(value)))
    with pytest.raises(InputError) as exc:
        fees.default_rules(path)
    assert str(exc.value) == (
        f"fees.csv line 2: pct '{value}' is not a number; write digits with a decimal point, e.g. 2.90"
    )


def test_the_fee_table_reads_1_234_as_a_decimal(tmp_path):
    """The fee table is written with a decimal point (data/fees.csv): 1.234 % is one and a bit, a share of 0.01234."""
    path = tmp_path / "fees.csv"
    path.write_text(",".join(fees.COLUMNS) + "\n" + FEE_ROW.format(pct="1.234"))
    assert str(fees.default_rules(path)[0].pct) == "0.01234"


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_an_fx_rates_file_with_a_bad_rate_is_refused(con, tmp_path, value):
    """A rate that is not digits with a decimal point refuses the rates file in one line, when loaded and when
    checked after a download."""
    path = tmp_path / "rates.csv"
    path.write_text(f"Date,USD,JPY\n2025-03-03,1.0812,{_csv_cell(value)}\n2025-02-28,1.0401,157.12\n")
    with pytest.raises(InputError) as exc:
        fx.load_rates(con, path)
    assert str(exc.value) == (
        "the rates file rates.csv has dates or rates that are not valid; run `python -m impact fx --update`"
    )
    with pytest.raises(FeedError) as exc:
        fx._check_csv(path.read_text(), "the download")
    assert str(exc.value) == f"the download line 2: '{value}' is not a positive rate"


def test_an_fx_rate_of_1_234_is_the_ecbs_decimal(con, tmp_path):
    """The ECB writes rates with a decimal point: 1.234 is one and a bit."""
    path = tmp_path / "rates.csv"
    path.write_text("Date,USD\n2025-03-03,1.234\n")
    fx.load_rates(con, path)
    assert con.execute("SELECT per_eur FROM fx_rates WHERE currency = 'USD'").fetchall() == [(1.234,)]


@pytest.mark.parametrize("offset", ["+99:99", "+23:59"])
def test_outage_windows_refuse_an_impossible_offset_with_its_line(offset):
    """A windows CSV row whose start carries an offset no clock shows is that line's error."""
    text = f"start,end,channels,title\n2025-10-20T06:00{offset},2025-10-20T09:00Z,amazon,x\n"
    errors = [(e.line, e.reason) for e in parse_windows_csv(text).errors]
    assert errors == [
        (2, f"start: '2025-10-20T06:00{offset}' has an impossible UTC offset: {OFFSET}; correct the offset")
    ]


@pytest.mark.parametrize("value", [*BAD_NUMBERS, "1e1", "nan"])
def test_outage_windows_refuse_a_degraded_share_that_is_no_plain_number(value):
    """degraded_pct is digits with a decimal point: hex, underscores, exponents and nan are that line's error."""
    text = f"start,end,channels,title,impact,degraded_pct\n2025-10-20T06:00Z,2025-10-20T09:00Z,amazon,x,degraded,{_csv_cell(value)}\n"
    errors = [(e.line, e.reason) for e in parse_windows_csv(text).errors]
    assert errors == [(2, f"degraded_pct '{value}' is not a number between 0 and 100")]


@pytest.mark.parametrize("offset", ["+99:99", "+23:59"])
def test_a_status_feed_incident_with_an_impossible_offset_is_skipped_with_a_reason(offset):
    """A Statuspage incident whose only time carries an impossible offset is skipped, the offset named in one line."""
    data = {"incidents": [{"name": "API down", "started_at": f"2025-10-20T06:00:00{offset}", "status": "resolved"}]}
    windows, skipped = parse_statuspage(data)
    assert (windows, skipped) == (
        [],
        [f"API down: its started_at 2025-10-20T06:00:00{offset} has an impossible UTC offset ({OFFSET})"],
    )


@pytest.mark.parametrize("offset", ["+9999", "+2359"])
def test_an_rss_item_dated_with_an_impossible_offset_is_skipped_with_a_reason(offset):
    """feedparser would shift the item by the offset's hours; the item is skipped and the offset named instead."""
    from impact.outages.rss import parse_rss

    body = (
        "<rss><channel><title>Status</title><item><title>API down</title>"
        f"<pubDate>Mon, 20 Oct 2025 06:00:00 {offset}</pubDate><description>down</description></item></channel></rss>"
    )
    windows, skipped = parse_rss(body)
    assert (windows, skipped) == (
        [],
        [f"item 1 (API down): its date Mon, 20 Oct 2025 06:00:00 {offset} has an impossible UTC offset ({OFFSET})"],
    )
