"""Tests for impact.costs.fx: ECB rates snapshot, daily factors, converting order lines, and refreshing the rates."""

from __future__ import annotations

import gzip
import io
import os
import stat
import time
import zipfile
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from impact.costs import fx
from impact.errors import FeedError, InputError
from impact.settings import Settings


@pytest.fixture(autouse=True)
def _no_downloaded_rates(tmp_path, monkeypatch):
    """Rates downloaded by `fx --update` go to a temporary file, so every test starts from the shipped snapshot."""
    monkeypatch.setenv("IMPACT_FX_RATES", str(tmp_path / "fx_rates.csv.gz"))


def snapshot_text() -> str:
    with gzip.open(fx.SNAPSHOT, "rt", encoding="utf-8") as f:
        return f.read()


def ecb(day: str, currency: str) -> Decimal:
    """The snapshot's own value for one day and currency, read without DuckDB."""
    lines = snapshot_text().splitlines()
    header = lines[0].split(",")
    row = next(line.split(",") for line in lines[1:] if line.startswith(day + ","))
    return Decimal(row[header.index(currency)])


def factor(con, currency: str, day: str) -> float:
    return con.execute(
        "SELECT to_home FROM fx_daily WHERE currency = ? AND day = ?", [currency, date.fromisoformat(day)]
    ).fetchone()[0]


def test_snapshot_loads():
    """The shipped snapshot runs from 2015-01-02 to 2026-10-30 with USD, GBP, JPY and EUR quoted on the last day."""
    con = fx.duckdb.connect()
    info = fx.load_rates(con)
    assert (info.first_day, info.last_day) == (date(2015, 1, 2), date(2026, 10, 30))
    assert {"USD", "GBP", "JPY", "EUR"} <= set(info.currencies) and "HRK" in info.retired
    assert "snapshot" in info.source
    assert con.execute("SELECT per_eur FROM fx_rates WHERE day = '2025-10-20' AND currency = 'USD'").fetchone() == (
        1.1655,
    )


def test_known_date_matches_the_ecb(con):
    """EUR -> USD on 2025-10-20 is the ECB's USD per EUR of that day (1.1655), and USD -> EUR its inverse."""
    fx.daily_rates(con, "USD", date(2025, 10, 20), date(2025, 10, 20), ["EUR"])
    assert factor(con, "EUR", "2025-10-20") == float(ecb("2025-10-20", "USD")) == 1.1655
    fx.daily_rates(con, "EUR", date(2025, 10, 20), date(2025, 10, 20), ["USD"])
    assert factor(con, "USD", "2025-10-20") == pytest.approx(1 / 1.1655, rel=1e-15)


def test_weekend_uses_friday(con):
    """Saturday 2025-10-18 and Sunday 2025-10-19 take Friday 2025-10-17's rate; Monday its own."""
    fx.daily_rates(con, "USD", date(2025, 10, 17), date(2025, 10, 20), ["EUR"])
    friday = float(ecb("2025-10-17", "USD"))
    assert [factor(con, "EUR", d) for d in ("2025-10-17", "2025-10-18", "2025-10-19")] == [friday] * 3
    assert factor(con, "EUR", "2025-10-20") == 1.1655
    rate_days = con.execute("SELECT DISTINCT rate_day FROM fx_daily WHERE day < '2025-10-20'").fetchall()
    assert rate_days == [(date(2025, 10, 17),)]
    assert con.execute("SELECT count(*) FROM fx_daily").fetchone() == (4,)


def test_cross_rates_through_the_euro(con):
    """GBP -> USD = USD per EUR / GBP per EUR of the day; home -> home is exactly 1."""
    fx.daily_rates(con, "USD", date(2025, 10, 20), date(2025, 10, 20), ["GBP", "USD", "JPY"])
    usd, gbp, jpy = (float(ecb("2025-10-20", c)) for c in ("USD", "GBP", "JPY"))
    assert factor(con, "GBP", "2025-10-20") == pytest.approx(usd / gbp, rel=1e-15)
    assert factor(con, "JPY", "2025-10-20") == pytest.approx(usd / jpy, rel=1e-15)
    assert factor(con, "USD", "2025-10-20") == 1.0
    fx.daily_rates(con, "GBP", date(2025, 10, 20), date(2025, 10, 20), ["EUR"])
    assert factor(con, "EUR", "2025-10-20") == gbp


@pytest.mark.parametrize(
    ("home", "first", "last", "currencies", "words"),
    [
        ("USD", "2025-10-20", "2025-10-20", ["XYZ"], "XYZ is not one of the ECB's reference currencies"),
        ("XYZ", "2025-10-20", "2025-10-20", ["EUR"], "XYZ is not one of the ECB's reference currencies"),
        ("USD", "2025-10-20", "2025-10-20", ["US$"], "'US$' is not a currency code"),
        ("USD", "2014-12-31", "2025-10-20", ["EUR"], "start on 2015-01-02"),
        ("USD", "2026-10-01", "2026-11-07", ["EUR"], "the rates snapshot ends 2026-10-30; run `python -m impact fx"),
        ("USD", "2024-01-01", "2024-01-31", ["HRK"], "the ECB stopped publishing HRK rates on 2022-12-30"),
        ("USD", "2025-10-21", "2025-10-20", ["EUR"], "after the last day"),
    ],
)
def test_refused_currencies_and_days(con, home, first, last, currencies, words):
    """Unknown currencies and days the rates do not reach are one-sentence InputErrors."""
    with pytest.raises(InputError) as info:
        fx.daily_rates(con, home, date.fromisoformat(first), date.fromisoformat(last), currencies)
    assert words in str(info.value)


