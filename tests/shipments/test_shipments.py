"""Tests for late-shipment impact: due set, promises, lateness, expected late, interval, backlog and evidence."""

import json
from dataclasses import fields, replace
from datetime import datetime, timedelta

import pandas as pd
import pytest

from bench.shipments_synth import Scenario, load_scenario, outage_end
from impact.errors import InputError
from impact.shipments import ShipmentChannel, affected_orders, shipment_impact, shipment_report
from impact.windows import Window

D = datetime(2025, 10, 20)  # a Monday


def add_lines(con, rows: list[dict]) -> None:
    """Insert order lines with sensible defaults into the session's `lines` table."""
    full = []
    for r in rows:
        full.append(
            {
                "channel": r.get("channel", "shopify"),
                "marketplace": r.get("channel", "shopify"),
                "order_id": r["order_id"],
                "line_key": r.get("line_key", "1"),
                "purchased_at": r["purchased_at"],
                "time_precision": "second",
                "sku": "SKU",
                "product_name": "Item",
                "quantity": 1.0,
                "revenue": 10.0,
                "currency": "USD",
                "status": r.get("status", "completed"),
                "fulfilment": r.get("fulfilment", "Merchant"),
                "shipped_at": r.get("shipped_at"),
                "promised_at": r.get("promised_at"),
                "ship_country": "US",
                "file_id": 1,
            }
        )
    df = pd.DataFrame(full)
    for col in ("purchased_at", "shipped_at", "promised_at"):
        df[col] = pd.to_datetime(df[col])
    con.register("_rows", df)
    con.execute("INSERT INTO lines BY NAME SELECT * FROM _rows")
    con.unregister("_rows")


def h(hours: float) -> datetime:
    return D + timedelta(hours=hours)


WINDOW = Window(h(10), h(20))


@pytest.fixture
def small(con):
    """A handful of orders around a 10-hour window, one per rule, with no history before it."""
    add_lines(
        con,
        [
            # File promise wins over the SLA: due 10-21 12:00, shipped 3 h after it.
            {"order_id": "A", "channel": "ebay", "purchased_at": h(-1), "promised_at": h(36), "shipped_at": h(39)},
            # 48 h SLA: due 10-21 12:00, shipped an hour early.
            {"order_id": "B", "purchased_at": h(-12), "shipped_at": h(35)},
            # Due 10-21 20:00, shipped 6 h late.
            {"order_id": "C", "purchased_at": h(-4), "shipped_at": h(50)},
            # Never shipped, due 10-22 12:00: late until the end of the data (10-25 00:00), 60 h.
            {"order_id": "D", "purchased_at": h(12)},
            # Bought later, not yet due at the end of the data.
            {"order_id": "E", "purchased_at": h(108)},
            # Due before the window started: not part of this outage.
            {"order_id": "F", "purchased_at": h(-48)},
            {"order_id": "G", "purchased_at": h(11), "status": "cancelled"},
            {"order_id": "H", "purchased_at": h(11), "status": "refunded"},
            # Two lines: the order ships with its last line, 2 h after the 10-22 11:00 promise.
            {"order_id": "I", "line_key": "1", "purchased_at": h(11), "shipped_at": h(34)},
            {"order_id": "I", "line_key": "2", "purchased_at": h(11), "shipped_at": h(61)},
            # One line never shipped: the order is unshipped.
            {"order_id": "J", "line_key": "1", "purchased_at": h(13), "shipped_at": h(20)},
            {"order_id": "J", "line_key": "2", "purchased_at": h(13)},
            # Shipped exactly at the promise: on time.
            {"order_id": "K", "purchased_at": h(14), "shipped_at": h(62)},
            # Marketplace-fulfilled (FBA): never the seller's late shipment.
            {
                "order_id": "FBA",
                "channel": "amazon",
                "fulfilment": "Amazon",
                "purchased_at": h(11),
                "shipped_at": h(90),
            },
            # The last event in the shopify data: 10-25 00:00.
            {"order_id": "Z", "purchased_at": h(106), "shipped_at": h(120)},
        ],
    )
    return con


