"""What the claim pack states and proves: the statement read once into plain figures (`statement_view`, the one
place that knows the statement's field names), the SHA-256 of files, and manifest.json.

The pack's writers (pdf.py, workbook.py) read only the view, so a change in the statement's shape is absorbed here.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..errors import InputError
from ..present import hours_between

KINDS = ("bi", "cyber", "parametric")
KIND_NAMES = {
    "bi": "Business interruption (gross profit basis)",
    "cyber": "Cyber dependent business interruption",
    "parametric": "Parametric cloud-outage cover",
}


@dataclass
class Figure:
    """One figure with its interval: central (what a claim is filed on), low and high (how firm it is)."""

    value: float
    low: float | None = None
    high: float | None = None

    @property
    def has_range(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def paired_ends(self) -> bool:
        """Ends that are not a range around the central but the ones that go with the claim's low and high (a
        recapture that is not netted lies outside them)."""
        return self.has_range and not self.low <= self.value <= self.high

    def ends_text(self, low: str, high: str) -> str:
        """The ends, already formatted, as paired_ends ones are worded wherever a statement is shown."""
        return f"at the claim's low and high: {low} and {high}"


@dataclass
class WindowFigures:
    """One outage window's inputs to the policy arithmetic and the claim the statement makes for it."""

    index: int
    title: str
    start: str
    end: str
    channels: list[str]
    hours: float
    inputs: dict[str, Figure]  # what the policy arithmetic reads (see workbook.STEPS), each with its interval
    claim: Figure
    loss: Figure  # the seller's measured loss, shown beside the claim
    hourly: list[dict] = field(default_factory=list)
    res: dict = field(default_factory=dict)  # the policy arithmetic's own dict (impact.claim.lines words it)
    revenue: dict = field(default_factory=dict)
    incident: dict | None = None  # the provider's incident record the window matched, with its public source


@dataclass
class StatementView:
    kind: str
    currency: str
    policy: dict
    windows: list[WindowFigures]
    claim: Figure
    loss: Figure
    analysis: dict
    base_period: str
    method: str
    assumptions: list[str]
    exhibits: list[dict]
    confidence: float | None
    fx: object
    base: object = None  # the statement's base period as built (impact.claim.lines words it)
    cover: dict = field(default_factory=dict)  # the cover page's particulars (insured, policy number, ...)