def test_a_week_after_the_last_rate_still_converts(con):
    """Up to seven days after the snapshot's last day carry its last rate (a holiday week, not a gap)."""
    fx.daily_rates(con, "EUR", date(2026, 10, 30), date(2026, 11, 6), ["USD"])
    assert factor(con, "USD", "2026-11-06") == pytest.approx(1 / float(ecb("2026-10-30", "USD")))


def _add_lines(con, rows):
    con.executemany(
        "INSERT INTO lines (channel, order_id, line_key, purchased_at, revenue, currency) VALUES (?, ?, '1', ?, ?, ?)",
        rows,
    )


def _expected(revenue: str, to_home: float) -> Decimal:
    """The documented arithmetic: the factor to 12 places, the product rounded half up to 4."""
    rate = Decimal(to_home).quantize(Decimal("1e-12"), ROUND_HALF_UP)
    return (Decimal(revenue) * rate).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def test_convert_lines_matches_a_hand_computation(con):
    """Each line is converted at its local date's rate, lines in home and without currency stay, sums add up."""
    _add_lines(
        con,
        [
            ("amazon", "A", datetime(2025, 10, 20, 12, 0), Decimal("100.00"), "EUR"),
            # 23:30 UTC on Sunday is 01:30 on Monday in Berlin: Monday's rate, not Friday's.
            ("amazon", "B", datetime(2025, 10, 19, 23, 30), Decimal("19.99"), "EUR"),
            ("etsy", "C", datetime(2025, 10, 18, 9, 0), Decimal("45.5000"), "GBP"),
            ("ebay", "D", datetime(2025, 10, 20, 9, 0), Decimal("2500"), "JPY"),
            ("shopify", "E", datetime(2025, 10, 20, 9, 0), Decimal("12.34"), "USD"),
            ("other", "F", datetime(2025, 10, 20, 9, 0), Decimal("7.00"), None),
        ],
    )
    used = fx.convert_lines(con, "usd", "Europe/Berlin")
    usd_mon, usd_fri = 1.1655, float(ecb("2025-10-17", "USD"))
    gbp_fri, jpy_mon = float(ecb("2025-10-17", "GBP")), float(ecb("2025-10-20", "JPY"))
    expected = {
        "A": _expected("100.00", usd_mon),
        "B": _expected("19.99", usd_mon),
        "C": _expected("45.5", usd_fri / gbp_fri),
        "D": _expected("2500", usd_mon / jpy_mon),
        "E": Decimal("12.34"),
        "F": Decimal("7.00"),
    }
    got = dict(con.execute("SELECT order_id, revenue FROM lines").fetchall())
    assert got == expected
    assert expected["A"] == Decimal("116.5500")
    assert con.execute("SELECT sum(revenue) FROM lines WHERE currency = 'USD'").fetchone()[0] == sum(
        v for k, v in expected.items() if k != "F"
    )
    assert con.execute("SELECT currency FROM lines WHERE order_id = 'F'").fetchone() == (None,)
    by = {u["currency"]: u for u in used}
    assert set(by) == {"EUR", "GBP", "JPY"}
    assert by["EUR"]["first_day"] == by["EUR"]["last_day"] == "2025-10-20" and by["EUR"]["days"] == 1
    assert by["EUR"]["lines"] == 2 and by["EUR"]["min_rate"] == by["EUR"]["max_rate"] == usd_mon
    assert by["GBP"]["first_day"] == "2025-10-18" and by["GBP"]["home"] == "USD"
    assert "ECB" in by["GBP"]["source"]


def test_convert_lines_with_nothing_to_convert(con):
    """When every line is in home already, nothing changes and no rates are reported."""
    _add_lines(con, [("shopify", "A", datetime(2025, 10, 20, 12, 0), Decimal("10"), "EUR")])
    assert fx.convert_lines(con, "EUR", "UTC") == []
    assert con.execute("SELECT revenue FROM lines").fetchone() == (Decimal("10.0000"),)


def test_convert_lines_refuses_what_it_cannot_convert(con):
    """An unknown time zone, or an order after the rates end, is an InputError and the lines are left as they were."""
    _add_lines(con, [("shopify", "A", datetime(2026, 11, 20, 12, 0), Decimal("10"), "GBP")])
    with pytest.raises(InputError, match="not a time zone"):
        fx.convert_lines(con, "EUR", "Mars/Olympus")
    with pytest.raises(InputError, match="the rates snapshot ends 2026-10-30"):
        fx.convert_lines(con, "EUR", "UTC")
    assert con.execute("SELECT revenue, currency FROM lines").fetchone() == (Decimal("10.0000"), "GBP")


