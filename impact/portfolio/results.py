"""A portfolio's results: the rows as one table (Parquet and Excel-safe CSV), read back for the app, and the summary
the command's --json and the app show.

Rows are sorted by seller and window before anything is written, so two runs of the same sellers give the same bytes
whatever engine ran them and in whatever order their sellers finished.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import InputError
from .job import COLUMNS

TEXT = ("seller_id", "window_start", "window_end", "channels", "currency", "warnings", "error")
SIGNIFICANT_P = 0.9  # a loss counts as significant at this probability of an effect, or with its interval above 0
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)
TOP = 10


def sort_rows(rows: Iterable[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (r["seller_id"], r["window_start"], r["window_end"]))


def schema():
    import pyarrow as pa  # pyarrow only when results are written or read, not when `impact` starts

    return pa.schema([(c, pa.string() if c in TEXT else pa.float64()) for c in COLUMNS])


def to_table(rows: Sequence[dict]):
    """The rows as a pyarrow Table with one fixed type per column (an all-empty column keeps its type)."""
    import pyarrow as pa  # pyarrow only when results are written or read, not when `impact` starts

    rows = sort_rows(rows)
    return pa.table({c: [r.get(c) for r in rows] for c in COLUMNS}, schema=schema())


def paths(out: Path | str) -> tuple[Path, Path]:
    """(Parquet path, CSV path): --out names the Parquet file, the CSV goes beside it with the same stem."""
    out = Path(out)
    parquet = out if out.suffix.lower() == ".parquet" else out.with_suffix(".parquet")
    return parquet, parquet.with_suffix(".csv")


def write(rows: Sequence[dict], out: Path | str) -> tuple[Path, Path]:
    """Write results.parquet and results.csv (Excel-safe: impact.csvsafe) beside it; returns both paths."""
    # pyarrow and pandas (csvsafe imports it) only when results are written, not when `impact` starts.
    import pyarrow.parquet as pq

    from ..csvsafe import write_csv

    parquet, csv = paths(out)
    if not parquet.parent.is_dir():
        raise InputError(f"--out: the folder {parquet.parent} does not exist")
    table = to_table(rows)
    pq.write_table(table, parquet)
    write_csv(table.to_pandas(), csv)
    return parquet, csv


def read(data: bytes | Path | str, name: str = ""):
    """A results file (Parquet, or the CSV written beside it) as a pandas DataFrame with the result columns."""
    import pandas as pd  # only reading a results file loads pandas

    raw = Path(data).read_bytes() if isinstance(data, Path | str) else bytes(data)
    name = name or (str(data) if isinstance(data, Path | str) else "the file")
    try:
        if raw[:4] == b"PAR1":
            df = pd.read_parquet(io.BytesIO(raw))
        else:
            df = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype={c: "string" for c in TEXT})
    except Exception as exc:  # noqa: BLE001 - a wrong upload is the user's sentence, not a traceback
        raise InputError(f"{name} is not a portfolio results file ({type(exc).__name__})") from None
    missing = [c for c in ("seller_id", "window_start", "revenue_lost", "error") if c not in df.columns]
    if missing:
        raise InputError(f"{name} is not a portfolio results file: no column {', '.join(missing)}")
    for c in TEXT:
        if c in df.columns:
            # The CSV's Excel guard quoted text that looked like a formula; the table shows what the seller wrote.
            df[c] = df[c].fillna("").astype(str).str.replace(r"^'(?=[=+\-@])", "", regex=True)
    return df


# ---------------------------------------------------------------------------------------------------------------
# Summary


def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _combined(rows: Sequence[dict], key: str) -> dict | None:
    """Sum of `key` with an interval: sellers' (and windows') errors are independent, so the half-widths below and
    above add in quadrature, as Analysis.total combines windows."""
    have = [r for r in rows if _num(r.get(key)) is not None]
    if not have:
        return None

    def bound(r, side):
        b = _num(r.get(f"{key}_{side}"))
        return _num(r[key]) if b is None else b

    total = sum(_num(r[key]) for r in have)
    lo = math.sqrt(sum((_num(r[key]) - bound(r, "low")) ** 2 for r in have))
    hi = math.sqrt(sum((bound(r, "high") - _num(r[key])) ** 2 for r in have))
    return {
        "lost": round(total, 2),
        "lost_low": round(total - lo, 2),
        "lost_high": round(total + hi, 2),
        "rows": len(have),
    }


def _quantile(values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default), without importing numpy here."""
    s = sorted(values)
    pos = q * (len(s) - 1)
    i = int(math.floor(pos))
    j = min(i + 1, len(s) - 1)
    return s[i] + (s[j] - s[i]) * (pos - i)


def _per_seller(rows: Sequence[dict]) -> dict[str, dict]:
    """Each seller's windows summed (interval in quadrature); significant when any window's loss is."""
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["seller_id"], []).append(r)
    sellers = {}
    for sid, rs in out.items():
        c = _combined(rs, "revenue_lost")
        sig = any(
            (_num(r.get("p_effect")) or 0) >= SIGNIFICANT_P or (_num(r.get("revenue_lost_low")) or 0) > 0 for r in rs
        )
        sellers[sid] = {"seller_id": sid, **(c or {}), "significant": sig}
    return sellers


def _currency_summary(currency: str, rows: Sequence[dict]) -> dict:
    sellers = _per_seller(rows)
    losses = [s["lost"] for s in sellers.values() if "lost" in s]
    top = sorted((s for s in sellers.values() if "lost" in s), key=lambda s: (-s["lost"], s["seller_id"]))[:TOP]
    return {
        "currency": currency,
        "sellers": len(sellers),
        "revenue_lost": _combined(rows, "revenue_lost"),
        "net_lost": round(sum(_num(r.get("net_lost")) or 0 for r in rows), 2),
        "profit_lost": _combined(rows, "profit_lost"),
        "quantiles": {f"p{round(q * 100)}": round(_quantile(losses, q), 2) for q in QUANTILES} if losses else {},
        "top": [{k: s[k] for k in ("seller_id", "lost", "lost_low", "lost_high")} for s in top],
        "significant": sum(s["significant"] for s in sellers.values()),
        "significant_share": round(sum(s["significant"] for s in sellers.values()) / len(sellers), 4),
    }


def summarise(rows: Sequence[dict]) -> dict:
    """The portfolio's summary: per currency (amounts in several currencies are never summed) the losses summed with
    a combined interval, the distribution of sellers' losses, the top sellers and the share of sellers with a
    significant loss; and the sellers that could not be analysed."""
    rows = sort_rows(rows)
    ok = [r for r in rows if not r.get("error")]
    failed = sorted({r["seller_id"] for r in rows if r.get("error")} - {r["seller_id"] for r in ok})
    by_currency: dict[str, list[dict]] = {}
    for r in ok:
        by_currency.setdefault(r.get("currency") or "", []).append(r)
    return {
        "sellers": len({r["seller_id"] for r in rows}),
        "rows": len(rows),
        "analysed_rows": len(ok),
        "error_rows": len(rows) - len(ok),
        "failed_sellers": failed,
        "significant_when": f"p_effect >= {SIGNIFICANT_P} or the loss's interval above zero",
        "currencies": [_currency_summary(c, rs) for c, rs in sorted(by_currency.items())],
    }


def rows_of(df) -> list[dict]:
    """A results DataFrame (read back) as the rows summarise() takes."""
    return [
        {c: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v) for c, v in r.items()}
        for r in df.to_dict("records")
    ]
