"""Exact counts of distinct 64-bit hashes (of order ids, of line keys), overall or per group, by sorting.

DuckDB counts 2 M distinct hashes with a hash table that costs ~0.3 CPU-seconds and ~190 MB at its peak; numpy's
sort of the same 16 MB column costs ~0.03 s (scratch timings on the 2 M-line benchmark report).
The import's repeated-key check, its order count and the hourly order counts of an analysis each did one such count,
so the hashes are computed in SQL and counted here. The counts are exact: equal values are equal hashes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def _repeated(sorted_hashes: np.ndarray) -> np.ndarray:
    """The values that occur more than once in a sorted array, each once, sorted."""
    import numpy as np  # numpy loads beside the import's parse: see count_distinct

    twice = sorted_hashes[1:][sorted_hashes[1:] == sorted_hashes[:-1]]
    return twice[np.r_[True, twice[1:] != twice[:-1]]] if len(twice) else twice


def count_distinct(hashes: np.ndarray) -> int:
    """How many different values `hashes` holds."""
    # numpy is imported here, not at the top: the import's modules reach the parse without it (~0.07 s), and the line
    # count (impact.ingest.textfile) and the engine (impact.service.ENGINE) import it while DuckDB parses.
    import numpy as np

    if not len(hashes):
        return 0
    s = np.sort(hashes)
    return int(np.count_nonzero(s[1:] != s[:-1])) + 1


def distinct_per_group(groups: np.ndarray, hashes: np.ndarray, n_groups: int) -> np.ndarray:
    """Distinct hashes per group: `groups` numbers each value's group (0 <= group < n_groups); returns n_groups
    counts. A hash seen once overall counts once in its group; only repeated hashes (an order's other lines) are
    paired with their group and sorted, so an export of one-line orders costs one sort."""
    import numpy as np  # see count_distinct

    groups = np.asarray(groups, dtype=np.int64)
    repeated = _repeated(np.sort(hashes))
    if not len(repeated):
        return np.bincount(groups, minlength=n_groups)
    pos = np.minimum(np.searchsorted(repeated, hashes), len(repeated) - 1)
    shared = repeated[pos] == hashes
    counts = np.bincount(groups[~shared], minlength=n_groups)
    # A repeated hash is replaced by its rank among the repeated ones, so (group, rank) fits one exact int64 key.
    keys = np.sort(groups[shared] * len(repeated) + pos[shared])
    first = keys[np.r_[True, keys[1:] != keys[:-1]]]
    return counts + np.bincount(first // len(repeated), minlength=n_groups)
