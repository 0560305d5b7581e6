"""When the chosen window lies outside the orders, the outage found in them and the known outages inside their range
are offered instead, and the window is recognised as one the data cannot speak to."""

from datetime import datetime

from sellers import september_outage_seller

from impact.ingest import ingest_files
from impact.outages.suggest import suggest_windows
from impact.windows import Window, covers


def test_a_window_after_the_data_is_not_covered_and_the_detected_outage_is_offered_first(con, tmp_path):
    """The demo's 20 Oct window is outside 7 Jul-14 Oct; the 29 Sep 18:00-23:00 drop is the first suggestion."""
    report = ingest_files(con, [september_outage_seller(tmp_path / "amazon.txt")])
    october = Window(datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20), channels=("amazon",))
    assert not covers(report.first, report.last, october)
    found = suggest_windows(con, report.first, report.last, tz="America/New_York")
    first = found[0]
    assert first.source == "detected"
    assert (first.window.start, first.window.end) == (datetime(2025, 9, 29, 18), datetime(2025, 9, 29, 23))
    assert covers(report.first, report.last, first.window)
    # Labels are in the seller's zone: 18:00 UTC is 14:00 in New York (EDT).
    assert first.label.startswith("Found in your orders: Amazon orders down 9")
    assert first.label.endswith("Mon 29 Sep 2025 14:00 to 19:00 America/New_York")
    assert all(covers(report.first, report.last, s.window) for s in found)


def test_catalog_outages_inside_the_range_are_offered(con):
    """Catalog outages whose start lies in the data's range are offered; those outside it are not."""
    from impact.outages.catalog import load_catalog

    catalog = load_catalog()
    inside = catalog[len(catalog) // 2]
    found = suggest_windows(con, inside.start.replace(hour=0), inside.end)
    assert [s.window for s in found if s.source == "catalog"] == [
        w for w in catalog if inside.start.replace(hour=0) <= w.start <= inside.end
    ]
    assert suggest_windows(con, None, None) == []
