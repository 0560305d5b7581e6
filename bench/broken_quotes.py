"""A large mapped orders CSV with quotes that never close, to measure the memory and time of their repair.

    python -m bench.broken_quotes OUT.csv [--lines 1000000] [--broken 2] [--quoted]

Writes ~210 bytes a line (1 M lines: ~210 MB, like an Amazon report) with the given number of unclosed quotes spread evenly through the
file (0: a clean file to compare with). Import it with the mapping it prints, under `/usr/bin/time -v`, and read
"Maximum resident set size". Keep the file under /tmp: it is not committed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# Columns no mapping reads, as real exports carry dozens of: lines of ~210 bytes, as in an Amazon report.
EXTRA = "Standard shipping 3-5 business days,Warehouse 7 bay 12 shelf 4," + "Happy birthday from all of us " * 3
MAPPING = "order_id=order_id,purchased_at=date,revenue=amount,sku=sku"


def write(path: Path, lines: int, broken: int, quoted: bool = False, block: int = 100_000) -> list[int]:
    """Write the file; returns the 1-based physical line numbers holding an unclosed quote."""
    at = {(k + 1) * lines // (broken + 1) for k in range(broken)}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("order_id,date,amount,sku,ship_service,warehouse,gift_message\n")
        for start in range(0, lines, block):
            rows = []
            for i in range(start, min(lines, start + block)):
                day, minute = divmod(i // 7, 1440)
                stamp = f"2025-{1 + day // 28 % 12:02d}-{1 + day % 28:02d} {minute // 60:02d}:{minute % 60:02d}:00"
                # Unquoted otherwise: the first unclosed quote runs on to the second, the worst case for the reader.
                # Quoted (as Shopify writes): every chunk has quotes, the worst case for the repair's pass.
                sku = (
                    f'"Mug {i % 997} blue'
                    if i in at
                    else (f'"Mug {i % 997} blue"' if quoted else f"Mug {i % 997} blue")
                )
                rows.append(f"ORD-{i:09d},{stamp},{10 + i % 90}.{i % 100:02d},{sku},{EXTRA}\n")
            fh.write("".join(rows))
    return sorted(i + 2 for i in at)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--broken", type=int, default=2)
    ap.add_argument("--quoted", action="store_true", help="quote every other SKU too")
    args = ap.parse_args(argv)
    where = write(args.out, args.lines, args.broken, args.quoted)
    size = args.out.stat().st_size / 1e6
    print(f"{args.out}: {args.lines:,} lines, {size:,.0f} MB, unclosed quotes on lines {where}")
    print(f"import: /usr/bin/time -v python -m impact ingest --map {MAPPING} {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
