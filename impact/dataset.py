"""What was loaded, at a glance: daily revenue per channel and the data's coverage of an outage window.

These are descriptive views of `lines` for the dashboard and the CLI; the loss estimate itself lives elsewhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .windows import iso_utc


def daily_revenue(con, tz: str = "UTC") -> list[dict]:
    """Revenue and orders per local calendar day (in tz), channel and currency; cancelled lines excluded."""
    rows = con.execute(
        """SELECT CAST(timezone($tz, timezone('UTC', purchased_at)) AS DATE) AS day, channel, currency,
                  sum(revenue) AS revenue, count(DISTINCT order_id) AS orders
           FROM lines
           WHERE status <> 'cancelled' AND purchased_at IS NOT NULL
           GROUP BY ALL ORDER BY day, channel, currency""",
        {"tz": tz},
    ).fetchall()
    return [
        {"day": day, "channel": ch, "currency": cur, "revenue": float(rev or 0.0), "orders": int(n)}
        for day, ch, cur, rev, n in rows
    ]


def coverage(con, start: datetime, end: datetime | None) -> dict:
    """How well the loaded orders cover a window (naive UTC): history before it, orders in it, warnings to show."""
    first, last, channels = con.execute(
        "SELECT min(purchased_at), max(purchased_at), list(DISTINCT channel ORDER BY channel) FROM lines"
    ).fetchone()
    end_or_start = end or start
    in_window = con.execute(
        """SELECT count(DISTINCT channel || '/' || order_id) FROM lines
           WHERE status <> 'cancelled' AND purchased_at >= $start AND purchased_at < $end""",
        {"start": start, "end": end_or_start},
    ).fetchone()[0]
    warnings = []
    history_days = (start - first).total_seconds() / 86400 if first else 0.0
    if first is None:
        warnings.append("No orders are loaded.")
    else:
        if start < first or end_or_start > last + timedelta(hours=1):
            warnings.append(
                f"The outage window ({iso_utc(start)} to {iso_utc(end)}) is not fully inside your order history "
                f"({iso_utc(first)} to {iso_utc(last)})."
            )
        if 0 < history_days < 28:
            warnings.append(
                f"Only {history_days:.0f} days of orders before the outage: estimates need about four weeks of "
                "normal trading to learn the weekly pattern."
            )
    return {
        "first": iso_utc(first),
        "last": iso_utc(last),
        "channels": list(channels or []),
        "history_days": round(history_days, 1),
        "orders_in_window": int(in_window),
        "warnings": warnings,
    }


def product_names(con, skus: list[str]) -> dict[str, str]:
    """SKU -> the product name most recently seen for it (names change; the newest wording is the one sellers know)."""
    if not skus:
        return {}
    rows = con.execute(
        """SELECT sku, arg_max(product_name, purchased_at) FROM lines
           WHERE sku IN (SELECT unnest($skus)) AND product_name IS NOT NULL GROUP BY sku""",
        {"skus": list(skus)},
    ).fetchall()
    return {sku: name for sku, name in rows}


def result_product_names(con, res: dict) -> dict[str, str]:
    """Names of every SKU a window's result lists: its top SKUs lost and, with costs, its profit by SKU."""
    skus = [r["sku"] for r in res.get("top_skus") or []]
    skus += [r["sku"] for r in (res.get("profit") or {}).get("by_sku") or [] if r["sku"] not in skus]
    return product_names(con, skus)
