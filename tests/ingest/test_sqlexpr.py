"""The SQL parse builders: untrimmed fast paths give exactly what the trimmed general parse gives."""

from __future__ import annotations

import duckdb
import pytest

from impact.ingest import sqlexpr

TEXTS = [
    "12.50",
    " 12.50",
    "12.50 ",
    " 1e3 ",
    "1e3",
    "",
    "   ",
    None,
    "1,249.00",
    " (5.00) ",
    "1.249,00 €",
    "abc",
    "nan",
    " 7 ",
]
DATES = [
    "2025-10-20T06:48:00+00:00",
    " 2025-10-20T06:48:00+00:00",
    "2025-10-20T06:48:00+00:00  ",
    "",
    "  ",
    None,
    "2025-10-20 06:48:00",
    " 2025-10-20",
    "Oct-20-25 06:48:00 PDT",
    "45950.5",
    "not a date",
]


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def _values(con, expr: str, texts: list, tz: str = "America/New_York") -> list:
    con.execute(
        "CREATE OR REPLACE TABLE t AS SELECT unnest($v::VARCHAR[]) AS v, generate_subscripts($v::VARCHAR[], 1) AS i",
        {"v": texts},
    )
    params = {"tz": tz} if "$tz" in expr else {}
    return [r[0] for r in con.execute(f"SELECT {expr} FROM t ORDER BY i", params).fetchall()]


def test_amount_and_quantity_read_spaced_text_like_trimmed_text(con):
    """A value with stray spaces reads as the same number as the trimmed value, for amounts and quantities."""
    trimmed = [t.strip() if t is not None else None for t in TEXTS]
    for build in (sqlexpr.amount, sqlexpr.quantity):
        got = _values(con, build("v"), TEXTS)
        want = _values(con, build("v"), trimmed)
        assert [str(g) for g in got] == [str(w) for w in want]
    assert _values(con, sqlexpr.amount("v"), [" 1e3 "]) == [1000.0]


@pytest.mark.parametrize("fast", [sqlexpr.AWARE_FORMATS[0], sqlexpr.ISO, "%Y-%m-%d %H:%M:%S", None])
def test_timestamps_with_a_fast_format_equal_the_general_parse_of_the_trimmed_text(con, fast):
    """Whatever fast format a sample chose, every value reads as the general parser reads its trimmed text."""
    trimmed = [t.strip() if t is not None else None for t in DATES]
    got = _values(con, sqlexpr.timestamp_utc("v", None, fast), DATES)
    want = _values(con, sqlexpr.timestamp_utc("v"), trimmed)
    assert got == want
    assert got[0] == got[1] == got[2] is not None


def test_precision_ignores_stray_spaces(con):
    """Time precision is the same for spaced and trimmed text."""
    trimmed = [t.strip() if t is not None else None for t in DATES]
    assert _values(con, sqlexpr.precision("v"), DATES) == _values(con, sqlexpr.precision("v"), trimmed)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2025-07-03 10:15:02 -0400", -240),
        ("2025-01-15 10:15:02 -0500", -300),
        ("2025-10-20T06:52:11+00:00", 0),
        ("2025-10-20T15:52:11+09:00", 540),
        (" 2025-10-20T06:52:11.250+05:30 ", 330),
        ("2025-10-20T06:52:11Z", 0),
        ("Oct-20-25 06:48:00 PDT", -420),
        ("2025-10-20 06:48:00", None),
        ("2025-10-20", None),
        ("20-10-2025", None),
        ("06:48 20-10-2025", None),
        ("2025-10-20 06:48:00 -2400", None),
        ("10/20/2025 06:48 AM", None),
        ("45950.5", None),
        ("", None),
        (None, None),
    ],
)
def test_utc_offset_minutes(text, minutes):
    """The offset a timestamp's text carries, in minutes east of UTC; none for local times and dates alone."""
    con = duckdb.connect()
    got = con.execute(f"SELECT {sqlexpr.utc_offset_minutes('v')} FROM (SELECT ?::VARCHAR AS v)", [text]).fetchone()
    assert got[0] == minutes