def _num(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def figure(source: Mapping | None, key: str, default: float | None = None) -> Figure | None:
    """source[key] as a Figure: a {"value"|"central", "low", "high"} dict, or a number with key_low/key_high."""
    source = source or {}
    raw = source.get(key)
    if isinstance(raw, Mapping):
        value = _num(raw.get("value", raw.get("central")))
        low, high = _num(raw.get("low")), _num(raw.get("high"))
    else:
        value, low, high = _num(raw), _num(source.get(f"{key}_low")), _num(source.get(f"{key}_high"))
    if value is None:
        return None if default is None else Figure(default)
    return Figure(value, low, high)


def _policy(statement: Mapping) -> dict:
    policy = dict(statement.get("policy") or {})
    kind = str(policy.get("kind") or "").strip().lower()
    if kind not in KINDS:
        raise InputError(f"a claim pack needs a policy kind of {', '.join(KINDS)}, not '{kind or 'none'}'")
    policy["kind"] = kind
    default_mode = {"bi": None, "cyber": "qualifying", "parametric": "retention"}[kind]  # part A's defaults
    policy["waiting_mode"] = str(policy.get("waiting_mode") or default_mode or "").lower() or None
    for key, default in (("waiting_hours", 0.0), ("deductible", 0.0)):
        policy[key] = _num(policy.get(key)) or default
    for key in ("limit", "hourly_sum", "indemnity_days", "continuing_expenses_per_hour"):
        policy[key] = _num(policy.get(key))
    return policy


def _result(w: Mapping, kind: str) -> Mapping:
    """The policy arithmetic's dict of one statement window (impact.claim.policy.bi/cyber/parametric's result): the
    window itself when it carries "claim", else the first nested dict that does."""
    for key in ("workings", "result", kind):
        v = w.get(key)
        if isinstance(v, Mapping) and "claim" in v:
            return v
    return w if "claim" in w else {}


def _f(res: Mapping, key: str, sub: str | None = None) -> Figure:
    src = res.get(key) if sub is None else (res.get(key) or {})
    return figure(src if sub else res, sub or key, default=0.0)  # type: ignore[arg-type]


def _same(value) -> Figure:
    v = _num(value) or 0.0
    return Figure(v, v, v)


def _ends(raw) -> Figure:
    """A {'value', 'low', 'high'} figure (or a number) with a missing end taking the central's."""
    f = figure({"x": raw}, "x", default=0.0) if isinstance(raw, Mapping) else Figure(_num(raw) or 0.0)
    return Figure(f.value, f.value if f.low is None else f.low, f.value if f.high is None else f.high)


def _inputs(kind: str, res: Mapping) -> dict[str, Figure]:
    """What workbook.STEPS reads, from the policy arithmetic's dict of the window (impact.claim.policy)."""
    if kind == "parametric":
        return {"incident_hours": _same(res.get("incident_hours"))}
    if kind == "cyber":
        return {
            "covered_hours": _same(res.get("covered_hours")),
            "covered_share": _same(res.get("covered_share_of_loss")),
            "profit_lost": _ends(res.get("profit_lost")),
            "recaptured_profit": _ends(res.get("recaptured_profit")),
            "extra_expenses": _same(res.get("extra_expenses")),
        }
    rate = res.get("rate_of_gross_profit") or {}
    icow = res.get("increased_cost_of_working") or {}
    return {
        "standard_turnover": _ends(res.get("standard_turnover")),
        "actual_turnover": _same(res.get("actual_turnover")),
        "indemnity_share": _same(res.get("indemnity_share", 1.0)),
        "gross_profit_rate": _same(rate.get("rate")),
        "recaptured_profit": _ends(res.get("recaptured_profit")),
        "icow_named": _same(icow.get("named_allowed")),
        "icow_other": _same(icow.get("other_claimed", icow.get("claimed"))),
    }


def _window(i: int, w: Mapping, aw: Mapping, kind: str) -> WindowFigures:
    """One statement window (w) beside its analysis window (aw)."""
    res = _result(w, kind)
    revenue = w.get("revenue") or aw.get("revenue") or {}
    start, end = w.get("start") or aw.get("start"), w.get("end") or aw.get("end")
    hours = _num(w.get("hours")) or (hours_between(start, end) if start and end else 0.0)
    if kind == "parametric":
        measured = res.get("measured_loss")
        loss = figure({"m": measured}, "m") if isinstance(measured, Mapping) else None
        loss = loss or figure(w, "loss") or Figure(0.0)
    else:
        loss = figure(res, "loss") or figure(w, "loss") or Figure(0.0)
    claim = figure(res, "claim") or figure(w, "claim") or Figure(0.0)
    incident = w.get("incident")
    return WindowFigures(
        index=i,
        title=str(w.get("title") or aw.get("title") or "Outage"),
        start=start,
        end=end,
        channels=list(w.get("channels") or aw.get("channels") or []),
        hours=hours,
        inputs=_inputs(kind, res),
        claim=claim,
        loss=loss,
        hourly=list(aw.get("hourly") or []),
        res=dict(res),
        revenue=dict(revenue),
        incident=dict(incident) if isinstance(incident, Mapping) else None,
    )


def _sum(figures: list[Figure]) -> Figure:
    """The windows' figures added; the bounds added too (a conservative range) when every window has one."""
    if len(figures) == 1:
        return figures[0]
    ranged = all(f.has_range for f in figures)
    return Figure(
        sum(f.value for f in figures),
        sum(f.low for f in figures) if ranged else None,
        sum(f.high for f in figures) if ranged else None,
    )


def _base_text(base) -> str:
    """The base period in words: statement.base_period is a dict (kind, note, windows) or text."""
    if not isinstance(base, Mapping):
        return str(base or "")
    parts = [str(base.get("kind") or "").capitalize(), str(base.get("note") or "")]
    for i, w in enumerate(base.get("windows") or []):
        if isinstance(w, Mapping):
            fields = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in w.items() if not isinstance(v, Mapping | list))
            parts.append(f"window {i + 1}: {fields}")
        elif isinstance(w, list | tuple):
            parts.append(f"window {i + 1}: {' to '.join(str(x) for x in w)}")
    return "; ".join(p for p in parts if p) + "."


