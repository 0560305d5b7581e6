"""Cost inputs for profit: unit costs per SKU, Amazon's per-unit fees and advertising spend, read from the files
sellers already have, every line loaded, skipped for a stated reason or rejected with its line number.

    load_costs(con, costs=[path, (display_name, path)], ads=[path, "shopify=path", (channel, path), AdsFile])

Product-cost and FBA fee files are both `costs` (told apart by their header). A cost file no format recognises is
read through `mapping` ({"sku": "Item code", "unit_cost": "Cost", ...}) when one is given. Loading again appends.
Tables: product_costs (one cost per SKU and day, see product_costs), sku_fees (one row per SKU), ad_spend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..errors import InputError
from ..settings import Settings, load_settings
from . import ads, fba_fees, product_costs
from .ads import AdsFile, ads_file, default_ad_channel
from .reader import HEAD_LINES, CostFileReport, Located, _lines_of, _sniff, drop_temp, read

__all__ = [
    "AdsFile",
    "CostFileReport",
    "CostReport",
    "ads_file",
    "default_ad_channel",
    "cost_file_kind",
    "ensure_cost_tables",
    "load_costs",
]

COST_FILES_TABLE = (
    "CREATE TABLE IF NOT EXISTS cost_files (file_id INTEGER, name VARCHAR, kind VARCHAR, format VARCHAR);"
)


@dataclass
class CostReport:
    files: list[CostFileReport] = field(default_factory=list)
    unknown_skus: list[str] = field(default_factory=list)  # cost SKUs no order line has
    currencies: list[str] = field(default_factory=list)  # named in the cost and ad files, sorted

    def to_json(self) -> dict:
        return {
            "files": [f.to_json() for f in self.files],
            "unknown_skus": list(self.unknown_skus),
            "currencies": list(self.currencies),
        }


def ensure_cost_tables(con) -> None:
    """Create the cost tables if they are missing, so the profit engine can query them before any file is loaded."""
    con.execute(product_costs.TABLES + fba_fees.TABLES + ads.TABLES + COST_FILES_TABLE)


def cost_file_kind(path) -> str | None:
    """'costs' (product costs, FBA fees) or 'ads' when one of a file's first lines is such a file's header, else None:
    how a folder of a seller's files is sorted without being told which file is which. Reads the head only."""

    try:
        lines = _lines_of(Path(path), HEAD_LINES)
    except OSError:
        return None
    for line in lines:
        if not line.strip(" \t,;"):
            continue
        header = _sniff(line)[1]
        if any(f.matches(header) for f in fba_fees.FORMATS + product_costs.FORMATS):
            return "costs"
        # An ad report exported without its day is still an ad report: the ads reader names the setting to change.
        if any(f.matches(header) or (f.near_miss and f.near_miss(header)) for f in ads.FORMATS):
            return "ads"
    return None


def _named(item) -> tuple[str, Path]:
    if isinstance(item, tuple):
        name, path = item
        return str(name), Path(path)
    return Path(item).name, Path(item)


def _table_has_rows(con, table: str) -> bool:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = $t AND NOT temporary", {"t": table}
    ).fetchone()[0]
    return bool(exists) and con.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]


def _order_channels(con) -> list[str]:
    if not _table_has_rows(con, "lines"):
        return []
    return [r[0] for r in con.execute("SELECT DISTINCT channel FROM lines WHERE channel IS NOT NULL").fetchall()]


