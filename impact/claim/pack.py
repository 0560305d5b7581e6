"""The claim pack: claim.zip with statement.pdf, workbook.xlsx, affected_orders.csv, hourly.csv and manifest.json.

    path = write_pack(statement, "claim.zip", inputs=[orders, costs], affected_orders=rows)

`statement` is service.claim's dict (read through manifest.statement_view). The same statement, inputs and stamp give
a byte-identical zip: fixed stamp (generated_at, else SOURCE_DATE_EPOCH, else now, as for the HTML report), fixed
entry dates, sorted entries, reportlab's invariant mode and the workbook's created date set to the stamp. The zip is
built in a temporary file beside `out` and renamed, so a failed run leaves nothing behind.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import InputError
from ..present import check_zone, english_document, generated_instant
from .manifest import StatementView, build_manifest, input_files, sha256_bytes, statement_view
from .pdf import write_pdf
from .workbook import write_workbook

if TYPE_CHECKING:
    import pandas as pd  # only a pack being written pays for importing pandas

ORDER_COLUMNS = ["order_id", "channel", "purchased_utc", "promise_utc", "shipped_utc", "hours_late"]
HOURLY_COLUMNS = ["window", "hour_utc", "channel", "phase", "actual", "expected", "low", "high", "shortfall"]
# Columns that could carry a person: never written, whatever the evidence frame holds.
PERSONAL = ("name", "email", "e-mail", "phone", "address", "street", "city", "zip", "postal", "buyer", "recipient")


def _stamp(generated_at) -> datetime:
    return generated_instant(generated_at).astimezone(UTC).replace(microsecond=0)


def _entry(name: str, stamp: datetime) -> zipfile.ZipInfo:
    date_time = max(stamp.timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # a zip cannot date before 1980
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def exhibits(view: StatementView, inputs: list[dict]) -> list[dict]:
    """The index of exhibits: the statement's own, the input files (name + SHA-256 prefix) and every computed
    figure with its formula."""
    out = []
    for e in view.exhibits:
        source = e.get("source") or e.get("file") or ""
        if e.get("sha256"):
            source = f"{source} (SHA-256 {str(e['sha256'])[:12]})".strip()
        out.append(
            {
                "name": str(e.get("name") or e.get("label") or e.get("id") or ""),
                "figure": str(e.get("figure") or e.get("value") or ""),
                "source": str(source),
            }
        )
    for f in inputs:
        out.append(
            {
                "name": f"Input file {f['name']}",
                "figure": f"{f['bytes']:,} bytes",
                "source": f"file {f['name']}, SHA-256 {f['sha256'][:12]}",
            }
        )
    out.append(
        {
            "name": "Workings as formulas",
            "figure": "every derived figure of the workings, in the central, low and high columns",
            "source": "workbook.xlsx: Inputs (change one and the claim follows) and Policy",
        }
    )
    return out


def hourly_frame(view: StatementView) -> pd.DataFrame:
    import pandas as pd  # only a pack being written pays for importing pandas

    rows = []
    for w in view.windows:
        for r in sorted(w.hourly, key=lambda x: (str(x.get("channel")), str(x.get("hour")))):
            actual, expected = float(r.get("actual") or 0.0), float(r.get("expected") or 0.0)
            rows.append(
                [
                    w.index + 1,
                    r.get("hour"),
                    r.get("channel"),
                    r.get("phase"),
                    actual,
                    expected,
                    float(r.get("low") or 0.0),
                    float(r.get("high") or 0.0),
                    round(expected - actual, 2),
                ]
            )
    return pd.DataFrame(rows, columns=HOURLY_COLUMNS)


def orders_frame(affected_orders) -> pd.DataFrame:
    import pandas as pd  # only a pack being written pays for importing pandas

    if affected_orders is None:
        return pd.DataFrame(columns=ORDER_COLUMNS)
    keep = [c for c in affected_orders.columns if not any(p in str(c).lower() for p in PERSONAL)]
    return affected_orders[keep].reset_index(drop=True)


def pack_files(
    statement: Mapping,
    *,
    inputs: Sequence[Path | str] = (),
    hourly: list[dict] | None = None,
    affected_orders=None,
    generated_at=None,
    tz: str = "UTC",
    ingest: Mapping | None = None,
) -> tuple[dict[str, bytes], datetime]:
    """Every file of the pack by name, and the stamp."""
    from ..csvsafe import to_csv_bytes  # csvsafe imports pandas: only a pack being written loads it

    check_zone(tz)
    view = statement_view(statement)
    if hourly is not None:  # an explicit hourly series (one window) replaces the analysis' rows
        if len(view.windows) != 1:
            raise InputError("an explicit hourly series goes with a one-window statement")
        view.windows[0].hourly = list(hourly)
    stamp = _stamp(generated_at)
    hashes = input_files(inputs)
    files = {
        "statement.pdf": write_pdf(view, stamp=stamp, tz=tz, exhibits=exhibits(view, hashes), version=__version__),
        "workbook.xlsx": write_workbook(view, stamp=stamp, tz=tz),
        "affected_orders.csv": to_csv_bytes(orders_frame(affected_orders)),
        "hourly.csv": to_csv_bytes(hourly_frame(view)),
    }
    files["manifest.json"] = build_manifest(
        view, statement, inputs=hashes, files=files, version=__version__, generated_at=stamp, tz=tz, ingest=ingest
    )
    return files, stamp


@english_document
def pack_bytes(statement: Mapping, **kw) -> bytes:
    """claim.zip's bytes (the app's download); keywords as write_pack."""
    files, stamp = pack_files(statement, **kw)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in sorted(files):
            z.writestr(_entry(name, stamp), files[name])
    return buf.getvalue()


def write_pack(
    statement: Mapping,
    out: Path | str,
    *,
    inputs: Sequence[Path | str] = (),
    hourly: list[dict] | None = None,
    affected_orders: pd.DataFrame | None = None,
    generated_at=None,
    tz: str = "UTC",
    ingest: Mapping | None = None,
) -> Path:
    """Write claim.zip to `out` (through a temporary file in the same directory, renamed when complete) and return
    its path. inputs: the files the statement was computed from (hashed in the manifest); hourly: the hourly rows
    (default: the analysis'); affected_orders: the shipments evidence (service.late_orders' rows); ingest: the
    import report's JSON, whose counts the manifest keeps. `out` "-" writes the zip to standard output."""
    target = Path(out)
    if str(out) != "-" and target.is_dir():
        raise InputError(f"--out {out} is a directory; give a file name such as claim.zip")
    data = pack_bytes(
        statement,
        inputs=inputs,
        hourly=hourly,
        affected_orders=affected_orders,
        generated_at=generated_at,
        tz=tz,
        ingest=ingest,
    )
    if str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return target
    parent = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".claim-", suffix=".zip", dir=parent)
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
        raise
    return target


__all__ = ["pack_bytes", "pack_files", "sha256_bytes", "write_pack"]
