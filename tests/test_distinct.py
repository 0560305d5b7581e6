"""Distinct hashes counted by sorting give DuckDB's own count(DISTINCT ...), overall and per group."""

import duckdb
import numpy as np

from impact.distinct import count_distinct, distinct_per_group


def test_count_distinct_counts_each_value_once():
    """Seven values, 5 three times and 9 twice, are four distinct; five different values are five; none are none."""
    h = np.array([5, 9, 5, 2**64 - 1, 0, 9, 5], dtype=np.uint64)
    assert count_distinct(h) == 4
    assert count_distinct(np.array([3, 1, 2, 4, 6], dtype=np.uint64)) == 5
    assert count_distinct(np.array([], dtype=np.uint64)) == 0


def test_distinct_per_group_without_repeats_is_the_group_size():
    """When no hash repeats, each group counts its own lines, and an empty group counts zero."""
    got = distinct_per_group(np.array([0, 2, 2, 0, 2]), np.array([10, 11, 12, 13, 14], dtype=np.uint64), 4)
    assert got.tolist() == [2, 0, 3, 0]


def test_distinct_per_group_counts_a_repeated_hash_once_per_group():
    """An order with lines in two groups counts once in each; twice in one group, once there."""
    groups = np.array([0, 0, 1, 1, 1, 2, 0])
    hashes = np.array([7, 7, 7, 8, 9, 9, 2**63], dtype=np.uint64)
    assert distinct_per_group(groups, hashes, 3).tolist() == [2, 3, 1]


def test_distinct_per_group_matches_duckdb_on_many_orders():
    """On 50,000 lines of 20,000 orders spread over 300 groups, the counts equal DuckDB's count(DISTINCT)."""
    con = duckdb.connect()
    con.execute("SELECT setseed(0.3)")
    con.execute(
        """CREATE TABLE t AS SELECT CAST(floor(random() * 300) AS BIGINT) AS g,
                  'order-' || CAST(floor(random() * 20000) AS BIGINT) AS o FROM range(50000)"""
    )
    want = np.zeros(300, dtype=np.int64)
    for g, n in con.execute("SELECT g, count(DISTINCT hash(o)) FROM t GROUP BY g").fetchall():
        want[g] = n
    got = con.execute("SELECT g, hash(o) AS h FROM t").fetchnumpy()
    assert distinct_per_group(got["g"], got["h"], 300).tolist() == want.tolist()
    total = con.execute("SELECT count(DISTINCT o) FROM t").fetchone()[0]
    assert count_distinct(got["h"]) == total