def test_evidence_lists_exactly_the_late_due_orders(small):
    """Late orders of the due set, with file or SLA promise, last-line ship time and hours late, sorted by promise."""
    df = affected_orders(small, WINDOW)
    assert list(df.columns) == ["order_id", "channel", "purchased_utc", "promise_utc", "shipped_utc", "hours_late"]
    assert df["order_id"].tolist() == ["A", "C", "I", "D", "J"]
    got = df.set_index("order_id")
    assert got.loc["A", "promise_utc"] == pd.Timestamp(h(36))  # from the file, not purchase + 48 h
    assert got.loc["C", "promise_utc"] == pd.Timestamp(h(44))
    assert got.loc["I", "shipped_utc"] == pd.Timestamp(h(61))
    assert got["hours_late"].to_dict() == {"A": 3.0, "C": 6.0, "I": 2.0, "D": 60.0, "J": 59.0}
    assert pd.isna(got.loc["D", "shipped_utc"]) and pd.isna(got.loc["J", "shipped_utc"])


def test_summary_counts_due_late_and_unshipped(small):
    """Due excludes cancelled, refunded-unshipped, FBA, pre-window and not-yet-due orders; unshipped count late."""
    r = shipment_impact(small, WINDOW)
    assert (r.due, r.late, r.unshipped_late, r.not_yet_due) == (7, 5, 2, 2)
    assert r.by_channel["ebay"].due == 1 and r.by_channel["shopify"].late == 4
    assert r.hours_late_total == pytest.approx(130.0)
    assert r.channels == ["ebay", "shopify"]
    assert any("fulfilled by the marketplace" in n for n in r.notes)
    # F, due before the window and never shipped, is the only history: far too little for a normal late rate.
    assert r.late_expected is None and r.baseline_orders == 1


def test_no_history_means_expected_late_is_unknown(con):
    """Without orders outside the window, expected and excess late are None, with a note saying why."""
    add_lines(
        con,
        [
            {"order_id": "C", "purchased_at": h(-4), "shipped_at": h(50)},
            {"order_id": "B", "purchased_at": h(-12), "shipped_at": h(35)},
        ],
    )
    r = shipment_impact(con, WINDOW)
    assert (r.due, r.late) == (2, 1)
    assert r.late_expected is None and r.excess_late is None and r.excess_late_high is None
    assert any("cannot be compared" in n for n in r.notes)


def test_json_shape_matches_the_cli_contract(small):
    """The result is JSON-serialisable and carries the documented keys with their types."""
    r = json.loads(json.dumps(shipment_impact(small, WINDOW).to_json()))
    for key in (
        "due",
        "late",
        "late_expected",
        "excess_late",
        "excess_late_low",
        "excess_late_high",
        "backlog_cleared",
        "definition",
        "by_channel",
        "extra_handling_hours",
    ):
        assert key in r
    assert isinstance(r["due"], int) and isinstance(r["late"], int)
    assert "promise" in r["definition"] and "2025-10-20T10:00:00Z" in r["definition"]


def test_channels_of_the_window_limit_the_analysis(small):
    """A window naming channels analyses only those."""
    r = shipment_impact(small, Window(h(10), h(20), channels=("ebay",)))
    assert r.channels == ["ebay"] and r.due == 1 and set(r.by_channel) == {"ebay"}


def test_channel_without_ship_times_is_left_out_with_a_note(con):
    """An export without ship dates cannot show lateness: the channel is skipped, not counted all-late."""
    add_lines(
        con,
        [
            {"order_id": "W1", "channel": "woocommerce", "purchased_at": h(11)},
            {"order_id": "S1", "purchased_at": h(11), "shipped_at": h(30)},
        ],
    )
    r = shipment_impact(con, WINDOW)
    assert r.channels == ["shopify"]
    assert (
        "the WooCommerce orders carry no ship times, so late shipments cannot be measured there: add a WooCommerce "
        "export with the completed date, or a ShipStation shipments export"
    ) in r.notes


def test_nothing_measurable_is_reported_unavailable(con):
    """When no seller-fulfilled order has a ship time the result says so instead of inventing numbers."""
    add_lines(con, [{"order_id": "W1", "channel": "woocommerce", "purchased_at": h(11)}])
    r = shipment_impact(con, WINDOW)
    assert r.available is False and r.due == 0
    assert affected_orders(con, WINDOW).empty


