"""Files that arrive as bytes (the app's uploads): each written once to a private temporary file and imported by
the same ingest_files as the CLI, so an upload costs one sequential write more than a file on disk, never a copy
through pandas.

    result = ingest_uploads(con, [("orders.txt", data)], tz="Europe/Berlin", mappings={})
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImpactError, UnknownFormatError
from ..settings import Settings, load_settings
from . import file_kind, ingest_files
from .dates import DateOrderError


@dataclass
class UploadResult:
    errors: list[str] = field(default_factory=list)  # one message per file that could not be imported
    # files of no known format (name, header, message), and files whose dates need their order (date_order: True)
    unmapped: list[dict] = field(default_factory=list)


def ingest_uploads(
    con,
    uploads: list[tuple[str, bytes | memoryview]],
    *,
    tz: str,
    mappings: dict | None = None,
    settings: Settings | None = None,
) -> UploadResult:
    """Import uploaded files one by one, so that one unreadable file does not block the others.

    mappings: file name -> generic column mapping, for files whose header matches no known export.
    """
    mappings = mappings or {}
    # An upload's mapping belongs to its session (the app keeps it there): no store shared with other sessions is
    # read or written, so another seller's mapping of the same columns is never applied silently.
    settings = dataclasses.replace(settings or load_settings(), mappings_path=None)
    result = UploadResult()
    with tempfile.TemporaryDirectory(prefix="impact-upload-") as tmp:
        # Shipping files add to the orders, so they are imported after the order exports of the same upload.
        later: list[tuple[int, str, bytes | memoryview]] = []
        for i, (name, data) in enumerate(uploads):
            path = Path(tmp) / f"upload_{i}{Path(name).suffix[:8]}"
            path.write_bytes(data)
            # The app keeps a mapping as ((field, column), ...) pairs: hashable for its caches.
            mapping = dict(mappings[name]) if mappings.get(name) else None
            if file_kind(path, name, mapping=mapping, settings=settings) == "shipping":
                later.append((i, name, data))
                path.unlink(missing_ok=True)
                continue
            _import_one(con, path, name, mappings, result, tz=tz, settings=settings)
        for i, name, data in later:
            path = Path(tmp) / f"upload_{i}{Path(name).suffix[:8]}"
            path.write_bytes(data)
            _import_one(con, path, name, mappings, result, tz=tz, settings=settings)
    return result


def _import_one(con, path: Path, name: str, mappings: dict, result: UploadResult, *, tz: str, settings) -> None:
    """One upload, written to `path` (a name never taken from the upload: no path tricks; the real name is passed
    for reports); its error, if any, goes to `result`."""
    mapping = mappings.get(name)
    try:
        ingest_files(con, [path], tz=tz, names=[name], mapping=dict(mapping) if mapping else None, settings=settings)
    except UnknownFormatError as exc:
        result.unmapped.append({"name": name, "header": exc.header, "message": str(exc)})
    except DateOrderError as exc:
        # Its dates read both ways: the seller says which (the mapping form's date order, alone).
        result.unmapped.append({"name": name, "header": [], "message": str(exc), "date_order": True})
    except ImpactError as exc:
        result.errors.append(f"{name}: {exc}" if name not in str(exc) else str(exc))
    finally:
        # Free the disk (and page cache) of a large upload before the next one is written.
        path.unlink(missing_ok=True)
