"""A parsed file joins `lines`: one row per channel + order + line key, the newest export winning."""

from __future__ import annotations

from ..store import LINES_COLUMNS

# The columns only some exports fill, the last of `lines`; an order export with none of them is parsed without them
# (impact.ingest.loader).
SHIPPING_COLUMNS = ("shipped_at", "promised_at", "ship_precision", "carrier", "cancelled_by")


def _register_file(con, file_id: int, newest, loaded: int) -> None:
    """The file's row in import_files; ingest_files adds the report's counts once the file is done."""
    con.execute(
        "INSERT INTO import_files (file_id, newest, loaded, duplicates) VALUES ($id, $newest, $n, 0)",
        {"id": file_id, "newest": newest, "n": loaded},
    )


def _add_missing_columns(con, table: str) -> None:
    """The shipping columns a parse left out, added as NULL at the end, so that the table has the columns of `lines`
    in their order."""
    have = {name for (name,) in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()}
    if not have.intersection(SHIPPING_COLUMNS):
        for name in SHIPPING_COLUMNS:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {LINES_COLUMNS[name]}")


def merge_new_lines(con, file_id: int) -> None:
    """Add the file's lines (table _parsed, shaped like `lines`) to `lines`, one row per channel + order + line key
    bought at one time.

    The newest export wins: the one whose orders reach furthest in time, then the later import, so a re-exported
    month replaces the older copy's statuses. A ship time or promise known only to the losing copy is kept.
    Losing rows are counted as duplicates of the file they came from.
    """
    if not con.execute("SELECT EXISTS (SELECT 1 FROM lines)").fetchone()[0]:
        # Nothing to clash with: the parsed table becomes `lines` itself, without a copy.
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("DROP TABLE lines")
            con.execute("ALTER TABLE _parsed RENAME TO lines")
            _add_missing_columns(con, "lines")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        newest, n_new = con.execute("SELECT max(purchased_at), count(*) FROM lines").fetchone()
        _register_file(con, file_id, newest, n_new)
        return
    con.execute("ALTER TABLE _parsed RENAME TO _new")
    _add_missing_columns(con, "_new")
    newest = con.execute("SELECT max(purchased_at) FROM _new").fetchone()[0]
    _register_file(con, file_id, newest, 0)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _clash AS
        SELECT l.rowid AS old_rid, n.rowid AS new_rid, l.file_id AS old_file,
               (f.newest IS NULL OR ($newest IS NOT NULL AND $newest >= f.newest)) AS new_wins,
               l.shipped_at AS old_shipped, l.promised_at AS old_promised,
               n.shipped_at AS new_shipped, n.promised_at AS new_promised,
               l.ship_precision AS old_precision, n.ship_precision AS new_precision,
               l.carrier AS old_carrier, n.carrier AS new_carrier,
               l.cancelled_by AS old_cancelled_by, n.cancelled_by AS new_cancelled_by
        FROM lines l JOIN _new n USING (channel, order_id, line_key)
             JOIN import_files f ON f.file_id = l.file_id
        -- A copy of the same line was bought at the same time: two Shopify stores both number their orders from
        -- #1001, and a second store's #1001 of the same SKU, bought at another time, is another order (it replaced
        -- the first store's whole export). Re-exports keep the time; a date alone, or minutes without seconds
        -- (a file re-saved by Excel), are matched as far as they go.
        WHERE abs(epoch(n.purchased_at) - epoch(l.purchased_at))
              <= CASE WHEN l.time_precision = 'day' OR n.time_precision = 'day' THEN 86399 ELSE 120 END""",
        {"newest": newest},
    )
    if con.execute("SELECT count(*) FROM _clash").fetchone()[0]:
        # winners from the new file inherit what only the old copy knew, and vice versa
        con.execute(
            """UPDATE _new SET shipped_at = coalesce(_new.shipped_at, c.old_shipped),
                               ship_precision = CASE WHEN _new.shipped_at IS NULL THEN c.old_precision
                                                     ELSE _new.ship_precision END,
                               promised_at = coalesce(_new.promised_at, c.old_promised),
                               carrier = coalesce(_new.carrier, c.old_carrier),
                               cancelled_by = coalesce(_new.cancelled_by, c.old_cancelled_by)
               FROM _clash c WHERE _new.rowid = c.new_rid AND c.new_wins"""
        )
        con.execute(
            """UPDATE lines SET shipped_at = coalesce(lines.shipped_at, c.new_shipped),
                                ship_precision = CASE WHEN lines.shipped_at IS NULL THEN c.new_precision
                                                      ELSE lines.ship_precision END,
                                promised_at = coalesce(lines.promised_at, c.new_promised),
                                carrier = coalesce(lines.carrier, c.new_carrier),
                                cancelled_by = coalesce(lines.cancelled_by, c.new_cancelled_by)
               FROM _clash c WHERE lines.rowid = c.old_rid AND NOT c.new_wins"""
        )
        con.execute(
            """UPDATE import_files f SET duplicates = f.duplicates + k.n, loaded = f.loaded - k.n
               FROM (SELECT old_file, count(*) AS n FROM _clash WHERE new_wins GROUP BY old_file) k
               WHERE f.file_id = k.old_file"""
        )
        con.execute("DELETE FROM lines WHERE rowid IN (SELECT old_rid FROM _clash WHERE new_wins)")
        con.execute("DELETE FROM _new WHERE rowid IN (SELECT new_rid FROM _clash WHERE NOT new_wins)")
    con.execute("DROP TABLE IF EXISTS _clash")
    n_new = con.execute("SELECT count(*) FROM _new").fetchone()[0]
    con.execute("INSERT INTO lines BY NAME SELECT * FROM _new")
    con.execute("UPDATE import_files SET loaded = $n WHERE file_id = $id", {"n": n_new, "id": file_id})
