"""Where a portfolio's sellers and their files come from: a folder with one sub-folder per seller, or a manifest CSV
of `seller_id,path` rows. Discovery reads headers only; what it finds becomes one SellerJob per seller, made of file
paths (plain strings) so that any worker that sees the same file system can run it.

Every manifest line is accounted for as an import's lines are: used, skipped (blank) or rejected with its line number
and reason. A path that does not exist is not the run's failure but its seller's error row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..costs import cost_file_kind
from ..errors import ImpactError, InputError
from ..ingest.formats import detect
from ..ingest.textfile import prepare

MANIFEST_COLUMNS = ("seller_id", "path")


@dataclass(frozen=True)
class SellerJob:
    """One seller's work: its exports, cost files and ad files as paths, and problems found before any read."""

    seller_id: str
    files: tuple[str, ...] = ()
    costs: tuple[str, ...] = ()
    ads: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # a missing path: the seller's error row says so
    notes: tuple[str, ...] = ()  # files left out (not an export, a cost or an ad file): the row's warnings


@dataclass
class SourceReport:
    """What discovery found: the sellers, and every line of a manifest (or entry of a folder) accounted for."""

    kind: str  # folder | manifest
    sellers: int = 0
    lines: int = 0  # manifest data lines, or entries of the folder
    used: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> count
    rejected: list[dict] = field(default_factory=list)  # {line, reason} (manifest) or {entry, reason} (folder)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "sellers": self.sellers,
            "lines": self.lines,
            "used": self.used,
            "skipped": dict(self.skipped),
            "rejected": list(self.rejected),
        }


class OutsideRootError(InputError):
    """A path leads outside the folder the operator allowed (through `..`, an absolute path or a symlink)."""


def confine(path: Path | str, root: Path | None) -> Path:
    """The resolved path, checked to lie under root when there is one: symlinks and `..` are resolved first, so
    neither can lead out of it."""
    resolved = Path(path).resolve()
    if root is not None and not resolved.is_relative_to(Path(root).resolve()):
        raise OutsideRootError(f"{path} is outside the portfolio folder")
    return resolved


def files_under(folder: Path, root: Path | None) -> list[Path]:
    """The seller's files, sorted, hidden ones left out; a symlink leading out of the root is not followed."""
    out = []
    for p in sorted(folder.rglob("*")):
        if any(part.startswith(".") for part in p.relative_to(folder).parts):
            continue
        try:
            resolved = confine(p, root)
        except OutsideRootError:
            continue
        if resolved.is_file():
            out.append(resolved)
    return out


def classify(path: Path) -> str:
    """'export' (orders or shipping: ingest tells them apart), 'costs' or 'ads', by the header alone. A file no
    detector recognises is an export: a mapped CSV, or the import says why it cannot be read."""

    try:
        if detect(prepare(path, header_only=True).header) is not None:
            return "export"
    except ImpactError:
        return "export"
    return cost_file_kind(path) or "export"


def _job(seller_id: str, paths: list[Path], problems: list[str], cost_paths: list[Path] = ()) -> SellerJob:
    files, costs, ads, notes = [], [], [], []
    for p in paths:
        kind = classify(p)
        {"export": files, "costs": costs, "ads": ads}[kind].append(str(p))
    for p in cost_paths:
        kind = classify(p)
        if kind == "export":
            notes.append(f"{p.name} in the costs folder is not a cost or ad file and was left out")
        else:
            {"costs": costs, "ads": ads}[kind].append(str(p))
    if not files and not problems:
        problems.append("no order export was found for this seller")
    return SellerJob(seller_id, tuple(files), tuple(costs), tuple(ads), tuple(problems), tuple(notes))


def _cost_paths(costs_dir: Path | None, seller_id: str, root: Path | None, problems: list[str]) -> list[Path]:
    """The files of the seller's folder in the costs folder. A seller id that leads out of the costs folder (a
    manifest row `../../outside`) is that seller's problem, never the run's failure nor a read outside."""
    if costs_dir is None:
        return []
    folder = Path(costs_dir) / seller_id
    try:
        confine(folder, Path(costs_dir))
        confine(folder, root)
    except OutsideRootError:
        problems.append(f"the seller id {seller_id!r} leads outside the costs folder; its costs were not read")
        return []
    if not folder.is_dir():
        return []
    return files_under(folder, root)


