"""Fields answered once per value seen at the file's head give exactly what their own expression gives."""

from __future__ import annotations

import duckdb
import pytest

from impact.ingest import memo, sqlexpr
from impact.ingest.amazon import _STATUS

STATUS = _STATUS.format(item_status=sqlexpr.clean('"c1"'), order_status=sqlexpr.clean('"c2"'))
CURRENCY = "coalesce(upper(" + sqlexpr.clean('"c3"') + "), $currency)"
HEAD = [("Shipped", "Shipped", "usd")] * 90 + [("Shipped", "Cancelled", "USD")] * 8 + [(None, "Pending", " eur ")] * 2
# values the head never shows: other spellings, spaces, NULLs, SQL-looking text
LATER = [
    ("shipped", " CANCELLED ", None),
    ("x'); DROP TABLE t; --", "pending review", "'eur'"),
    (None, None, "   "),
    ("Shipped", "Shipped", "usd"),
    ("Cancelled", "Shipped", "gbp"),
]


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def _table(con, name: str, rows: list[tuple]) -> None:
    con.execute(f'CREATE OR REPLACE TABLE {name} ("c1" VARCHAR, "c2" VARCHAR, "c3" VARCHAR, i INTEGER)')
    if rows:
        con.executemany(f"INSERT INTO {name} VALUES (?, ?, ?, ?)", [(*r, i) for i, r in enumerate(rows)])


def test_memoized_fields_equal_their_expressions_on_every_value(con):
    """Status and currency read through the memo equal the plain expressions on head values and on unseen ones."""
    _table(con, "_head", HEAD)
    _table(con, "everything", HEAD + LATER)
    exprs = {"status": STATUS, "currency": CURRENCY}
    params = {"currency": "USD"}
    memoized, bound = memo.memoize(con, exprs, params)
    assert all(memoized[k] != exprs[k] for k in exprs), "both fields take few values and should be memoized"
    assert not any("Shipped" in v or "usd" in v for v in memoized.values()), "sampled values are bound, not pasted"
    for key in exprs:
        used = {k: v for k, v in {**params, **bound}.items() if f"${k}" in memoized[key]}
        plain = con.execute(
            f"SELECT {exprs[key]} FROM everything ORDER BY i",
            {k: v for k, v in params.items() if f"${k}" in exprs[key]},
        ).fetchall()
        fast = con.execute(f"SELECT {memoized[key]} FROM everything ORDER BY i", used).fetchall()
        assert fast == plain


def test_columns_of_many_values_and_bare_columns_are_left_alone(con):
    """An id-like column (every value different), a plain column copy and a constant keep their expressions."""
    _table(con, "_head", [(f"order-{i}", "Shipped", "usd") for i in range(500)])
    exprs = {"order_id": sqlexpr.clean('"c1"'), "copy": '"c2"', "channel": "'amazon'"}
    memoized, bound = memo.memoize(con, exprs, {})
    assert memoized == exprs and bound == {}


def test_an_empty_head_changes_nothing(con):
    """A file without data lines gives its expressions back unchanged."""
    _table(con, "_head", [])
    memoized, bound = memo.memoize(con, {"status": STATUS}, {})
    assert memoized == {"status": STATUS} and bound == {}


def test_ingest_reads_statuses_that_appear_only_after_the_head(tmp_path):
    """A cancelled line far below the sampled head is still read as cancelled, with or without stray spaces."""
    from impact.ingest import ingest_files
    from impact.store import session_db

    con = session_db()
    header = "amazon-order-id\tpurchase-date\torder-status\titem-status\tsku\titem-price\tcurrency"
    rows = [
        f"111-{i:07d}-0000001\t2025-03-01T10:00:00+00:00\tShipped\tShipped\tSKU-1\t10.00\tUSD"
        for i in range(memo.SAMPLE + 10)
    ]
    rows += [
        "111-9999998-0000001\t2025-03-02T10:00:00+00:00\tShipped\t Cancelled \tSKU-1\t10.00\tUSD",
        "111-9999999-0000001\t2025-03-02T11:00:00+00:00\tPending\tUnshipped\tSKU-1\t10.00\t eur ",
    ]
    path = tmp_path / "orders.txt"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    ingest_files(con, [path])
    got = dict(
        con.execute("SELECT order_id, status || '/' || currency FROM lines WHERE order_id LIKE '111-99999%'").fetchall()
    )
    assert got == {"111-9999998-0000001": "cancelled/USD", "111-9999999-0000001": "pending/EUR"}
    assert con.execute("SELECT count(*) FROM lines WHERE status = 'completed'").fetchone()[0] == memo.SAMPLE + 10


def test_a_field_that_cannot_be_worked_out_in_advance_is_left_to_the_parse(con):
    """An expression the head cannot evaluate (here a strict cast of text) keeps its expression; the others still memoize."""
    _table(con, "_head", HEAD)
    exprs = {"strict": 'CAST("c1" AS INTEGER)', "status": STATUS}
    memoized, _ = memo.memoize(con, exprs, {})
    assert memoized["strict"] == exprs["strict"] and memoized["status"] != STATUS
