"""Unit costs per SKU: the Shopify products export and a generic sku,unit_cost file, with dated cost changes.

Every accepted row is kept in product_cost_entries; product_costs is rebuilt from all of them after each file so
that it holds at most one cost per SKU and day whatever order the files came in. Where ranges overlap, the row with
the later valid_from wins (an open start is the earliest), then the later file, then the later line: a cost change
written as a new open-ended row takes over from its start day, and a row repeated further down a file corrects the
one above it. The losing range is cut around the winner, so a short special range inside a long one splits it.
"""

from __future__ import annotations

from ..errors import MappingError
from ..ingest.base import Cols
from .reader import ISO_DATE, CostFormat, clean, date, money_problem, money_sql, names, shown

KIND = "product_costs"
COLUMNS = ("sku", "unit_cost", "currency", "valid_from", "valid_to", "category")
MAPPING_KEYS = COLUMNS
FIRST_DAY, LAST_DAY = "DATE '1970-01-01'", "DATE '2100-12-31'"
MAX_WARNINGS = 50

TABLES = """
CREATE TABLE IF NOT EXISTS product_costs (
    sku VARCHAR NOT NULL, unit_cost DECIMAL(18,4) NOT NULL, currency VARCHAR, valid_from DATE, valid_to DATE,
    category VARCHAR, file_id INTEGER, line INTEGER);
CREATE TABLE IF NOT EXISTS product_cost_entries (
    sku VARCHAR NOT NULL, unit_cost DECIMAL(18,4) NOT NULL, currency VARCHAR, valid_from DATE, valid_to DATE,
    category VARCHAR, file_id INTEGER, line INTEGER);
"""


def _shopify_columns(c: Cols, header: list[str]) -> dict[str, str]:
    return {
        "sku": clean(c("Variant SKU")),
        "_cost": c("Cost per item"),
        "unit_cost": money_sql(c("Cost per item")),
        # The products export has no currency: the store's, which is the one its orders carry.
        "currency": "NULL::VARCHAR",
        "valid_from": "NULL::DATE",
        "valid_to": "NULL::DATE",
        "category": "NULL::VARCHAR",
        "_from": "NULL::VARCHAR",
        "_to": "NULL::VARCHAR",
    }


SHOPIFY_PRODUCTS = CostFormat(
    name="shopify_products",
    label="Shopify products export",
    kind=KIND,
    matches=lambda h: {"handle", "variant sku", "cost per item"} <= names(h),
    columns=_shopify_columns,
    # Image rows and products without variants' SKUs carry no SKU; a cost left empty is not a cost of zero.
    skip="CASE WHEN sku IS NULL THEN 'no SKU' WHEN nullif(trim(_cost), '') IS NULL THEN 'no cost given' END",
    reject=money_problem("_cost", "cost"),
    money=("_cost",),
)


def _generic_columns(m: dict[str, str], strict: bool):
    """strict: every column of m must be in the file (a seller's mapping); else missing ones read as NULL."""

    def columns(c: Cols, header: list[str]) -> dict[str, str]:
        have = names(header)
        for key, column in m.items():
            if strict and column.strip().lower() not in have:
                raise MappingError(f"the mapping names column '{column}' for {key}, but the file has no such column")

        def col(key: str) -> str:
            return c(m[key]) if key in m else "NULL"

        return {
            "sku": clean(col("sku")),
            "_cost": col("unit_cost"),
            "unit_cost": money_sql(col("unit_cost")),
            "currency": f"upper({clean(col('currency'))})",
            "_from": col("valid_from"),
            "_to": col("valid_to"),
            "valid_from": date(col("valid_from"), ISO_DATE),
            "valid_to": date(col("valid_to"), ISO_DATE),
            "category": clean(col("category")),
        }

    return columns


def _date_problem(raw: str, value: str, what: str) -> str:
    return f"""WHEN nullif(trim({raw}), '') IS NOT NULL AND {value} IS NULL
            THEN 'unreadable {what} ' || {shown(raw)} || ': write the date as YYYY-MM-DD'
        WHEN {value} NOT BETWEEN {FIRST_DAY} AND {LAST_DAY}
            THEN '{what} out of range ' || {shown(raw)} || ': check its year'"""


