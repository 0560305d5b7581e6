"""The extra-expenses ledger the seller fills for a claim: one row per cost the outage caused (overtime, a backup
checkout, expedited shipping...), with the receipt an adjuster will ask for.

    date,description,amount,receipt[,shortfall_avoided]
    2025-10-20,Overtime to re-key orders,240.00,INV-1182,

Every line is accounted for (lines = loaded + blank + rejected, rejects with their line number and reason), as the
order imports are; a ledger with any rejected row is refused as a whole (`check`), since a claim built on part of
the seller's costs would be wrong without saying so.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import InputError

TEMPLATE = "date,description,amount,receipt,shortfall_avoided\n"
REQUIRED = ("date", "description", "amount", "receipt")
ALIASES = {
    "receipt": ("receipt", "receipt_reference", "receipt reference", "receipt_ref", "reference"),
    "shortfall_avoided": ("shortfall_avoided", "shortfall avoided", "turnover_saved", "turnover saved"),
}
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass(frozen=True)
class Expense:
    line: int
    date: date
    description: str
    amount: Decimal
    receipt: str
    shortfall_avoided: Decimal | None = None

    def to_json(self) -> dict:
        return {
            "line": self.line,
            "date": self.date.isoformat(),
            "description": self.description,
            "amount": float(self.amount),
            "receipt": self.receipt,
            "shortfall_avoided": None if self.shortfall_avoided is None else float(self.shortfall_avoided),
        }


@dataclass
class Ledger:
    name: str
    lines: int = 0  # data lines after the header
    blank: int = 0
    rows: list[Expense] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal("0.00"))

    def check(self) -> Ledger:
        """The ledger itself, or one InputError listing every rejected line (the claim is not built on part of it)."""
        if self.rejected:
            shown = "; ".join(f"line {n}: {why}" for n, why in self.rejected[:5])
            more = f" (and {len(self.rejected) - 5} more)" if len(self.rejected) > 5 else ""
            raise InputError(
                f"{self.name}: {len(self.rejected)} of {self.lines} expense rows rejected, nothing was claimed: "
                f"{shown}{more}"
            )
        return self

    def to_json(self) -> dict:
        return {
            "file": self.name,
            "lines": self.lines,
            "loaded": len(self.rows),
            "blank": self.blank,
            "rejected": [{"line": n, "reason": why} for n, why in self.rejected],
            "total": float(self.total),
            "rows": [r.to_json() for r in self.rows],
        }


def parse_amount(text: str) -> Decimal:
    """'1,234.50', '$240', '240.00' -> Decimal; ValueError with the reason otherwise."""
    raw = text.strip().lstrip("$€£").strip()
    if THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"amount '{text.strip()}' is not a number") from None
    if not value.is_finite():
        raise ValueError(f"amount '{text.strip()}' is not a number")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"amount '{text.strip()}' has more than two decimals")
    return value.quantize(Decimal("0.01"))


def _column(header: list[str], name: str) -> int | None:
    names = [h.strip().lower() for h in header]
    for alias in ALIASES.get(name, (name,)):
        if alias in names:
            return names.index(alias)
    return None


def read_ledger(text: str, name: str = "extra expenses") -> Ledger:
    """Parse a ledger's text: every data line loaded, blank or rejected with its line number and reason."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(c.strip() for c in rows[0]):
        raise InputError(f"{name}: the extra-expenses file is empty; it needs the header {TEMPLATE.strip()}")
    header = rows[0]
    cols = {k: _column(header, k) for k in (*REQUIRED, "shortfall_avoided")}
    missing = [k for k in REQUIRED if cols[k] is None]
    if missing:
        raise InputError(
            f"{name}: the extra-expenses file has no {', '.join(missing)} column; its header must be "
            f"{TEMPLATE.strip()} (shortfall_avoided optional)"
        )
    ledger = Ledger(name=name)
    for n, row in enumerate(rows[1:], start=2):
        ledger.lines += 1
        if not any(c.strip() for c in row):
            ledger.blank += 1
            continue

        def cell(key: str, row=row) -> str:
            i = cols[key]
            return row[i].strip() if i is not None and i < len(row) else ""

        try:
            if len(row) > len(header):
                raise ValueError(f"{len(row)} fields where the header has {len(header)}")
            try:
                day = date.fromisoformat(cell("date"))
            except ValueError:
                raise ValueError(f"date '{cell('date')}' is not a date like 2025-10-20") from None
            if not cell("description"):
                raise ValueError("no description")
            amount = parse_amount(cell("amount"))
            if amount <= 0:
                raise ValueError(f"amount {cell('amount')} is not above 0 (a refund is not an extra expense)")
            if not cell("receipt"):
                raise ValueError("no receipt reference (an adjuster asks for the receipt of every expense)")
            avoided = parse_amount(cell("shortfall_avoided")) if cell("shortfall_avoided") else None
            if avoided is not None and avoided < 0:
                raise ValueError(f"shortfall_avoided {cell('shortfall_avoided')} is below 0")
        except ValueError as exc:
            ledger.rejected.append((n, str(exc)))
            continue
        ledger.rows.append(Expense(n, day, cell("description"), amount, cell("receipt"), avoided))
    return ledger


def load_ledger(path: str | Path) -> Ledger:
    """Read a ledger file (UTF-8 with or without BOM, or Windows-1252); InputError when it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the extra-expenses file {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return read_ledger(text, path.name)
