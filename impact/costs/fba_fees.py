"""Amazon's FBA fee preview report: the referral and fulfilment fee Amazon expects to charge per unit of each SKU.

Column names differ by marketplace and year (expected-fulfillment-fee-per-unit in the US,
expected-domestic-fulfilment-fee-per-unit and per-country EFN columns in Europe), so the columns are found by name
patterns. sku_fees holds one row per SKU: a SKU repeated in a file keeps its last line, and a later file replaces
the fees of the SKUs it lists.
"""

from __future__ import annotations

from ..ingest.base import Cols
from .reader import CostFormat, clean, find_column, money_problem, money_sql, names, shown

KIND = "fba_fees"

TABLES = """
CREATE TABLE IF NOT EXISTS sku_fees (
    sku VARCHAR NOT NULL, referral_fee DECIMAL(18,4), fulfilment_fee DECIMAL(18,4), currency VARCHAR,
    file_id INTEGER, line INTEGER);
"""

REFERRAL = (r"referral-fee-per-unit", r"referral-fee")
# The domestic fee is the one a unit sold in its own marketplace pays; cross-border (EFN) columns come after it.
FULFILMENT = (
    r"^(?!.*efn).*domestic-fulfil+ment-fee",
    r"^(?!.*efn).*fulfil+ment-fee-per-unit",
    r"^(?!.*efn).*fulfil+ment-fee",
    r"fulfil+ment-fee",
    r"fulfil+ment",
)


def _matches(header: list[str]) -> bool:
    return "sku" in names(header) and bool(find_column(header, *REFERRAL)) and bool(find_column(header, *FULFILMENT))


def _fee_text(col: str) -> str:
    """The fee's text, NULL where the report says it does not know it ("--", "N/A" or empty)."""
    return f"(CASE WHEN trim({col}) IN ('--', '-', 'N/A', 'n/a') THEN NULL ELSE {clean(col)} END)"


def _columns(c: Cols, header: list[str]) -> dict[str, str]:
    referral = _fee_text(c(find_column(header, *REFERRAL)))
    fulfilment = _fee_text(c(find_column(header, *FULFILMENT)))
    return {
        "sku": clean(c("sku")),
        "_ref": referral,
        "_ful": fulfilment,
        "referral_fee": money_sql(referral),
        "fulfilment_fee": money_sql(fulfilment),
        "currency": f"upper({clean(c('currency'))})",
    }


FEE_PREVIEW = CostFormat(
    name="amazon_fba_fee_preview",
    label="Amazon FBA fee preview report",
    kind=KIND,
    matches=_matches,
    columns=_columns,
    skip="CASE WHEN sku IS NULL THEN 'no SKU' WHEN _ref IS NULL AND _ful IS NULL THEN 'no fee given (\"--\" or empty)' END",
    reject=f"""CASE
        WHEN {money_problem("_ref", "referral fee")} IS NOT NULL THEN {money_problem("_ref", "referral fee")}
        WHEN {money_problem("_ful", "fulfilment fee")} IS NOT NULL THEN {money_problem("_ful", "fulfilment fee")}
        WHEN currency IS NOT NULL AND NOT regexp_full_match(currency, '[A-Z]{{3}}')
            THEN 'currency ' || {shown("currency")} || ' is not a 3-letter code such as USD'
        END""",
    # Amazon's flat files never quote: a product name such as `"Best" Mug` is written as it is.
    quote="",
    money=("_ref", "_ful"),
    repeat_key="sku",
    repeat_reason="SKU repeated on a later line (that line is used)",
)

FORMATS = (FEE_PREVIEW,)


def store(con, file_id: int) -> list[str]:
    """Replace the fees of the SKUs in _parsed with this file's; say how many earlier fees it replaced."""
    replaced = con.execute(
        "SELECT count(*) FROM sku_fees WHERE sku IN (SELECT sku FROM _parsed) AND file_id <> $f", {"f": file_id}
    ).fetchone()[0]
    con.execute("DELETE FROM sku_fees WHERE sku IN (SELECT sku FROM _parsed)")
    con.execute(
        """INSERT INTO sku_fees
        SELECT sku, referral_fee, fulfilment_fee, currency, $f, line FROM _parsed ORDER BY line""",
        {"f": file_id},
    )
    if replaced:
        return [f"{replaced:,} SKUs already had fees from an earlier file; this file's fees replace them"]
    return []
