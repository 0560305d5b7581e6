"""Tests for the date order of slash dates: decided from all of a file's values, never guessed, never swapped."""

import csv
from datetime import datetime

import pytest
from testdata import DATA

from impact.ingest import ingest_files, memo
from impact.ingest.dates import DateOrderError

REAL = DATA / "real"
# The Shopify export re-saved by Excel (Canada) has its price columns removed: only a mapping can import it.
CA_MAPPING = {"order_id": "Name", "purchased_at": "Created at", "revenue": "Discount Amount", "channel_value": "other"}


def _loaded_dates(con) -> list[datetime]:
    return [r[0] for r in con.execute("SELECT DISTINCT purchased_at FROM lines ORDER BY 1").fetchall()]


def _file_dates(path, column: str, fmt: str) -> list[datetime]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        values = {r[column] for r in csv.DictReader(fh) if r[column]}
    return sorted(datetime.strptime(v, fmt) for v in values)


def _shopify(tmp_path, dates: list[str], currency: str = "CAD"):
    """A Shopify orders export in the shape Excel saves it: `31/12/2023 22:36`, one line per order."""
    path = tmp_path / "orders_export_1.csv"
    rows = ["Name,Financial Status,Currency,Subtotal,Created at,Lineitem quantity,Lineitem name,Lineitem price"]
    rows += [f"#{1000 + i},paid,{currency},10.00,{d},1,Mug,10.00" for i, d in enumerate(dates)]
    path.write_text("\r\n".join(rows) + "\r\n")
    return path


def test_etsy_two_digit_years_are_this_century(con):
    """Etsy's 12/12/21 is 12 December 2021: all 136 lines of the real 2021 file load, none out of range."""
    report = ingest_files(con, [REAL / "etsy_sold_order_items_2021.csv"]).to_json()
    f = report["files"][0]
    assert (f["lines"], f["loaded"], f["rejected"]) == (136, 136, 0)
    assert (report["first"], report["last"]) == ("2021-01-02T00:00:00Z", "2021-12-26T00:00:00Z")
    assert _loaded_dates(con) == _file_dates(REAL / "etsy_sold_order_items_2021.csv", "Sale Date", "%m/%d/%y")


def test_day_first_excel_file_loads_its_true_dates(con):
    """A real Canadian Shopify export re-saved by Excel (31/12/2023 22:36) loads day first, every date as written."""
    path = REAL / "shopify_ca_excel_day_first.csv"
    report = ingest_files(con, [path], mapping=CA_MAPPING).to_json()
    assert (report["files"][0]["loaded"], report["files"][0]["rejected"]) == (300, 0)
    assert _loaded_dates(con) == _file_dates(path, "Created at", "%d/%m/%Y %H:%M")
    assert report["last"] == "2023-12-31T22:36:00Z"


@pytest.mark.parametrize("sample", [memo.SAMPLE, 5])
def test_only_the_last_rows_decide(con, monkeypatch, sample):
    """A real slice whose first 32 orders (12/12 to 01/12) read both ways is read day first because of its last
    rows, also when they lie beyond the head the reader samples (sample=5)."""
    monkeypatch.setattr(memo, "SAMPLE", sample)
    path = REAL / "shopify_ca_excel_last_rows_decide.csv"
    ingest_files(con, [path], mapping=CA_MAPPING)
    dates = _loaded_dates(con)
    assert dates == _file_dates(path, "Created at", "%d/%m/%Y %H:%M")
    assert (dates[0], dates[-1]) == (datetime(2023, 11, 28, 18, 28), datetime(2023, 12, 12, 6, 58))


def test_month_first_us_excel_file_takes_the_dollar_hint(con):
    """A real US export re-saved by Excel whose dates all read both ways (11/10/24) is read month first: USD."""
    report = ingest_files(con, [REAL / "shopify_us_excel_month_first.csv"]).to_json()
    assert (report["first"], report["last"]) == ("2024-11-10T01:57:00Z", "2024-11-10T09:17:00Z")


def test_undecidable_dates_are_refused_with_the_fix(con, tmp_path):
    """Dates that read both ways in a Canadian-dollar file are refused, naming date_order, and nothing loads."""
    path = _shopify(tmp_path, ["05/12/2023 22:36", "03/12/2023 10:00"])
    with pytest.raises(DateOrderError) as err:
        ingest_files(con, [path])
    assert str(err.value) == (
        "orders_export_1.csv: its 2 dates could be day/month or month/day (none has a number above 12 in the first "
        "or second place); say which with --map date_order=day_first or date_order=month_first (in the app: the "
        "file's 'Date order')"
    )
    assert con.execute("SELECT count(*) FROM lines").fetchone()[0] == 0


@pytest.mark.parametrize(
    "order,first", [("day_first", "2023-12-03T10:00:00Z"), ("month_first", "2023-03-12T10:00:00Z")]
)
def test_date_order_given_for_a_detected_export(con, tmp_path, order, first):
    """--map date_order=... reads a detected Shopify export's undecidable dates the way the seller says."""
    path = _shopify(tmp_path, ["05/12/2023 22:36", "03/12/2023 10:00"])
    report = ingest_files(con, [path], mapping={"date_order": order}).to_json()
    assert report["files"][0]["format"] == "shopify_orders"
    assert report["first"] == first


def test_dates_in_both_orders_are_refused(con, tmp_path):
    """A file with 31/12/2023 and 12/31/2023 (two exports pasted together) is refused rather than half swapped."""
    path = _shopify(tmp_path, ["31/12/2023 22:36", "12/31/2023 10:00"])
    with pytest.raises(DateOrderError, match=r"both day first \('31/12/2023 22:36'\) and month first"):
        ingest_files(con, [path])


def test_an_order_the_dates_contradict_is_refused(con, tmp_path):
    """date_order=month_first on a file with 31/12/2023 says which order its dates are in."""
    path = _shopify(tmp_path, ["31/12/2023 22:36", "05/12/2023 10:00"])
    with pytest.raises(DateOrderError) as err:
        ingest_files(con, [path], mapping={"date_order": "month_first"})
    assert str(err.value) == (
        "orders_export_1.csv: date_order=month_first was given, but the date '31/12/2023 22:36' can only be "
        "day/month; import it with --map date_order=day_first"
    )


def test_a_day_above_12_anywhere_decides_for_a_detected_export(con, tmp_path):
    """A detected export with one 13/12/2023 among dates that read both ways loads them all day first."""
    path = _shopify(tmp_path, ["05/12/2023 22:36", "03/12/2023 10:00", "13/12/2023 09:00"], currency="USD")
    report = ingest_files(con, [path]).to_json()
    assert (report["first"], report["last"]) == ("2023-12-03T10:00:00Z", "2023-12-13T09:00:00Z")