class _Loader:
    def __init__(self, con, mapping: dict | None, order_channels: Sequence[str], max_rejects: int):
        self.con = con
        self.max_rejects = max_rejects
        self.fallback = product_costs.mapped_format(mapping) if mapping else None
        self.order_channels = list(order_channels) or _order_channels(con)
        self.names = dict(con.execute("SELECT file_id, name FROM cost_files").fetchall())
        self.file_ids: list[int] = []

    def _next_id(self, name: str) -> int:
        file_id = max(self.names, default=0) + 1
        self.names[file_id] = name
        self.file_ids.append(file_id)
        return file_id

    def _register(self, file_id: int, report: CostFileReport) -> None:
        self.con.execute(
            "INSERT INTO cost_files VALUES ($f, $n, $k, $fmt)",
            {"f": file_id, "n": report.name, "k": report.kind, "fmt": report.format},
        )

    def cost_file(self, item) -> CostFileReport:
        name, path = _named(item)
        try:
            parsed = read(
                self.con,
                path,
                name,
                kind_label="cost file (Shopify products export, sku,unit_cost CSV or Amazon FBA fee preview)",
                formats=fba_fees.FORMATS + product_costs.FORMATS,
                fallback=self.fallback,
                max_rejects=self.max_rejects,
            )
            file_id = self._next_id(name)
            report = parsed.report
            if report.kind == fba_fees.KIND:
                report.warnings += fba_fees.store(self.con, file_id)
            else:
                report.warnings += product_costs.store(self.con, file_id, self.names)
            self._register(file_id, report)
            return report
        finally:
            drop_temp(self.con)

    def ads_file(self, item) -> CostFileReport:
        spec = ads_file(item)
        name = spec.name or spec.path.name
        channel = spec.channel
        context = {"channel": channel}

        def check(located: Located) -> None:
            fmt = located.fmt.name
            if fmt == ads.AMAZON.name and channel not in (None, "amazon"):
                raise InputError(
                    f"{name}: Amazon Ads spend sells on Amazon; it cannot be counted for {channel}: "
                    "give the file without a channel"
                )
            if fmt in ads.NEEDS_STORE and channel is None:
                # Only these reports need the store: a generic file names its channels itself.
                context["channel"] = default_ad_channel(self.order_channels)

        try:
            parsed = read(
                self.con,
                spec.path,
                name,
                kind_label="ad report (Amazon Ads, Google Ads, Meta Ads Manager or date,channel,spend CSV)",
                formats=ads.FORMATS,
                context=context,
                check=check,
                max_rejects=self.max_rejects,
            )
            file_id = self._next_id(name)
            report = parsed.report
            report.warnings += ads.store(self.con, file_id, parsed.located.fmt.name, name)
            self._register(file_id, report)
            return report
        finally:
            drop_temp(self.con)

    def unknown_skus(self) -> list[str]:
        if not self.file_ids or not _table_has_rows(self.con, "lines"):
            return []
        return [
            r[0]
            for r in self.con.execute(
                # The semi join hashes the few cost SKUs and streams the orders past them; NOT EXISTS hashed
                # every order line instead.
                """WITH c AS (SELECT DISTINCT sku FROM (
                        SELECT sku, file_id FROM product_cost_entries UNION ALL SELECT sku, file_id FROM sku_fees)
                        WHERE list_contains($ids, file_id))
                SELECT sku FROM (SELECT sku FROM c EXCEPT SELECT DISTINCT l.sku FROM lines l SEMI JOIN c USING (sku))
                ORDER BY sku""",
                {"ids": self.file_ids},
            ).fetchall()
        ]

    def currencies(self) -> list[str]:
        if not self.file_ids:
            return []
        return [
            r[0]
            for r in self.con.execute(
                """SELECT DISTINCT currency FROM (
                    SELECT currency, file_id FROM product_cost_entries UNION ALL
                    SELECT currency, file_id FROM sku_fees UNION ALL SELECT currency, file_id FROM ad_spend)
                WHERE currency IS NOT NULL AND list_contains($ids, file_id) ORDER BY currency""",
                {"ids": self.file_ids},
            ).fetchall()
        ]


def load_costs(
    con,
    costs: Sequence = (),
    ads: Sequence = (),
    *,
    mapping: dict | None = None,
    order_channels: Sequence[str] = (),
    settings: Settings | None = None,
) -> CostReport:
    """Load product-cost, FBA fee and ad files into product_costs, sku_fees and ad_spend; all or nothing.

    order_channels: the channels of the orders, for the default channel of Google and Meta ads (read from `lines`
    when not given); settings: the session's (Settings.max_rejects_listed). Raises InputError (UnknownFormatError, NoOrdersError, MappingError...) naming the file.
    """
    ensure_cost_tables(con)
    con.execute("BEGIN TRANSACTION")
    try:
        loader = _Loader(con, mapping, order_channels, (settings or load_settings()).max_rejects_listed)
        files = [loader.cost_file(item) for item in costs]
        files += [loader.ads_file(item) for item in ads]
        report = CostReport(files, loader.unknown_skus(), loader.currencies())
        con.execute("COMMIT")
        return report
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise
