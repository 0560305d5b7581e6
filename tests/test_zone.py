"""The seller's zone read from their files (impact.zone): offsets and their clock changes, local times with a
country, the browser's zone, the night's trough in UTC-only files, and what is said when files disagree."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from testdata import DATA

from bench.synth import make_seller, simulate
from bench.synth_exports import shopify_orders, write_exports
from impact.ingest import ingest_files
from impact.store import session_db
from impact.zone import TYPICAL_DAY, hours_apart, infer_zone, resolve_zone, trough_offset

# Northern and southern clock changes, zones without one, half-hour offsets and a shop on UTC.
OFFSET_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "UTC",
)
TROUGH_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
)


def _evidence(con, sim, *, file_id: int, name: str, fmt: str, offsets: bool) -> None:
    """What the import writes to import_zone for the seller's orders: per UTC hour, the offset the text carried
    (the shop's own with `offsets`, else 0 as in Amazon's UTC reports)."""
    utc = pd.DatetimeIndex(pd.Timestamp(sim.seller.start) + pd.to_timedelta(sim.hours, unit="h"))
    local = utc.tz_localize("UTC").tz_convert(sim.seller.tz).tz_localize(None)
    off = ((local - utc) // pd.Timedelta(minutes=1)).astype(int) if offsets else np.zeros(len(utc), int)
    agg = pd.DataFrame({"hour": utc.floor("h"), "off": off}).groupby(["hour", "off"]).size().reset_index(name="n")
    con.execute("INSERT INTO import_files (file_id, name, format) VALUES (?, ?, ?)", [file_id, name, fmt])
    con.register("agg", agg)
    con.execute("INSERT INTO import_zone SELECT ?, hour, off, n FROM agg", [file_id])
    con.unregister("agg")


def _same_offsets(a: str, b: str, first: datetime, days: int) -> bool:
    return all(hours_apart(a, b, first + timedelta(hours=h)) == 0 for h in range(0, days * 24, 1))


def test_offsets_find_the_zone_of_generated_sellers_across_clock_changes():
    """60 sellers in 15 zones over January to mid-April (the US, EU and Australian clock changes): the zone found
    has the seller's offset at every hour of the data for every one of them (at least 98% is required)."""
    right, sellers = 0, 60
    con = session_db()
    for i in range(sellers):
        rng = np.random.default_rng(1000 + i)
        tz = OFFSET_ZONES[i % len(OFFSET_ZONES)]
        seller = make_seller(rng, 20, n_channels=1, n_days=100, tz=tz, hidden_outages=0, special=False)
        con.execute("DELETE FROM import_zone; DELETE FROM import_files")
        _evidence(con, simulate(rng, seller), file_id=1, name="orders_export_1.csv", fmt="shopify_orders", offsets=True)
        guess = infer_zone(con)
        assert guess.source == "offsets" and guess.sentence == f"{guess.zone}, from the offsets in orders_export_1.csv"
        right += _same_offsets(guess.zone, tz, seller.start, seller.n_days)
    assert right == 60


def test_the_day_in_utc_only_files_gives_the_offset_within_an_hour():
    """90 Amazon-only sellers of 300 orders a day over 60 days in 10 zones: the zone named from the hours of their
    UTC orders is within one hour of the seller's own at the data's middle for 77 (86%; at least 80% is required).
    bench.synth draws each seller's evening peak between 19:00 and 22:00 local, so no fixed day fits them all."""
    within, errors = 0, []
    con = session_db()
    seeds = [*range(500, 530), *range(7000, 7030), *range(9100, 9130)]
    for i, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        tz = TROUGH_ZONES[i % len(TROUGH_ZONES)]
        seller = make_seller(rng, 300, n_channels=1, n_days=60, tz=tz)
        con.execute("DELETE FROM import_zone; DELETE FROM import_files")
        _evidence(con, simulate(rng, seller), file_id=1, name="amazon.txt", fmt="amazon_all_orders", offsets=False)
        guess = infer_zone(con)
        assert guess.source == "trough" and guess.confidence == "low"
        error = hours_apart(guess.zone, tz, seller.start + timedelta(days=30))
        within += error <= 1
        errors.append(error)
    assert within == 77
    assert float(np.median(errors)) == 0.5


def test_a_browser_on_utc_does_not_outrank_the_hours_of_the_day():
    """An Amazon-only seller in New York opened from a browser on UTC (a server's, a container's): the hours of
    the day decide; a browser with a zone of its own decides over them; UTC only when the files say nothing."""
    rng = np.random.default_rng(500)
    seller = make_seller(rng, 300, n_channels=1, n_days=60, tz="America/New_York")
    con = session_db()
    _evidence(con, simulate(rng, seller), file_id=1, name="amazon.txt", fmt="amazon_all_orders", offsets=False)
    trough = infer_zone(con)
    assert trough.source == "trough"
    for utc in ("UTC", "Etc/UTC"):
        assert (infer_zone(con, browser=utc).zone, infer_zone(con, browser=utc).source) == (trough.zone, "trough")
    assert infer_zone(con, browser="Europe/London").sentence == "Europe/London, your browser's time zone"
    assert infer_zone(con, computer="America/Denver").sentence == "America/Denver, this computer's time zone"
    assert infer_zone(con, computer="Etc/UTC").source == "trough"
    assert infer_zone(con, browser="Europe/London", computer="America/Denver").zone == "Europe/London"
    con.execute("DELETE FROM import_zone; DELETE FROM import_files")
    ingest_files(con, [DATA / "amazon_all_orders_32.txt"], tz="UTC")
    guess = infer_zone(con, browser="UTC")
    assert (guess.zone, guess.source, guess.sentence) == ("UTC", "browser", "UTC, your browser's time zone")