GENERIC_SKIP = """CASE
    WHEN sku IS NULL AND nullif(trim(_cost), '') IS NULL AND nullif(trim(_from), '') IS NULL THEN 'empty row'
    WHEN sku IS NOT NULL AND nullif(trim(_cost), '') IS NULL THEN 'no cost given' END"""
GENERIC_REJECT = f"""CASE
        WHEN sku IS NULL THEN 'missing SKU: give the SKU this cost is for'
        WHEN {money_problem("_cost", "cost")} IS NOT NULL THEN {money_problem("_cost", "cost")}
        {_date_problem("_from", "valid_from", "valid_from")}
        {_date_problem("_to", "valid_to", "valid_to")}
        WHEN valid_to < valid_from
            THEN 'valid_to ' || {shown("_to")} || ' is before valid_from ' || {shown("_from")} || ': swap or correct them'
        WHEN currency IS NOT NULL AND NOT regexp_full_match(currency, '[A-Z]{{3}}')
            THEN 'currency ' || {shown("currency")} || ' is not a 3-letter code such as USD'
        END"""


def _generic(label: str, m: dict[str, str], matches, strict: bool = False) -> CostFormat:
    return CostFormat(
        name="generic_costs",
        label=label,
        kind=KIND,
        matches=matches,
        columns=_generic_columns(m, strict),
        skip=GENERIC_SKIP,
        reject=GENERIC_REJECT,
        money=("_cost",),
    )


GENERIC = _generic(
    "product cost CSV (sku, unit_cost)",
    {k: k for k in COLUMNS},
    lambda h: {"sku", "unit_cost"} <= names(h),
)

FORMATS = (SHOPIFY_PRODUCTS, GENERIC)


def mapped_format(mapping: dict) -> CostFormat:
    """A generic cost format reading the columns the seller named: {"sku": "Item code", "unit_cost": "Cost", ...}."""
    clean_map = {}
    for key, value in mapping.items():
        if key not in MAPPING_KEYS:
            raise MappingError(f"unknown cost mapping field '{key}'; the fields are {', '.join(MAPPING_KEYS)}")
        if value not in (None, ""):
            clean_map[key] = str(value)
    missing = [k for k in ("sku", "unit_cost") if k not in clean_map]
    if missing:
        raise MappingError("the cost mapping needs a column for " + " and ".join(missing).replace("_", " "))
    # Every column is read through the mapping, so the generic defaults must not leak in.
    full = {k: clean_map[k] for k in COLUMNS if k in clean_map}
    return _generic("product cost CSV with a column mapping", full, lambda h: False, strict=True)


def _all_zero(con, name: str) -> list[str]:
    """A file whose every cost is zero is a products export nobody filled in, not products that cost nothing."""
    count, nonzero = con.execute("SELECT count(*), count(*) FILTER (WHERE unit_cost <> 0) FROM _parsed").fetchone()
    if count and not nonzero:
        return [
            f"{name}: every cost is 0.00 ({count:,} SKUs), so profit would count the products as free; fill in "
            "the costs (Shopify's Cost per item) and load the file again, or leave it out"
        ]
    return []


def store(con, file_id: int, names_by_id: dict[int, str]) -> list[str]:
    """Add _parsed's rows to the entries, rebuild product_costs and say which of the new ranges overlap others, and
    when every cost of the file is zero."""
    warnings = _all_zero(con, names_by_id.get(file_id, "the cost file"))
    con.execute(
        """INSERT INTO product_cost_entries
        SELECT sku, unit_cost, currency, valid_from, valid_to, category, $file_id, line FROM _parsed""",
        {"file_id": file_id},
    )
    warnings += _overlaps(con, file_id, names_by_id)
    rebuild(con)
    return warnings


# An open start or end as a far date, so that ranges compare as plain intervals [lo, hi).
_BOUNDS = """SELECT *, coalesce(valid_from, DATE '0001-01-01') AS lo,
    CASE WHEN valid_to IS NULL THEN DATE '9999-12-31' ELSE valid_to + 1 END AS hi FROM product_cost_entries"""


