"""Which upload slot a file belongs in: order exports, product costs and fee reports, or ad spend. A file dropped in
the wrong slot gets one sentence saying where it goes (or what to export instead) rather than a column-mapping form,
and is left out, so nothing already loaded is dropped because of it.

    wrong_slot("products.csv", path, "orders")  # -> "products.csv is a product cost file: add it under ..."
"""

from __future__ import annotations

import re
from pathlib import Path

from .costs import cost_file_kind
from .errors import ImpactError
from .ingest.formats import detect
from .ingest.textfile import prepare

# Where each kind of file goes in the app's sidebar, as its labels say.
PLACES = {
    "orders": "under Your orders (Order exports)",
    "shipping": "under Your orders (Order exports), next to the orders it ships",
    "costs": "under Costs and fees (Product costs and fee reports)",
    "ads": "under Costs and fees (Advertising spend)",
}
WHAT = {
    "orders": "an order export",
    "shipping": "a shipments file",
    "costs": "a product cost or fee file",
    "ads": "an ad spend report",
}
HEAD_BYTES = 1 << 16


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


def _prose(head: bytes) -> bool:
    """Text that is not a table: its first lines carry no delimiter a header row would have, and read as sentences."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [x for x in re.split(r"\r\n|\n|\r", text)[:10] if x.strip()]
    if not lines:
        return False
    first = lines[0]
    cells = max(first.count(d) for d in ("\t", ",", ";", "|"))
    words = len(first.split())
    return cells == 0 and words >= 4 or (cells <= 1 and words >= 8 and first.rstrip().endswith((".", "!", "?", ":")))


def kind_of(path: Path | str, name: str) -> str:
    """'pdf', 'spreadsheet' (xlsx or zip), 'prose', 'orders', 'shipping', 'costs', 'ads' or 'unknown' (a table of
    no known format: the column-mapping form's case). Reads the head of the file only."""
    path = Path(path)
    head = _head(path)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "spreadsheet"
    if _prose(head):
        return "prose"
    costs = cost_file_kind(path)
    try:
        fmt = detect(prepare(path, name, header_only=True).header)
    except ImpactError:
        fmt = None
    if fmt is not None:
        return fmt.kind
    return costs or "unknown"


def wrong_slot(name: str, path: Path | str, slot: str) -> str | None:
    """One sentence when the file does not belong in `slot` ('orders', 'costs' or 'ads'), else None."""
    kind = kind_of(path, name)
    if kind == "pdf":
        return (
            f"{name} is a PDF: Outage Impact reads the report as a file of rows (CSV or tab-separated text); "
            "download that version of the report and add it here."
        )
    if kind == "spreadsheet":
        return f"{name} is an Excel workbook or a zip archive: save the sheet as CSV (File > Save as) and add that."
    if kind == "prose":
        return (
            f"{name} reads as text, not as a table: an export starts with a row of column names (such as Order ID, "
            "Date, Amount) separated by commas or tabs."
        )
    home = "orders" if kind == "shipping" else kind
    if kind in WHAT and home != slot:
        return f"{name} is {WHAT[kind]}: add it {PLACES[kind]}."
    return None


# What an unknown export's column most likely holds, by its name: the mapping form starts from these guesses.
GUESSES = {
    "order_id": r"^(order|order ?(id|#|no\.?|number|ref(erence)?)|sales ?record ?number)$",
    "purchased_at": r"^((order|purchase|sale|created)( ?(date|time|at|on))+|date( ?time)?|created)$",
    "revenue": r"^((line|item|order)? ?(total|amount)|subtotal|revenue|sales)$",
    "price": r"^((unit|item) ?price|price)$",
    "quantity": r"^(qty|quantity|units|(item|line) ?(qty|quantity))$",
    "sku": r"^((item|product|variant) ?)?sku$",
    "status": r"^((order|payment|financial) ?)?status$",
}


def guess_columns(header: list[str]) -> dict[str, str]:
    """Field -> the header's column that most likely holds it ('Order#' -> order_id, 'Qty' -> quantity), each
    column used once; fields with no likely column are left out."""
    used: set[str] = set()
    out = {}
    for field_name, pattern in GUESSES.items():
        for col in header:
            key = re.sub(r"[\s_\-]+", " ", col.strip().lower())
            if col not in used and re.match(pattern, key):
                out[field_name] = col
                used.add(col)
                break
    return out
