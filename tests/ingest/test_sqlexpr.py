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
    if "$amount_marks" in expr:
        params["amount_marks"] = "dot"
    return [r[0] for r in con.execute(f"SELECT {expr} FROM t ORDER BY i", params).fetchall()]


def test_amount_and_quantity_read_spaced_text_like_trimmed_text(con):
    """A value with stray spaces reads as the same number as the trimmed value, for amounts and quantities."""
    trimmed = [t.strip() if t is not None else None for t in TEXTS]
    for build in (sqlexpr.amount, sqlexpr.quantity):
        got = _values(con, build("v"), TEXTS)
        want = _values(con, build("v"), trimmed)
        assert [str(g) for g in got] == [str(w) for w in want]
    assert _values(con, sqlexpr.amount("v"), [" 1e3 ", " 1.234 ", "0x1F"]) == [None, 1.234, None]


def test_two_decimal_prices_read_as_the_plain_number_pattern_reads_them(con):
    """The DECIMAL(18,2) read-back shortcut takes only canonical two-decimal prices; the others (a leading zero,
    -0.00, a plus sign, three decimals, read with $amount_marks = dot) go on to the pattern and the money rule."""
    texts = ["12.50", "0.05", "-3.00", "00.50", "-0.00", "+1.00", "12.345", "1234.567", "7", "1e2", ".50", "1,249.00"]
    got = _values(con, sqlexpr.amount("v"), texts)
    assert [str(g) for g in got] == [
        "12.5",
        "0.05",
        "-3.0",
        "0.5",
        "-0.0",
        "1.0",
        "12.345",
        "1234.567",
        "7.0",
        "None",
        "0.5",
        "1249.0",
    ]
    shortcut = "v = TRY_CAST(v AS DECIMAL(18,2))::VARCHAR"
    assert _values(con, shortcut, texts[:6]) == [True, True, True, False, False, False]


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


OFFSET_ENDS = [
    f"2025-10-20{sep}06:48:00{space}{offset}"
    for sep in ("T", " ")
    for space in ("", " ")
    for offset in (
        "+00:00",
        "+0000",
        "Z",
        "-04:00",
        "-0400",
        "+05:45",
        "+14:00",
        "-12:00",
        "+14:15",
        "-12:30",
        "+01:07",
        "+99:99",
        "+1a:00",
        "-13:00",
        "",
    )
] + ["+00:00", "06:48+00:00", "2025-10-20", " 2025-10-20T06:48:00+00:00 ", "", None]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2025-10-20T06:48:00+00:00", "+00:00"),
        ("2025-10-30 17:39:42 -0400", "-0400"),
        ("2025-10-20T06:48:00Z", "Z"),
        (" 2025-10-20T06:48:00+05:45  ", "+05:45"),
        ("2025-10-20T06:48:00+14:15", None),
        ("2025-10-20T06:48:00+99:99", None),
        ("2025-10-20 06:48:00", None),
        ("", None),
        (None, None),
    ],
)
def test_offset_hint_is_a_possible_offset_ending_the_text(text, hint):
    """The hint is the offset ending a date's text when a clock can show it, else none."""
    assert sqlexpr.offset_hint(text) == hint


@pytest.mark.parametrize("hint", ["+00:00", "+0000", "Z", "-04:00", "-0400", "+05:45"])
@pytest.mark.parametrize("fast", [sqlexpr.AWARE_FORMATS[0], sqlexpr.AWARE_FORMATS[3], sqlexpr.ISO])
def test_an_offset_hint_changes_no_timestamp_and_no_offset(con, hint, fast):
    """With $offset_hint bound, every date (its offset possible, impossible or absent) reads as without it, and its
    offset key, as the import reads it back, is the same."""

    def values(expr: str) -> list:
        con.execute("CREATE OR REPLACE TABLE t AS SELECT unnest($v::VARCHAR[]) AS v", {"v": OFFSET_ENDS})
        params = {k: v for k, v in {"tz": "America/New_York", "offset_hint": hint}.items() if f"${k}" in expr}
        return [r[0] for r in con.execute(f"SELECT {expr} FROM t", params).fetchall()]

    hinted = values(sqlexpr.timestamp_utc("v", None, fast, hint))
    assert hinted == values(sqlexpr.timestamp_utc("v", None, fast))
    assert sum(v is not None for v in hinted) == 29  # the impossible offsets and the lone offset are unread
    stored = sqlexpr.utc_offset_key("v", hint)
    assert values(sqlexpr.offset_key(f"({stored})", hint)) == values(sqlexpr.utc_offset_key("v"))
