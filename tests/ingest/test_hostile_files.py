"""Tests that hostile or broken files get a clear message, never a traceback, and that good lines still load."""

import subprocess
import sys

import pytest
from testdata import DATA

from impact.errors import ImpactError
from impact.ingest import ingest_files

BAD = DATA / "bad"


def _accounted(report):
    for f in report["files"]:
        assert f["lines"] == f["loaded"] + f["duplicates"] + f["skipped"] + f["rejected"]


@pytest.mark.parametrize(
    "name,message",
    [
        ("empty.csv", "empty"),
        ("binary.csv", "binary"),
        ("zip_archive.csv", "zip archive"),
        ("workbook.xlsx", "Excel .xlsx"),
        ("header_only.csv", "header but no order lines"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(con, name, message):
    """Files that are not tables raise an ImpactError naming the problem."""
    with pytest.raises(ImpactError, match=message):
        ingest_files(con, [BAD / name])


# file, lines, loaded, rejected, revenue of the good lines
PARTLY_BAD = [
    ("wrong_delimiter.csv", 2, 1, 1, 11.0),
    ("unbalanced_quotes.csv", 2, 1, 1, 11.0),
    ("invalid_utf8.csv", 2, 2, 0, 21.0),
    ("dates_out_of_range.csv", 3, 1, 2, 12.0),
    ("bad_prices.csv", 8, 2, 6, 12.5),
    ("duplicate_headers.csv", 1, 1, 0, 10.0),
    ("formula_cells.csv", 3, 3, 0, 33.0),
    ("html_in_names.csv", 1, 1, 0, 10.0),
]


@pytest.mark.parametrize("name,lines,loaded,rejected,revenue", PARTLY_BAD)
def test_good_lines_in_a_partly_bad_file_still_load(con, name, lines, loaded, rejected, revenue):
    """Bad lines are rejected with a line number and reason; the good ones load and every line is counted."""
    report = ingest_files(con, [BAD / name]).to_json()
    _accounted(report)
    f = report["files"][0]
    assert (f["lines"], f["loaded"], f["rejected"]) == (lines, loaded, rejected)
    assert all(r["line"] >= 2 and r["reason"] for r in f["rejects"])
    total = sum(ch["revenue"] or 0 for ch in report["channels"].values())
    assert total == pytest.approx(revenue)


def test_bad_prices_name_their_reason(con):
    """Negative, NaN, infinite, exponent, huge and malformed amounts are each rejected for what they are."""
    f = ingest_files(con, [BAD / "bad_prices.csv"]).to_json()["files"][0]
    reasons = {r["line"]: r["reason"].split(' "')[0] for r in f["rejects"]}
    assert reasons == {
        2: "negative amount",
        3: "amount is not a number",
        4: "unreadable amount",
        5: "amount is not a number",
        6: "amount too large",
        9: "unreadable amount",
    }


def test_mixed_time_zones_are_all_converted(con):
    """Offsets, Z, zone abbreviations and local times in one column all land on the right UTC instant."""
    mapping = {"order_id": "Order", "purchased_at": "When", "revenue": "Amount"}
    ingest_files(con, [BAD / "mixed_timezones.csv"], mapping=mapping, tz="Europe/Berlin")
    got = dict(con.execute("SELECT order_id, purchased_at::VARCHAR FROM lines").fetchall())
    assert got == {
        "A1": "2025-10-20 06:00:00",
        "A2": "2025-10-20 08:00:00",
        "A3": "2025-10-20 13:00:00",
        "A4": "2025-10-20 06:00:00",
        "A5": "2025-10-20 15:00:00",
    }


def test_ten_megabyte_line_is_rejected_not_fatal(con, tmp_path):
    """A single 10 MB line is rejected with its line number and the next line loads."""
    f = tmp_path / "long.csv"
    f.write_text(
        "Date,Order #,Status,Net sales\n2025-10-20 08:00:00,1,Completed,"
        + "x" * 10_000_000
        + "\n2025-10-20 09:00:00,2,Completed,5.00\n"
    )
    report = ingest_files(con, [f]).to_json()
    _accounted(report)
    assert report["files"][0]["rejects"] == [{"line": 2, "reason": "line longer than 4 MB"}]
    assert report["orders"] == 1


def test_hundred_thousand_columns_are_refused(con, tmp_path):
    """A header with 100,000 columns is refused at once with a message."""
    f = tmp_path / "wide.csv"
    f.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" * 100_000) + "\n")
    with pytest.raises(ImpactError, match="100,000 columns"):
        ingest_files(con, [f])


def test_cli_never_prints_a_traceback_on_the_corpus():
    """Every file of the corpus gives exit 0 or exit 2 with one line on stderr."""
    for path in sorted(BAD.iterdir()):
        proc = subprocess.run([sys.executable, "-m", "impact", "ingest", str(path)], capture_output=True, text=True)
        assert proc.returncode in (0, 2), path.name
        assert "Traceback" not in proc.stderr
        if proc.returncode == 2:
            assert proc.stderr.count("\n") == 1, path.name