def statement_view(statement: Mapping) -> StatementView:
    """The statement (service.claim's dict) as the pack reads it. Raises InputError for a statement without a policy
    kind or windows."""
    policy = _policy(statement)
    analysis = dict(statement.get("analysis") or {})
    a_windows = analysis.get("windows") or []
    s_windows = statement.get("windows") or []
    if not s_windows:
        raise InputError("the claim statement has no outage window")
    windows = [
        _window(i, w, a_windows[i] if i < len(a_windows) else {}, policy["kind"]) for i, w in enumerate(s_windows)
    ]
    total = statement.get("total") or {}
    claim = figure(total, "claim") or figure(total, "payout") or _sum([w.claim for w in windows])
    loss = figure(total, "loss") or figure(total, "measured_loss") or _sum([w.loss for w in windows])
    currency = str(statement.get("currency") or policy.get("currency") or analysis.get("currency") or "USD")
    base = _base_text(statement.get("base_period"))
    return StatementView(
        kind=policy["kind"],
        currency=currency,
        policy=policy,
        windows=windows,
        claim=claim,
        loss=loss,
        analysis=analysis,
        base_period=str(base),
        method=str(statement.get("method") or ""),
        assumptions=[str(a) for a in statement.get("assumptions") or []],
        exhibits=[dict(e) if isinstance(e, Mapping) else {"name": str(e)} for e in statement.get("exhibits") or []],
        confidence=_num(analysis.get("confidence")),
        fx=analysis.get("fx"),
        base=statement.get("base_period"),
        cover=dict(statement.get("cover") or {}),
    )


# ---------------------------------------------------------------------------------------------------------------
# Hashes and the manifest


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_files(inputs: Sequence[Path | str]) -> list[dict]:
    """name, bytes and SHA-256 of every input file, in the order given (a missing file is an InputError)."""
    out = []
    for p in inputs:
        if isinstance(p, tuple):  # (name, bytes): an upload the app holds in memory
            name, data = p
            out.append({"name": Path(str(name)).name, "bytes": len(data), "sha256": sha256_bytes(bytes(data))})
            continue
        path = Path(p)
        try:
            out.append({"name": path.name, "bytes": path.stat().st_size, "sha256": sha256_file(path)})
        except OSError as exc:
            raise InputError(f"cannot read input file {path.name}: {exc.strerror or exc}") from None
    return out


def _ingest_counts(ingest: Mapping | None) -> list[dict] | None:
    """Per input file of the import report: its format and line accounting (no rejected lines' text)."""
    if not ingest:
        return None
    keys = ("name", "format", "kind", "lines", "loaded", "duplicates", "skipped", "rejected")
    files = [*(ingest.get("files") or []), *((ingest.get("costs") or {}).get("files") or [])]
    return [{k: f[k] for k in keys if k in f} for f in files if isinstance(f, Mapping)]


def build_manifest(
    view: StatementView,
    statement: Mapping,
    *,
    inputs: list[dict],
    files: Mapping[str, bytes],
    version: str,
    generated_at: datetime,
    tz: str,
    ingest: Mapping | None = None,
) -> bytes:
    """manifest.json: the version, the stamp, every parameter, the rates used, the inputs' and the pack's hashes."""
    analysis = view.analysis
    parameters = {
        "policy": view.policy,
        "currency": view.currency,
        "tz": tz,
        "confidence": analysis.get("confidence"),
        "recovery_hours": analysis.get("recovery_hours"),
        "windows": [{"start": w.start, "end": w.end, "channels": w.channels, "title": w.title} for w in view.windows],
        "base_period": view.base_period,
        "method": view.method,
    }
    manifest = {
        "app": "Outage Impact",
        "version": version,
        "generated_at": generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "parameters": parameters,
        "rates": view.fx or None,
        "claim": {"value": view.claim.value, "low": view.claim.low, "high": view.claim.high},
        "inputs": inputs,
        "ingest": _ingest_counts(ingest),
        "files": [{"name": n, "bytes": len(b), "sha256": sha256_bytes(b)} for n, b in sorted(files.items())],
    }
    return (json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")
