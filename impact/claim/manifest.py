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
    workings: list[tuple[str, object]] = field(default_factory=list)  # the statement's own lines, for the PDF
    hourly: list[dict] = field(default_factory=list)


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


def _first(*figures: Figure | None, default: float = 0.0) -> Figure:
    for f in figures:
        if f is not None:
            return f
    return Figure(default)


def _policy(statement: Mapping) -> dict:
    policy = dict(statement.get("policy") or {})
    kind = str(policy.get("kind") or "").strip().lower()
    if kind not in KINDS:
        raise InputError(f"a claim pack needs a policy kind of {', '.join(KINDS)}, not '{kind or 'none'}'")
    policy["kind"] = kind
    policy["waiting_mode"] = str(policy.get("waiting_mode") or "qualifying").lower()
    for key, default in (("waiting_hours", 0.0), ("deductible", 0.0)):
        policy[key] = _num(policy.get(key)) or default
    for key in ("limit", "hourly_sum", "indemnity_days"):
        policy[key] = _num(policy.get(key))
    return policy


def _standard(rev: Mapping) -> Figure | None:
    """The analysis' expected revenue as standard turnover, its interval that of the loss (actual + lost bounds)."""
    expected, actual = _num(rev.get("expected")), _num(rev.get("actual"))
    if expected is None:
        return None
    low, high = _num(rev.get("lost_low")), _num(rev.get("lost_high"))
    if actual is None or low is None or high is None:
        return Figure(expected)
    return Figure(expected, actual + low, actual + high)


def _window(i: int, w: Mapping, aw: Mapping, kind: str) -> WindowFigures:
    """One statement window (w) beside its analysis window (aw): the arithmetic's inputs, statement first."""
    rev, profit = aw.get("revenue") or {}, aw.get("profit") or {}
    start, end = w.get("start") or aw.get("start"), w.get("end") or aw.get("end")
    hours = _num(w.get("hours")) or (hours_between(start, end) if start and end else 0.0)
    revenue_lost = _first(figure(w, "revenue_lost"), figure(rev, "lost"))
    profit_net = _first(figure(w, "profit_lost"), figure(profit, "net_lost"), figure(rev, "net_lost"))
    inputs = {
        "hours": Figure(hours),
        "revenue_lost": revenue_lost,
        "recaptured": _first(figure(w, "recaptured"), figure(rev, "recaptured")),
        "profit_lost": profit_net,
        "continuing_expenses": _first(figure(w, "continuing_expenses")),
        "standard_turnover": _first(figure(w, "standard_turnover"), _standard(rev)),
        "actual_turnover": _first(figure(w, "actual_turnover"), figure(rev, "actual")),
        "gross_profit_rate": _first(
            figure(w, "gross_profit_rate"),
            Figure(_num(profit.get("margin_pct")) / 100) if _num(profit.get("margin_pct")) is not None else None,
            default=1.0,
        ),
        "extra_expenses": _first(figure(w, "extra_expenses")),
        "savings": _first(figure(w, "savings")),
    }
    if kind == "parametric":
        loss = _first(figure(w, "loss"), profit_net)
    elif kind == "bi":
        loss = _first(figure(w, "loss"), revenue_lost)
    else:
        loss = _first(figure(w, "loss"), profit_net)
    claim = _first(figure(w, "claim"), figure(w, "payout"))
    workings = [(str(k), v) for k, v in (w.get("workings") or {}).items()] if isinstance(w.get("workings"), Mapping) \
        else [(str(r.get("label")), r.get("value")) for r in (w.get("workings") or []) if isinstance(r, Mapping)]  # fmt: skip
    return WindowFigures(
        index=i, title=str(w.get("title") or aw.get("title") or "Outage"), start=start, end=end,
        channels=list(w.get("channels") or aw.get("channels") or []), hours=hours, inputs=inputs, claim=claim,
        loss=loss, workings=workings, hourly=list(aw.get("hourly") or []),
    )  # fmt: skip


def _sum(figures: list[Figure]) -> Figure:
    """The windows' figures added; the bounds added too (a conservative range) when every window has one."""
    if len(figures) == 1:
        return figures[0]
    ranged = all(f.has_range for f in figures)
    return Figure(sum(f.value for f in figures), sum(f.low for f in figures) if ranged else None,
                  sum(f.high for f in figures) if ranged else None)  # fmt: skip


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
    loss = figure(total, "loss") or _sum([w.loss for w in windows])
    currency = str(policy.get("currency") or total.get("currency") or analysis.get("currency") or "USD")
    base = statement.get("base_period") or ""
    if isinstance(base, Mapping):
        base = "; ".join(f"{k}: {v}" for k, v in base.items())
    return StatementView(
        kind=policy["kind"], currency=currency, policy=policy, windows=windows, claim=claim, loss=loss,
        analysis=analysis, base_period=str(base), method=str(statement.get("method") or ""),
        assumptions=[str(a) for a in statement.get("assumptions") or []],
        exhibits=[dict(e) if isinstance(e, Mapping) else {"name": str(e)} for e in statement.get("exhibits") or []],
        confidence=_num(analysis.get("confidence")), fx=analysis.get("fx"),
    )  # fmt: skip


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
        path = Path(p)
        try:
            out.append({"name": path.name, "bytes": path.stat().st_size, "sha256": sha256_file(path)})
        except OSError as exc:
            raise InputError(f"cannot read input file {path.name}: {exc.strerror or exc}") from None
    return out


def build_manifest(view: StatementView, statement: Mapping, *, inputs: list[dict], files: Mapping[str, bytes],
                   version: str, generated_at: datetime, tz: str) -> bytes:  # fmt: skip
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
        "files": [{"name": n, "bytes": len(b), "sha256": sha256_bytes(b)} for n, b in sorted(files.items())],
    }
    return (json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")
