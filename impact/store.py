"""DuckDB connections and the schema of the canonical order history.

Uploads live in a per-session in-memory database; shares and saved views live in the persistent file
named by Settings.db_path (IMPACT_DB).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .settings import Settings, load_settings

# The canonical line-item table: one row per order line, whatever export it came from.
# All timestamps are naive TIMESTAMPs holding UTC.
LINES_COLUMNS: dict[str, str] = {
    # The file's name and format are in import_files (joined on file_id): a per-row copy cost ~10% of the import.
    "channel": "VARCHAR",  # amazon, shopify, ebay, etsy, woocommerce, walmart, other
    "marketplace": "VARCHAR",  # e.g. Amazon.de; the channel name when the file has none
    "order_id": "VARCHAR",
    "line_key": "VARCHAR",  # identifies the line within the order; with channel + order_id it is the dedupe key
    "purchased_at": "TIMESTAMP",  # UTC
    "time_precision": "VARCHAR",  # 'second' or 'day' (date-only exports such as Etsy)
    "sku": "VARCHAR",
    "product_name": "VARCHAR",
    "quantity": "DOUBLE",
    # Merchandise value of the line: unit price x quantity, no tax or shipping. Exact: DOUBLE sums differ in their
    # last digits with the order parallel threads add rows in; four places hold any currency's minor unit.
    "revenue": "DECIMAL(18,4)",
    "currency": "VARCHAR",  # ISO 4217 code
    "status": "VARCHAR",  # completed, pending, cancelled, refunded
    "fulfilment": "VARCHAR",  # e.g. Amazon (FBA), Merchant
    "ship_country": "VARCHAR",
    "file_id": "INTEGER",  # which import it came from (import_files.file_id)
    # The shipping columns come last: an export without any of them is parsed without them, and they are added at
    # the end of the table once it is read (impact.ingest.merge.SHIPPING_COLUMNS).
    "shipped_at": "TIMESTAMP",  # UTC, NULL while unshipped
    "promised_at": "TIMESTAMP",  # UTC ship-by promise where the file has one
    # 'second' or 'day' (a ship date without a time of day: lateness is then counted in days, never hours)
    "ship_precision": "VARCHAR",
    "carrier": "VARCHAR",  # from a shipping file (ShipStation...) or the export's own carrier column
    # 'buyer' where the export says the buyer asked for the cancellation (Amazon's cancellation rate leaves those
    # out), 'seller' where it says the seller cancelled, NULL when it does not say
    "cancelled_by": "VARCHAR",
    # No per-row source line: rejected and skipped lines are reported with their numbers; numbering every loaded
    # line cost a bulk UPDATE that took a fifth of a large import.
}

STATUSES = ("completed", "pending", "cancelled", "refunded")
CHANNELS = ("amazon", "shopify", "ebay", "etsy", "woocommerce", "walmart", "other")


def _columns_ddl(columns: dict[str, str]) -> str:
    return ", ".join(f"{name} {kind}" for name, kind in columns.items())


SCHEMA = f"""
CREATE TABLE IF NOT EXISTS lines ({_columns_ddl(LINES_COLUMNS)});
CREATE TABLE IF NOT EXISTS import_files (
    file_id INTEGER PRIMARY KEY, name VARCHAR, format VARCHAR, format_label VARCHAR, encoding VARCHAR,
    lines BIGINT, loaded BIGINT, duplicates BIGINT, skipped BIGINT, rejected BIGINT,
    skipped_reasons JSON, newest TIMESTAMP, imported_at TIMESTAMP, notes JSON
);
CREATE TABLE IF NOT EXISTS import_rejects (file_id INTEGER, line BIGINT, reason VARCHAR);
-- Orders per file, UTC hour and the UTC offset their timestamps carried (NULL: none): what impact.zone reads the
-- seller's time zone from.
CREATE TABLE IF NOT EXISTS import_zone (file_id INTEGER, hour TIMESTAMP, utc_offset_min SMALLINT, n BIGINT);
"""


def configure(con: duckdb.DuckDBPyConnection, settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    settings = settings or load_settings()
    con.execute("SET TimeZone = 'UTC'")
    # A progress bar on stdout would corrupt --json output and the app's logs.
    con.execute("SET enable_progress_bar = false")
    if settings.duckdb_threads:
        con.execute(f"SET threads = {int(settings.duckdb_threads)}")
    if settings.duckdb_memory_limit:
        con.execute("SET memory_limit = ?", [settings.duckdb_memory_limit])
    return con


def session_db(settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    """A private in-memory database for one browser session or one CLI run, with the order schema."""
    con = configure(duckdb.connect(":memory:"), settings)
    con.execute(SCHEMA)
    return con


def persistent_db(path: Path | str | None = None, settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    """The persistent database file (shares, saved views)."""
    settings = settings or load_settings()
    path = Path(path or settings.db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return configure(duckdb.connect(str(path)), settings)
