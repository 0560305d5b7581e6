"""Fields of few values answered once per value instead of once per line.

Most export columns a canonical field reads take a handful of values in a whole file: order and item status,
currency, sales channel, fulfilment. Working the field out on every line (trim, lower, a chain of comparisons) cost
more than any other part of the parse (the Amazon status alone ~0.4 s of CPU per 2 M lines); comparing the raw
text with the few values seen at the head of the file and taking the answer DuckDB gave for them there costs a
fraction. Any other value, or a NULL, falls through to the field's own expression, so the result is the same for
every line by construction.
"""

from __future__ import annotations

import duckdb

from .base import IDENT

TOP = 8  # values per field: each one is a comparison for every line that misses the ones before it
MIN_SHARE = 0.8  # of the sampled lines the values must cover; below that the column is not categorical
SAMPLE = 2000


def load_head(con, source: str, params: dict, table: str = "_head") -> None:
    """The first lines of the file (the columns the parse reads, as text), for memoize()."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {source} LIMIT {SAMPLE}", params)


def _columns(expr: str) -> list[str]:
    """The file columns ("cN") an expression reads, sorted."""
    return sorted({m.group(0) for m in IDENT.finditer(expr)})


def memoize(con, exprs: dict[str, str], params: dict, head: str = "_head") -> tuple[dict[str, str], dict]:
    """`exprs` (name -> SQL over the file's "cN" columns) with the frequent inputs of each answered in advance.

    Returns the new expressions and the parameters they need (the sampled values and their answers are bound as
    parameters, never pasted into the SQL). `params` are those the expressions already use ($tz, $currency...).
    """
    out, bound = dict(exprs), {}
    columns = sorted({c for expr in exprs.values() for c in _columns(expr)})
    if not columns:
        return out, bound
    # One pass tells the id-like columns (dates, amounts, order ids) apart, so that only fields of few values are
    # looked at one by one. An estimate is enough to sort them (exact distinct counts cost a query as long as the
    # rest of the memo); a field that slips through is still judged by the values it really has.
    counts = con.execute(
        f"SELECT count(*), {', '.join(f'approx_count_distinct({c})' for c in columns)} FROM {head}"
    ).fetchone()
    total, distinct = counts[0], dict(zip(columns, counts[1:], strict=True))
    if not total:
        return out, bound
    for n, (key, expr) in enumerate(exprs.items()):
        cols = _columns(expr)
        if not cols or IDENT.fullmatch(expr.strip()):
            continue  # a constant, or a column copied as it is: nothing to save
        if any(distinct[c] > total / 2 for c in cols):
            continue
        notnull = " AND ".join(f"{c} IS NOT NULL" for c in cols)
        try:
            rows = con.execute(
                f"""SELECT {", ".join(cols)}, {expr} AS _answer, count(*) AS _n FROM {head} WHERE {notnull}
                    GROUP BY ALL ORDER BY _n DESC, {", ".join(cols)} LIMIT {TOP}""",
                {k: v for k, v in params.items() if f"${k}" in expr},
            ).fetchall()
        except duckdb.Error:
            # Only a shortcut: a field it cannot work out in advance is parsed line by line, as it always was,
            # and the parse reports whatever is wrong with it.
            continue
        if sum(r[-1] for r in rows) < MIN_SHARE * total:
            continue
        whens = []
        for i, row in enumerate(rows):
            conds = []
            for j, col in enumerate(cols):
                bound[f"_m{n}_{i}_{j}"] = row[j]
                conds.append(f"{col} = $_m{n}_{i}_{j}")
            bound[f"_m{n}_{i}"] = row[len(cols)]
            whens.append(f"WHEN {' AND '.join(conds)} THEN $_m{n}_{i}")
        out[key] = f"(CASE {' '.join(whens)} ELSE {expr} END)"
    return out, bound
