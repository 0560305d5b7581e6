"""A generated seller whose 30-day Amazon Late Shipment Rate crosses 4% only because of an outage, through the real
ingest path (an Amazon All Orders report with ship-by and shipment dates) and service.appeal."""

from datetime import datetime

import pytest
from sellers import merchant_fulfilled_seller

from impact import service
from impact.windows import Window

OUTAGE = Window(datetime(2025, 10, 20, 7), datetime(2025, 10, 20, 13), ("amazon",), title="AWS us-east-1 outage")
# The warehouse could not confirm shipments from the outage's start until the next evening.
STALLED = (datetime(2025, 10, 20, 7), datetime(2025, 10, 21, 19))


@pytest.fixture(scope="module")
def seller(tmp_path_factory):
    """(connection, generated orders) for 45 days of ~40 orders a day, a fifth fulfilled by Amazon."""
    path = tmp_path_factory.mktemp("appeal") / "all_orders.txt"
    orders = merchant_fulfilled_seller(path, start=datetime(2025, 9, 15), days=45, per_day=40, stalled=STALLED)
    opts = service.resolve_options(tz="America/New_York")
    con, _report = service.load_files([path], tz=opts.tz)
    yield con, orders, opts
    con.close()


@pytest.fixture(scope="module")
def appeal(seller):
    con, _orders, opts = seller
    return service.appeal_package(con, OUTAGE, opts, "amazon")


def test_the_30_day_rate_crosses_4_percent_only_with_the_outages_orders(appeal):
    """With the outage's orders the 30-day LSR is over 4%; without them it is under."""
    result, _orders = appeal
    (lsr30,) = [m for m in result["metrics"] if m["key"] == "amazon_lsr_30"]
    assert lsr30["available"] and lsr30["orders_affected"] > 0
    assert lsr30["with_outage"] > 0.04 > lsr30["without_outage"]
    assert "threshold 4%" in lsr30["sentence"] and "AWS us-east-1 outage of 20 Oct 2025" in lsr30["sentence"]


def test_the_rate_matches_a_count_of_the_generated_orders(seller, appeal):
    """The SQL's considered and late counts equal a plain count of the generated merchant-fulfilled orders."""
    _con, orders, _opts = seller
    result, affected = appeal
    (lsr30,) = [m for m in result["metrics"] if m["key"] == "amazon_lsr_30"]
    start = datetime.fromisoformat(lsr30["period_start"].replace("Z", ""))
    end = datetime.fromisoformat(lsr30["period_end"].replace("Z", ""))
    due = [o for o in orders if not o["fba"] and start < o["promise"] <= end]
    late = {o["order_id"] for o in due if o["shipped"] > o["promise"]}
    assert lsr30["orders_considered"] == len(due) and lsr30["counted_with"] == len(late)
    # Every affected order the rate counts is one of its late orders: removing them lowers the rate, never raises it.
    counted = set(affected["order_id"]) & {o["order_id"] for o in due}
    assert counted <= late and lsr30["counted_without"] == len(late) - len(counted)


def test_the_contract_holds_the_letter_and_the_affected_count(appeal):
    """service.appeal's JSON: marketplace, metrics, affected orders (Amazon only) and a letter naming the window."""
    result, affected = appeal
    assert result["marketplace"] == "amazon" and result["affected_orders"] == len(affected) > 0
    assert set(affected["channel"]) == {"amazon"}
    assert {m["key"] for m in result["metrics"]} == {"amazon_lsr_10", "amazon_lsr_30", "amazon_pfcr_7"}
    for key in (
        "name",
        "period_days",
        "period_end",
        "threshold",
        "with_outage",
        "without_outage",
        "orders_considered",
        "orders_affected",
        "sentence",
    ):
        assert all(key in m for m in result["metrics"]), key
    # Amazon's letter is in the seller's zone: 07:00 UTC is 03:00 in New York.
    assert "Mon 20 Oct 2025 03:00 to 09:00" in result["letter"]
    assert f"{result['affected_orders']} of my seller-fulfilled Amazon orders were affected" in result["letter"]
    # The period runs to when the backlog cleared, after the window.
    assert result["period_end"] > "2025-10-20T13:00:00Z"


def test_letter_and_its_notes_read_without_program_output(appeal):
    """The letter, the notes beside it and its zip's letter.txt: no None, True/False, braces, snake_case keys or
    unrounded floats; the letter itself speaks only to the marketplace."""
    import io
    import zipfile

    from readable import program_output

    from impact.appeal import appeal_zip

    result, orders = appeal
    letter = result["letter"]
    assert program_output(letter) == [] and program_output("\n".join(result["for_you"])) == []
    assert "Note:" not in letter and "Before sending" not in letter and "export one" not in letter
    assert zipfile.ZipFile(io.BytesIO(appeal_zip(result, orders))).read("letter.txt").decode() == letter
