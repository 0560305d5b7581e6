"""The seller's usual late rate, per stratum of channel, purchase weekday and hour and days of lead time, as SQL
CTEs over the per-order table: what the due orders' expected late count is built from."""

from __future__ import annotations

# Pseudo-count pulling a sparse stratum's late rate towards its parent stratum (see LEVELS).
SHRINK = 20.0
# e-folding time of the weight of a baseline order, by its distance in time from the window start.
RECENCY_DAYS = 28.0

# Strata of the baseline late rate, coarse to fine. Lateness is driven by when an order reaches the warehouse
# relative to its working hours and cut-offs (purchase weekday and hour) and by how long the promise gives it
# (whole days of lead time); each finer level is shrunk towards the level above it.
LEVELS = (
    ("channel",),
    ("channel", "dow"),
    ("channel", "dow", "blk"),
    ("channel", "dow", "hr"),
    ("channel", "dow", "hr", "lead"),
)
CELL = "channel, dow, hr, lead"


def due_ctes(table: str) -> str:
    """CTEs t (orders with a known outcome) and base (those outside the excluded set); $s and $ex as in rates_cte."""
    return f't AS (SELECT * FROM "{table}" WHERE due_known),\n    ' + (
        "base AS (SELECT * FROM t WHERE NOT (promise >= $s AND purchased_at <= $ex))"
    )


def rates_cte(table: str) -> str:
    """CTEs giving each stratum (channel, purchase weekday, purchase hour, lead days) its shrunken baseline late rate.

    Expects $s (window start) and $ex (purchase cut-off of the excluded set) as parameters: the baseline is every
    order with a known outcome outside {promise >= $s and bought by $ex}. n_eff is the cell's own count plus the
    pseudo-count, used for the variance of the rate.
    """
    a = SHRINK
    parts = [
        due_ctes(table),
        # Recent weeks say more about the warehouse during the outage than weeks long ago (staffing, season).
        f"wb AS (SELECT *, exp(-abs(epoch(purchased_at) - epoch($s::TIMESTAMP)) / {RECENCY_DAYS * 86400.0}) AS w FROM base)",
        "p_all AS (SELECT coalesce(sum(w * late::INT) / nullif(sum(w), 0), 0) AS p FROM wb)",
        "strata AS (SELECT DISTINCT channel, dow, blk, hr, lead FROM t)",
    ]
    prev_p = "(SELECT p FROM p_all)"
    prev = "strata"
    for i, keys in enumerate(LEVELS):
        cols = ", ".join(keys)
        parts.append(f"L{i} AS (SELECT {cols}, sum(w) AS n, sum(w * late::INT) AS k FROM wb GROUP BY ALL)")
        parts.append(
            f"r{i} AS (SELECT {prev}.*, (coalesce(L{i}.k, 0) + {a} * {prev_p}) / (coalesce(L{i}.n, 0) + {a}) AS p{i},"
            f" coalesce(L{i}.n, 0) AS n{i} FROM {prev} LEFT JOIN L{i} USING ({cols}))"
        )
        prev_p, prev = f"p{i}", f"r{i}"
    last = len(LEVELS) - 1
    parts.append("craw AS (SELECT channel, count(*) AS n_raw FROM base GROUP BY ALL)")
    # pv keeps the estimation variance of a rate estimated as 0 (or 1) from few orders away from zero.
    parts.append(
        f"rates AS (SELECT {CELL}, coalesce(craw.n_raw, 0) AS n_c, p0 AS p_c, p{last} AS p, n{last} + {a} AS n_eff,"
        f" least(greatest(p{last}, 1.0 / (n{last} + {a})), 1 - 1.0 / (n{last} + {a})) AS pv"
        f" FROM r{last} LEFT JOIN craw USING (channel))"
    )
    return ",\n    ".join(parts) + "\n"