def rebuild(con) -> None:
    """product_costs from all entries: each SKU's days cut into pieces, each piece priced by its winning entry."""
    con.execute("DELETE FROM product_costs")
    con.execute(
        f"""INSERT INTO product_costs
        WITH e AS ({_BOUNDS}),
        points AS (SELECT sku, lo AS p FROM e UNION SELECT sku, hi FROM e),
        pieces AS (
            SELECT sku, p AS s, lead(p) OVER (PARTITION BY sku ORDER BY p) AS t FROM points),
        won AS (
            SELECT pieces.sku, pieces.s, pieces.t, e.file_id, e.line
            FROM pieces JOIN e ON e.sku = pieces.sku AND e.lo <= pieces.s AND e.hi >= pieces.t
            WHERE pieces.t IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY pieces.sku, pieces.s ORDER BY e.lo DESC, e.file_id DESC,
                                                                                  e.line DESC) = 1),
        runs AS (
            SELECT *, row_number() OVER (PARTITION BY sku ORDER BY s)
                      - row_number() OVER (PARTITION BY sku, file_id, line ORDER BY s) AS run FROM won),
        merged AS (SELECT sku, file_id, line, min(s) AS s, max(t) AS t FROM runs GROUP BY sku, file_id, line, run)
        SELECT m.sku, e.unit_cost, e.currency,
            nullif(m.s, DATE '0001-01-01'),
            CASE WHEN m.t = DATE '9999-12-31' THEN NULL ELSE m.t - 1 END,
            e.category, m.file_id, m.line
        FROM merged m JOIN e ON e.sku = m.sku AND e.file_id = m.file_id AND e.line = m.line
        ORDER BY m.sku, m.s"""
    )


def _overlaps(con, file_id: int, names_by_id: dict[int, str]) -> list[str]:
    """One warning per pair of overlapping ranges of a SKU with different costs, where one comes from this file."""
    rows = con.execute(
        f"""WITH e AS ({_BOUNDS})
        SELECT a.sku, a.file_id, a.line, b.file_id, b.line, greatest(a.lo, b.lo), least(a.hi, b.hi),
               b.lo > a.lo, b.lo = a.lo
        FROM e a JOIN e b ON a.sku = b.sku AND (a.file_id, a.line) < (b.file_id, b.line)
            AND a.lo < b.hi AND b.lo < a.hi
            AND (a.unit_cost, a.currency) IS DISTINCT FROM (b.unit_cost, b.currency)
        WHERE $file_id IN (a.file_id, b.file_id)
        ORDER BY a.sku, a.file_id, a.line, b.file_id, b.line
        LIMIT {MAX_WARNINGS + 1}""",
        {"file_id": file_id},
    ).fetchall()

    warnings = []
    for sku, fa, la, fb, lb, lo, hi, b_later, same_start in rows[:MAX_WARNINGS]:

        def ref(fid: int, line: int, fa=fa, fb=fb) -> str:
            # Within this file a line number is enough; across files both lines name their file.
            return f"line {line}" if fa == fb == file_id else f"{names_by_id.get(fid, 'an earlier file')} line {line}"

        start = "the earliest date" if lo.year == 1 else lo.isoformat()
        end = "no end" if hi.year == 9999 else (hi.fromordinal(hi.toordinal() - 1)).isoformat()
        if b_later:
            why = f"{ref(fb, lb)} is used there (its valid_from is later)"
        elif same_start:
            why = f"the later line, {ref(fb, lb)}, is used there"
        else:
            why = f"{ref(fa, la)} is used there (its valid_from is later)"
        warnings.append(
            f"SKU {sku}: cost ranges from {ref(fa, la)} and {ref(fb, lb)} overlap ({start} to {end}); {why}"
        )
    if len(rows) > MAX_WARNINGS:
        warnings.append(f"more overlapping cost ranges than the first {MAX_WARNINGS} listed")
    return warnings