# --------------------------------------------------------------------------- update()


def ecb_zip(text: str, name: str = "eurofxref-hist.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text)
    return buffer.getvalue()


def newer_text() -> str:
    """The snapshot with one more ECB day on top, Monday 2026-11-02, USD at 1.2000."""
    lines = snapshot_text().splitlines(keepends=True)
    header = lines[0].split(",")
    last = lines[1].split(",")
    last[0] = "2026-11-02"
    last[header.index("USD")] = "1.2000"
    return lines[0] + ",".join(last) + "".join(lines[1:])


def serve(feed_server, path: str, body: bytes) -> str:
    feed_server.routes[path] = lambda h: h.send_plain(200, body, "application/zip")
    return feed_server.url(path)


def settings_for(url: str, tmp_path) -> Settings:
    return Settings(
        fx_url=url, fx_rates_path=tmp_path / "fx_rates.csv.gz", feed_allow_private=True, feed_cache_seconds=0
    )


def test_update_downloads_and_load_rates_uses_it(feed_server, tmp_path):
    """update() stores a newer ECB history and load_rates then reads it instead of the snapshot."""
    settings = settings_for(serve(feed_server, "/eurofxref-hist.zip", ecb_zip(newer_text())), tmp_path)
    info = fx.update(settings)
    assert info.last_day == date(2026, 11, 2) and info.path == str(settings.fx_rates_path)
    assert settings.fx_rates_path.is_file()
    con = fx.duckdb.connect()
    loaded = fx.load_rates(con, settings=settings)
    assert loaded.last_day == date(2026, 11, 2) and "downloaded" in loaded.source
    fx.daily_rates(con, "USD", date(2026, 11, 9), date(2026, 11, 9), ["EUR"])
    assert factor(con, "EUR", "2026-11-09") == 1.2


def test_update_leaves_a_readable_file_and_clears_a_killed_runs_temporaries(feed_server, tmp_path):
    """The rates file gets the mode of a plain file (0644 under umask 022, not mkstemp's 0600, so an app running as
    another user reads it); a temporary left by a killed update is removed, one of a running update is kept."""
    settings = settings_for(serve(feed_server, "/eurofxref-hist.zip", ecb_zip(newer_text())), tmp_path)
    killed, running = tmp_path / ".fx_rates-killed.csv.gz", tmp_path / ".fx_rates-running.csv.gz"
    killed.write_bytes(b"partial")
    running.write_bytes(b"partial")
    old = time.time() - fx.STALE_TEMP_SECONDS - 60
    os.utime(killed, (old, old))
    previous = os.umask(0o022)
    try:
        fx.update(settings)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(settings.fx_rates_path.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == [".fx_rates-running.csv.gz", "fx_rates.csv.gz"]


def test_update_refuses_localhost_without_the_setting(feed_server, tmp_path):
    """The safe fetcher refuses this machine's address unless private addresses are allowed."""
    url = serve(feed_server, "/eurofxref-hist.zip", ecb_zip(newer_text()))
    settings = Settings(fx_url=url, fx_rates_path=tmp_path / "fx_rates.csv.gz", feed_cache_seconds=0)
    with pytest.raises(FeedError, match="internal address"):
        fx.update(settings)
    assert not settings.fx_rates_path.exists()


def _zip_two(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.csv", text)
        z.writestr("b.csv", text)
    return buffer.getvalue()


def bad_download(case: str) -> bytes:
    good = newer_text()
    header, first, rest = good.split("\n", 2)
    if case == "not-zip":
        return b"<html>maintenance</html>"
    if case == "two-csvs":
        return _zip_two(good)
    if case == "header":
        return ecb_zip("Day,USD\n2026-11-03,1.1\n")
    if case == "older":
        return ecb_zip("\n".join(line for line in good.splitlines() if line[:7] not in ("2026-11", "2026-10")))
    changed = {
        "negative": first.replace(",1.2000,", ",-1.2,"),
        "word": first.replace(",1.2000,", ",abc,"),
        "bad-date": first.replace("2026-11-02", "02/11/2026"),
    }[case]
    return ecb_zip(f"{header}\n{changed}\n{rest}")


@pytest.mark.parametrize("case", ["not-zip", "two-csvs", "header", "negative", "bad-date", "word", "older"])
def test_bad_downloads_are_refused_and_the_old_file_kept(feed_server, tmp_path, case):
    """A download that is not a zip, not the ECB's CSV, has a bad date or rate, or is older, leaves the file as it was."""
    settings = settings_for(serve(feed_server, "/good.zip", ecb_zip(newer_text())), tmp_path)
    fx.update(settings)
    before = settings.fx_rates_path.read_bytes()
    bad = settings_for(serve(feed_server, f"/{case}.zip", bad_download(case)), tmp_path)
    with pytest.raises(FeedError, match="nothing was changed|line 2|header|holds no rates"):
        fx.update(bad)
    assert settings.fx_rates_path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".fx_rates-")] == []