def test_business_days_skip_the_weekend(con):
    """48 business hours from Friday 15:00 is Tuesday 15:00; from Saturday it is Wednesday 00:00."""
    fri, sat, wed, thu = h(4 * 24 + 15), h(5 * 24 + 12), h(2 * 24 + 10), h(3 * 24 + 10)
    add_lines(
        con,
        [{"order_id": o, "purchased_at": t} for o, t in [("FRI", fri), ("SAT", sat), ("WED", wed), ("THU", thu)]]
        + [{"order_id": "END", "purchased_at": h(20 * 24), "shipped_at": h(20 * 24 + 1)}],
    )
    window = Window(h(24), h(30))
    business = affected_orders(con, window, business_days=True, horizon_hours=168).set_index("order_id")["promise_utc"]
    assert business.to_dict() == {
        "WED": pd.Timestamp(h(4 * 24 + 10)),  # Friday 10:00
        "THU": pd.Timestamp(h(7 * 24 + 10)),  # Monday 10:00
        "FRI": pd.Timestamp(h(8 * 24 + 15)),  # Tuesday 15:00
        "SAT": pd.Timestamp(h(9 * 24)),  # Wednesday 00:00
    }
    calendar = affected_orders(con, window, horizon_hours=168).set_index("order_id")["promise_utc"]
    assert calendar["FRI"] == pd.Timestamp(fri + timedelta(hours=48))


def test_business_days_change_what_is_late(con):
    """Shipped Monday morning after a Friday afternoon order: late on a calendar 48 h SLA, on time in business days."""
    fri = h(4 * 24 + 15)
    add_lines(
        con,
        [
            {"order_id": "FRI", "purchased_at": fri, "shipped_at": h(7 * 24 + 10)},
            {"order_id": "END", "purchased_at": h(9 * 24), "shipped_at": h(9 * 24 + 2)},
        ],
    )
    window = Window(h(4 * 24 + 14), h(4 * 24 + 20))
    assert shipment_impact(con, window).late == 1
    assert shipment_impact(con, window, business_days=True).late == 0
    assert affected_orders(con, window, sla_hours=72)["order_id"].tolist() == []


def _regular_history(con, late_on_window_day: tuple[int, ...]):
    """Ten orders a day (hours 0-9) for 10 weeks; the hour-5 order ships late every day (10% late rate)."""
    rows = []
    for day in range(-49, 22):
        for hour in range(10):
            t = h(day * 24 + hour)
            late = hour == 5 or (day == 0 and hour in late_on_window_day)
            rows.append(
                {"order_id": f"{day}-{hour}", "purchased_at": t, "shipped_at": t + timedelta(hours=60 if late else 2)}
            )
    add_lines(con, rows)


def test_expected_late_comes_from_the_baseline_rate(con):
    """Three extra late orders on the window day: late 6, expected about 3, excess about 3 inside its interval."""
    _regular_history(con, late_on_window_day=(1, 2, 3))
    r = shipment_impact(con, Window(h(0), h(10)), horizon_hours=0)
    assert r.due == 30  # orders bought in the 48 h before the window are due during it
    assert r.late == 6
    assert r.by_channel["shopify"].baseline_late_rate == pytest.approx(0.1, abs=0.005)
    assert 1.5 <= r.late_expected <= 4.5
    assert r.excess_late == pytest.approx(r.late - r.late_expected, abs=0.01)
    assert r.excess_late_low <= 3 <= r.excess_late_high
    assert r.placebos >= 5


def test_no_extra_lateness_gives_an_interval_reaching_zero(con):
    """A window with the usual lateness only: the interval includes zero excess."""
    _regular_history(con, late_on_window_day=())
    r = shipment_impact(con, Window(h(0), h(10)), horizon_hours=0)
    assert r.late == 3 and r.excess_late_low == 0.0
    assert r.excess_late <= 1.5


@pytest.fixture(scope="module")
def outage():
    """A synthetic seller whose warehouse stopped shipping for 10 h on a Monday, with the true effect known."""
    from impact.store import session_db

    sc = Scenario("test", h(13), 10, orders_per_day=80, history_days=49, after_days=14, seed=7)
    c = session_db()
    syn = load_scenario(c, sc)
    yield c, sc, syn
    c.close()


