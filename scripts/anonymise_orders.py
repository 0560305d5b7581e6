"""Replace buyers' names, e-mails, phones and street addresses in a real order export by placeholders of the same shape.

Every letter of such a value becomes x (X when upper case), every digit 0; spaces, punctuation, quotes, delimiters
and line ends stay where they were, so the file keeps its exact layout (byte lengths of ASCII text, quoting, line
ends, BOM, footers) and only the buyers are gone: `Jane Doe` -> `Xxxx Xxx`, `jane@mail.com` -> `xxxx@xxxx.xxx`,
`(614) 571-5555` -> `(000) 000-0000`. Deterministic: the same file gives the same bytes.

    python scripts/anonymise_orders.py SOURCE [--out DEST] [--rows START:STOP [--keep-tail K]]

--rows START:STOP keeps the header and those records only (a part of a large export; whole records, so values that
span lines stay whole); --keep-tail K keeps the file's last K lines as well (an eBay footer).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Columns that hold a buyer's name, e-mail, phone or street address, in any known export (compared lower-case).
PERSONAL = frozenset(
    c.lower()
    for c in (
        # Shopify
        "Email",
        "Billing Name",
        "Billing Street",
        "Billing Address1",
        "Billing Address2",
        "Billing Company",
        "Billing Phone",
        "Shipping Name",
        "Shipping Street",
        "Shipping Address1",
        "Shipping Address2",
        "Shipping Company",
        "Shipping Phone",
        "Phone",
        "Notes",
        "Note Attributes",
        # Etsy
        "Buyer",
        "Ship Name",
        "Ship Address1",
        "Ship Address2",
        "Buyer User ID",
        "Full Name",
        "First Name",
        "Last Name",
        "Street 1",
        "Street 2",
        # eBay (Seller Hub and the old sales history)
        "User Id",
        "Buyer Username",
        "Buyer Name",
        "Buyer Fullname",
        "Buyer Email",
        "Buyer Phone Number",
        "Buyer Address 1",
        "Buyer Address 2",
        "Buyer Note",
        "Ship To Name",
        "Ship To Phone",
        "Ship To Address 1",
        "Ship To Address 2",
        # Amazon
        "buyer-email",
        "buyer-name",
        "buyer-phone-number",
        "recipient-name",
        "ship-address-1",
        "ship-address-2",
        "ship-address-3",
        "ship-phone-number",
        "bill-address-1",
        "bill-address-2",
        "bill-address-3",
        # WooCommerce
        "Customer",
    )
)


def mask(text: str) -> str:
    """Letters to x/X, digits to 0, everything else as it is."""
    out = []
    for ch in text:
        if ch.isdigit():
            out.append("0")
        elif ch.isalpha():
            out.append("X" if ch.isupper() else "x")
        else:
            out.append(ch)
    return "".join(out)


def records(text: str, delim: str, quote: str = '"'):
    """(start, end) spans of every field, record by record: [[(s, e), ...], ...]. Quoted fields may span lines."""
    rows, row, i, n = [], [], 0, len(text)
    start, quoted = 0, False
    while i <= n:
        ch = text[i] if i < n else "\n"
        if quoted:
            if ch == quote and i + 1 < n and text[i + 1] == quote:
                i += 2
                continue
            if ch == quote:
                quoted = False
        elif ch == quote and quote:
            quoted = True
        elif ch == delim:
            row.append((start, i))
            start = i + 1
        elif ch in "\r\n":
            row.append((start, i))
            rows.append(row)
            row = []
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            start = i + 1
            if i >= n - 1:
                break
        i += 1
    return rows


def _dialect(text: str) -> tuple[str, str]:
    """(delimiter, quote): tab-separated exports (Amazon) never quote."""
    sample = "\n".join(text.lstrip("\ufeff").split("\n", 3)[:3])
    delim = "\t" if sample.count("\t") > sample.count(",") else ","
    return delim, "" if delim == "\t" else '"'


def _header_index(text: str, rows: list) -> int:
    """The header record: the first that names a personal column, else (an export already stripped of them) the
    first with three named columns."""
    for i, r in enumerate(rows):
        if any(text[s:e].strip().strip('"\ufeff').lower() in PERSONAL for s, e in r):
            return i
    return next(i for i, r in enumerate(rows) if sum(any(ch.isalpha() for ch in text[s:e]) for s, e in r) >= 3)


def anonymise(text: str) -> str:
    """The export with every personal value masked."""
    rows = records(text, *_dialect(text))
    header_at = _header_index(text, rows)
    names = [text[s:e].strip().strip('"').strip("\ufeff").lower() for s, e in rows[header_at]]
    personal = [i for i, name in enumerate(names) if name in PERSONAL]
    chars = list(text)
    for r in rows[header_at + 1 :]:
        line = text[r[0][0] : r[-1][1]]
        if "record(s) downloaded" in line or line.lstrip().startswith("Seller ID"):
            continue  # an eBay footer, not a buyer
        for i in personal:
            if i < len(r):
                s, e = r[i]
                chars[s:e] = list(mask(text[s:e]))
    return "".join(chars)


def cut(text: str, start: int, stop: int, keep_tail: int) -> str:
    """The lines up to the header, records start..stop-1 after it (whole records, multi-line values included), then
    the file's last `keep_tail` lines (an eBay footer)."""
    delim, quote = _dialect(text)
    rows = records(text, delim, quote)
    header_at = _header_index(text, rows)
    data = rows[header_at + 1 :]

    def offset(j: int) -> int:
        return data[j][0][0] if j < len(data) else len(text)

    tail = "".join(text.splitlines(keepends=True)[-keep_tail:]) if keep_tail else ""
    return text[: offset(0)] + text[offset(start) : offset(stop)] + tail


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("source")
    p.add_argument("--out", default=None)
    p.add_argument(
        "--rows", default=None, metavar="START:STOP", help="keep only these records (0-based, STOP excluded)"
    )
    p.add_argument("--keep-tail", type=int, default=0)
    p.add_argument("--encoding", default="utf-8")
    a = p.parse_args(argv)
    raw = Path(a.source).read_bytes()
    text = raw.decode(a.encoding)
    if a.rows:
        start, stop = (int(x) for x in a.rows.split(":"))
        text = cut(text, start, stop, a.keep_tail)
    out = anonymise(text).encode(a.encoding)
    if a.out:
        Path(a.out).write_bytes(out)
    else:
        sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