def test_trough_offset_lines_the_day_up():
    """A shop's usual day seen from UTC-05:00 gives -5.0, from UTC+05:30 (half hours between) 5.5; a day quiet at
    03:00 but peaking at 19:00 local in UTC-05:00 reads as UTC-04:00; 120 orders say nothing."""
    assert trough_offset([10 * TYPICAL_DAY[(h - 5) % 24] for h in range(24)]) == -5.0
    half = [5 * (TYPICAL_DAY[(h + 5) % 24] + TYPICAL_DAY[(h + 6) % 24]) for h in range(24)]
    assert trough_offset(half) == 5.5
    local = [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.4,
        0.8,
        1.5,
        2.5,
        3,
        3.2,
        3.4,
        3.5,
        3.4,
        3.3,
        3.2,
        3.3,
        3.6,
        4,
        4.3,
        4,
        3.2,
        2.2,
        1.5,
    ]
    assert trough_offset([100 * local[(h - 5) % 24] for h in range(24)]) == -4.0
    assert trough_offset([5.0] * 24) is None  # below the 200 orders the day needs


def test_whole_import_of_generated_exports(tmp_path):
    """Generated Amazon + Shopify (+ eBay) exports through the real import: the Shopify offsets decide, the Amazon
    file in UTC does not disagree, and the sentence names the file."""
    for i, tz in enumerate(("America/New_York", "Europe/Berlin", "Australia/Sydney")):
        rng = np.random.default_rng(40 + i)
        seller = make_seller(rng, 30, n_channels=3 if i == 1 else 2, n_days=100, tz=tz, hidden_outages=0)
        paths = write_exports(simulate(rng, seller), tmp_path / tz.replace("/", "_"))
        con = session_db()
        ingest_files(con, paths, tz="UTC")
        guess = infer_zone(con)
        assert (guess.zone, guess.source, guess.confidence, guess.notes) == (tz, "offsets", "high", ())
        assert guess.sentence == f"{tz}, from the offsets in orders_export_1.csv"
        con.close()


@pytest.mark.parametrize(
    ("files", "browser", "expected"),
    [
        (
            ["shopify_orders_export.csv"],
            None,
            ("America/New_York", "offsets", "America/New_York, from the offsets in shopify_orders_export.csv"),
        ),
        (
            ["amazon_all_orders_29_jp.txt"],
            None,
            ("Asia/Tokyo", "offsets", "Asia/Tokyo, from the offsets in amazon_all_orders_29_jp.txt"),
        ),
        (
            ["ebay_orders.csv"],
            None,
            (
                "America/New_York",
                "country",
                "America/New_York, from the local times in ebay_orders.csv and its buyers' country (United States); "
                "United States has several time zones: choose yours if it is not America/New_York",
            ),
        ),
        (
            ["woocommerce_orders.csv"],
            None,
            ("UTC", "default", "UTC: your files do not say where you are; choose your time zone"),
        ),
        (
            ["woocommerce_orders.csv"],
            "Europe/Berlin",
            ("Europe/Berlin", "browser", "Europe/Berlin, your browser's time zone"),
        ),
        (
            ["amazon_all_orders_32.txt"],
            None,
            ("UTC", "default", "UTC: your files do not say where you are; choose your time zone"),
        ),
    ],
)
def test_real_export_patterns(files, browser, expected):
    """Shopify's -0400, Amazon Japan's +09:00, eBay's local dates with the buyers' country, WooCommerce's local
    times without one (the browser's zone, else UTC and a sentence), a short Amazon file in UTC."""
    con = session_db()
    ingest_files(con, [DATA / f for f in files], tz="UTC")
    guess = infer_zone(con, browser=browser)
    assert (guess.zone, guess.source, guess.sentence) == expected


def test_files_that_disagree_get_a_sentence(tmp_path):
    """Two Shopify shops in New York and Berlin: the one with more orders decides and the other is named."""
    paths = []
    for i, (tz, per_day) in enumerate((("America/New_York", 40), ("Europe/Berlin", 20))):
        rng = np.random.default_rng(70 + i)
        seller = make_seller(rng, per_day, n_channels=2, n_days=60, tz=tz, hidden_outages=0)
        paths.append(shopify_orders(simulate(rng, seller), tmp_path / f"shop_{i}.csv"))
    con = session_db()
    ingest_files(con, paths, tz="UTC")
    guess = infer_zone(con)
    assert (guess.zone, guess.source, guess.confidence) == ("America/New_York", "offsets", "medium")
    assert guess.sentence == "America/New_York, from the offsets in shop_0.csv"
    assert guess.notes == (
        "the offsets in shop_1.csv say Europe/Berlin, those in shop_0.csv (more orders) America/New_York; "
        "America/New_York is used",
    )


def test_a_given_zone_wins_and_says_what_the_files_say():
    """--tz UTC on the Shopify export: UTC is used, and the note says the offsets point to New York."""
    con = session_db()
    ingest_files(con, [DATA / "shopify_orders_export.csv"], tz="UTC")
    guess = resolve_zone(con, "UTC")
    assert guess.to_json() == {
        "zone": "UTC",
        "source": "given",
        "confidence": "high",
        "sentence": "UTC, as given with --tz",
        "files": [],
        "notes": ["your files say America/New_York, from the offsets in shopify_orders_export.csv"],
        "inferred": "America/New_York",
    }
    assert resolve_zone(con, "America/Toronto").notes == ()  # the same offsets on every day of the data