def test_known_outage_effect_is_recovered(outage):
    """The excess-late estimate is within 25% of the true effect and its interval holds the truth."""
    c, sc, syn = outage
    r = shipment_impact(c, Window(sc.outage_start, outage_end(sc)))
    assert syn.true_excess_late >= 20
    assert abs(r.excess_late - syn.true_excess_late) <= 0.25 * syn.true_excess_late
    assert r.excess_late_low <= syn.true_excess_late <= r.excess_late_high
    assert r.late_expected > 0 and r.overdispersion >= 1


def test_backlog_clears_after_the_window_and_costs_handling_hours(outage):
    """The backlog is measured: it clears after the window end, within a week, and cost extra order-hours."""
    c, sc, _ = outage
    r = shipment_impact(c, Window(sc.outage_start, outage_end(sc)))
    cleared = datetime.fromisoformat(r.backlog_cleared.replace("Z", ""))
    assert outage_end(sc) <= cleared <= outage_end(sc) + timedelta(days=7)
    assert r.extra_handling_hours > 0 and r.peak_backlog_orders > 0


def test_report_and_evidence_describe_the_same_orders(outage):
    """shipment_report returns the summary and an evidence list with one row per late due order."""
    c, sc, _ = outage
    window = Window(sc.outage_start, outage_end(sc))
    summary, orders = shipment_report(c, window)
    assert len(orders) == summary.late == shipment_impact(c, window).late
    assert orders["hours_late"].gt(0).all() and orders["order_id"].is_unique


def test_no_outage_no_excess(con):
    """The same seller without any disruption: the estimate stays near zero and the interval reaches zero."""
    sc = replace(
        Scenario("calm", h(13), 10, orders_per_day=80, history_days=49, after_days=14, seed=8), outage_capacity=1.0
    )
    syn = load_scenario(con, sc)
    r = shipment_impact(con, Window(sc.outage_start, outage_end(sc)))
    assert syn.true_excess_late == 0
    assert r.excess_late_low == 0.0 and r.excess_late <= 5


def test_open_window_runs_to_the_end_of_the_data(small):
    """An outage with no end yet is measured up to the end of the data, with a note."""
    r = shipment_impact(small, Window(h(10), None))
    assert any("still open" in n for n in r.notes) and r.due >= 1


@pytest.mark.parametrize(
    "kwargs", [{"sla_hours": 0}, {"sla_hours": -5}, {"sla_hours": "abc"}, {"confidence": 1.5}, {"horizon_hours": -1}]
)
def test_bad_options_are_refused_in_plain_words(small, kwargs):
    """Nonsense SLA, confidence or horizon values raise an InputError, not a crash."""
    with pytest.raises(InputError):
        shipment_impact(small, WINDOW, **kwargs)


def test_working_tables_are_dropped(small):
    """The per-call order table does not linger in the session database."""
    shipment_impact(small, WINDOW)
    affected_orders(small, WINDOW)
    left = small.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_ship_orders_%'").fetchone()[0]
    assert left == 0


def test_channel_rows_are_typed_and_serialise_in_the_json_key_order(small):
    """Each channel's row is a ShipmentChannel whose to_json is the summary JSON's row, fields in the same order."""
    r = shipment_impact(small, WINDOW)
    unknown = dict.fromkeys(("late_expected", "excess_late", "excess_late_low", "excess_late_high", "excess_late_raw"))
    assert r.by_channel == {
        "ebay": ShipmentChannel(
            due=1,
            late=1,
            **unknown,
            baseline_late_rate=1.0,
            baseline_orders=0,
            promise_from_file_share=1.0,
            unshipped_late=0,
        ),
        "shopify": ShipmentChannel(
            due=6,
            late=4,
            **unknown,
            baseline_late_rate=1.0,
            baseline_orders=1,
            promise_from_file_share=0.0,
            unshipped_late=2,
        ),
    }
    out = r.to_json()["by_channel"]
    assert list(out) == ["ebay", "shopify"]
    assert list(out["shopify"]) == [f.name for f in fields(ShipmentChannel)]
    assert out["shopify"] == r.by_channel["shopify"].to_json()