def from_folder(source: Path, costs_dir: Path | None = None, root: Path | None = None):
    """One seller per sub-folder (its name is the seller id); files beside the sub-folders belong to nobody."""
    report = SourceReport("folder")
    jobs = []
    for entry in sorted(Path(source).iterdir()):
        if entry.name.startswith("."):
            continue
        report.lines += 1
        if not entry.is_dir():
            report.skipped["not in a seller's folder"] = report.skipped.get("not in a seller's folder", 0) + 1
            continue
        try:
            folder = confine(entry, root)
        except OutsideRootError as exc:
            report.rejected.append({"entry": entry.name, "reason": str(exc)})
            continue
        report.used += 1
        problems: list[str] = []
        costs = _cost_paths(costs_dir, entry.name, root, problems)
        jobs.append(_job(entry.name, files_under(folder, root), problems, costs))
    report.sellers = len(jobs)
    return jobs, report


def _manifest_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise InputError(f"{path.name}: the manifest is empty; it needs a header seller_id,path")
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in MANIFEST_COLUMNS if c not in header]
    if missing:
        raise InputError(f"{path.name}: the manifest needs the columns seller_id,path; missing {', '.join(missing)}")
    return header, list(enumerate(rows[1:], start=2))


def from_manifest(source: Path, costs_dir: Path | None = None, root: Path | None = None):
    """`seller_id,path` rows, paths relative to the manifest's folder (a file, or a folder of files); several rows
    per seller add up. A row without a seller id or path is rejected; a path that is missing or leads outside the
    root is its seller's error."""
    source = Path(source)
    header, rows = _manifest_rows(source)
    i_seller, i_path = header.index("seller_id"), header.index("path")
    report = SourceReport("manifest")
    paths: dict[str, list[Path]] = {}
    problems: dict[str, list[str]] = {}
    for line, row in rows:
        report.lines += 1
        if not any(c.strip() for c in row):
            report.skipped["blank line"] = report.skipped.get("blank line", 0) + 1
            continue
        seller = row[i_seller].strip() if i_seller < len(row) else ""
        rel = row[i_path].strip() if i_path < len(row) else ""
        if not seller or not rel:
            report.rejected.append({"line": line, "reason": "no seller_id" if not seller else "no path"})
            continue
        report.used += 1
        paths.setdefault(seller, [])
        problems.setdefault(seller, [])
        target = source.parent / rel
        try:
            resolved = confine(target, root)
        except OutsideRootError:
            problems[seller].append(f"manifest line {line}: {rel} is outside the portfolio folder")
            continue
        if resolved.is_dir():
            paths[seller] += files_under(resolved, root)
        elif resolved.is_file():
            paths[seller].append(resolved)
        else:
            problems[seller].append(f"manifest line {line}: {rel} does not exist")
    jobs = [
        _job(s, list(dict.fromkeys(paths[s])), problems[s], _cost_paths(costs_dir, s, root, problems[s]))
        for s in sorted(paths)
    ]
    report.sellers = len(jobs)
    return jobs, report


def discover(source: Path | str, costs_dir: Path | str | None = None, root: Path | None = None):
    """(jobs sorted by seller id, SourceReport) from a folder or a manifest CSV. With `root` (the app), the source,
    the costs folder and every file must lie under it."""
    source = Path(source)
    if root is not None:
        source = confine(source, root)
        if costs_dir is not None:
            costs_dir = confine(costs_dir, root)
    if costs_dir is not None and not Path(costs_dir).is_dir():
        raise InputError(f"--costs-dir {costs_dir} is not a folder")
    if source.is_dir():
        jobs, report = from_folder(source, Path(costs_dir) if costs_dir else None, root)
    elif source.is_file():
        jobs, report = from_manifest(source, Path(costs_dir) if costs_dir else None, root)
    else:
        raise InputError(f"{source} is neither a folder of sellers nor a manifest CSV")
    if not jobs:
        raise InputError(f"{source.name}: no seller found (one sub-folder per seller, or seller_id,path rows)")
    return sorted(jobs, key=lambda j: j.seller_id), report
