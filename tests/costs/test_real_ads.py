"""Tests on ad reports saved in public repositories (tests/data/real/ads): counts and totals as the files hold them."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest
from testdata import DATA

from impact.costs import load_costs
from impact.errors import NoOrdersError, UnknownFormatError

REAL = DATA / "real" / "ads"


def _totals(con):
    return con.execute(
        "SELECT count(*), sum(spend), min(day), max(day), count(DISTINCT day), list(DISTINCT currency) FROM ad_spend"
    ).fetchone()


def test_amazon_ads_india_report_loads_every_row_in_rupees(con):
    """All 182 rows of the Indian report load: 'Rs.201.68' is read against the row's INR, 47,108.12 in all."""
    f = load_costs(con, ads=[REAL / "amazon_ads_sp_campaigns_in.csv"]).files[0]
    assert (f.format, f.lines, f.loaded, f.skipped, f.rejected) == ("amazon_ads_sp", 182, 182, 0, 0)
    assert _totals(con) == (182, Decimal("47108.12"), date(2020, 2, 1), date(2020, 2, 29), 29, ["INR"])
    first = con.execute("SELECT day, spend, line FROM ad_spend ORDER BY line LIMIT 1").fetchone()
    assert first == (date(2020, 2, 1), Decimal("201.68"), 2)


def test_amazon_ads_us_report_loads_every_row(con):
    """The US report (UTF-8 with a byte-order mark, '$' amounts) loads all 2,330 rows, 9,269.09 USD over 376 days."""
    f = load_costs(con, ads=[REAL / "amazon_ads_sp_campaigns_us.csv"]).files[0]
    assert (f.lines, f.loaded, f.rejected) == (2330, 2330, 0)
    assert _totals(con) == (2330, Decimal("9269.09"), date(2018, 11, 10), date(2019, 11, 20), 376, ["USD"])


def test_campaign_schedule_columns_do_not_make_a_daily_row_a_period(con, tmp_path):
    """With a Date column, Start/End Date are the campaign's schedule: rows whose campaign ends in March load by day."""
    rows = (REAL / "amazon_ads_sp_campaigns_in.csv").read_text("utf-8").splitlines()[:43]
    scheduled = [rows[0]] + [r.replace(',"Jan 18, 2020",,', ',"Jan 18, 2020","Mar 31, 2020",') for r in rows[1:]]
    assert sum('"Mar 31, 2020"' in r for r in scheduled) == 11
    path = tmp_path / "scheduled.csv"
    path.write_text("\n".join(scheduled) + "\n", "utf-8")
    f = load_costs(con, ads=[path]).files[0]
    assert (f.lines, f.loaded, f.rejected) == (42, 42, 0)


def test_a_report_without_a_date_column_still_needs_one_day_per_row(con, tmp_path):
    """Without a Date column, Start and End Date are the row's own period: a two-month row is refused with the fix."""
    text = "Start Date,End Date,Campaign Name,Currency,Spend\n" + '"Feb 1, 2020","Mar 31, 2020",Oil,INR,Rs.12.00\n'
    path = tmp_path / "summary.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(
        NoOrdersError, match="the row covers 2020-02-01 to 2020-03-31; export the report broken down by day"
    ):
        load_costs(con, ads=[path])


def test_a_sign_that_contradicts_the_currency_column_is_refused(con, tmp_path):
    """'Rs.' beside a Currency of USD is rejected by line, naming both and the fix; the other rows load."""
    lines = (REAL / "amazon_ads_sp_campaigns_in.csv").read_text("utf-8").splitlines()[:4]
    lines[2] = lines[2].replace(",INR,", ",USD,", 1)
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    f = load_costs(con, ads=[path]).files[0]
    assert (f.loaded, f.rejected) == (2, 1)
    assert f.rejects[0]["line"] == 3
    assert f.rejects[0]["reason"] == (
        'spend "Rs.255.92" is written in INR/PKR/LKR/NPR but the row\'s currency is USD: '
        "correct the currency column or the amount"
    )


@pytest.mark.parametrize("name", ["google_ads_campaigns_no_day_us.csv", "google_ads_campaigns_no_day_in.csv"])
def test_google_ads_report_without_day_segment_names_the_segment(con, name):
    """Google's default campaign export (no Day column) is refused with the segment to add, not its title line."""
    with pytest.raises(UnknownFormatError) as info:
        load_costs(con, ads=[("shopify", REAL / name)])
    assert str(info.value) == f"{name}: this Google Ads report has no Day column: export it with Segment → Day"


def test_amazon_report_without_date_names_the_time_unit(con, tmp_path):
    """The Indian report with its date columns removed is refused with the time unit to choose."""
    rows = list(csv.reader((REAL / "amazon_ads_sp_campaigns_in.csv").open(encoding="utf-8")))
    path = tmp_path / "no_dates.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(r[3:] for r in rows[:5])
    with pytest.raises(
        UnknownFormatError,
        match=r"^no_dates.csv: this Amazon Ads report has no Date column: export it with Time unit → Daily$",
    ):
        load_costs(con, ads=[path])


def test_a_folder_sorts_ad_reports_without_their_day_as_ad_reports():
    """A seller's folder routes a Google report without Day to the ads reader (which names the fix), not to orders."""
    from impact.costs import cost_file_kind

    assert cost_file_kind(REAL / "google_ads_campaigns_no_day_us.csv") == "ads"
    assert cost_file_kind(REAL / "amazon_ads_sp_campaigns_in.csv") == "ads"
    assert cost_file_kind(DATA / "shopify_orders_export.csv") is None
