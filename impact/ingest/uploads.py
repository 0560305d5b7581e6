"""Files that arrive as bytes (the app's uploads): each written once to a private temporary file and imported by
the same ingest_files as the CLI, so an upload costs one sequential write more than a file on disk, never a copy
through pandas. The copy goes to memory (/dev/shm) when there is ample room there: writing 534 MB to a disk-backed
temporary directory took 0.1–0.6 s here depending on the kernel's write-back, to /dev/shm a steady ~0.17 s.

    result = ingest_uploads(con, [("orders.txt", data)], tz="Europe/Berlin", mappings={})
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImpactError, UnknownFormatError
from ..settings import Settings
from . import ingest_files


@dataclass
class UploadResult:
    errors: list[str] = field(default_factory=list)  # one message per file that could not be imported
    unmapped: list[dict] = field(default_factory=list)  # files of no known format: name, header, message


def ingest_uploads(con, uploads: list[tuple[str, bytes | memoryview]], *, tz: str, mappings: dict | None = None,
                   settings: Settings | None = None) -> UploadResult:
    """Import uploaded files one by one, so that one unreadable file does not block the others.

    mappings: file name -> generic column mapping, for files whose header matches no known export.
    """
    mappings = mappings or {}
    result = UploadResult()
    largest = max((len(data) for _, data in uploads), default=0)
    with tempfile.TemporaryDirectory(prefix="impact-upload-", dir=_memory_dir(largest)) as tmp, \
            tempfile.TemporaryDirectory(prefix="impact-upload-") as disk_tmp:
        for i, (name, data) in enumerate(uploads):
            # The temp name never comes from the upload (no path tricks); the real name is passed for reports.
            path = Path(tmp) / f"upload_{i}{Path(name).suffix[:8]}"
            try:
                path.write_bytes(data)
            except OSError:
                # /dev/shm filled up meanwhile (other sessions): the ordinary temporary directory then
                path.unlink(missing_ok=True)
                path = Path(disk_tmp) / path.name
                path.write_bytes(data)
            mapping = mappings.get(name)
            try:
                ingest_files(con, [path], tz=tz, names=[name], mapping=dict(mapping) if mapping else None,
                             settings=settings)
            except UnknownFormatError as exc:
                result.unmapped.append({"name": name, "header": exc.header, "message": str(exc)})
            except ImpactError as exc:
                result.errors.append(f"{name}: {exc}" if name not in str(exc) else str(exc))
            finally:
                # Free the disk (and page cache) of a large upload before the next one is written.
                path.unlink(missing_ok=True)
    return result


def _memory_dir(size: int, root: str = "/dev/shm") -> str | None:
    """/dev/shm when it can hold the upload with room to spare (containers often give it only 64 MB), else None:
    the system's temporary directory."""
    try:
        st = os.statvfs(root)
    except OSError:
        return None
    free = st.f_bavail * st.f_frsize
    return root if os.access(root, os.W_OK) and free >= 2 * size + (256 << 20) else None
