"""The analysis JSON one window at a time, as the app, the HTML report and a share link show it, and back."""

from __future__ import annotations

from collections.abc import Mapping

from . import present
from .errors import InputError

# Run-wide keys a window's view carries beside its own figures; fx and recovery_mode only when they say something.
RUN_KEYS = ("currency", "confidence", "recovery_hours", "fx", "recovery_mode")


def window_view(analysis_json: Mapping, index: int = 0) -> dict:
    """One window of `Analysis.to_json()`, flattened as the app, the HTML report and a share link show it: the
    window's own figures with the run's currency, confidence and recovery_hours, and all warnings (the run's first)."""
    windows = analysis_json.get("windows") or []
    if not 0 <= index < len(windows):
        raise InputError(f"the analysis has {present.plural(len(windows), 'window')}; there is no window {index + 1}")
    w = windows[index]
    extra = {k: analysis_json.get(k) for k in RUN_KEYS}
    warnings = [*(analysis_json.get("warnings") or []), *(w.get("warnings") or [])]
    return {**w, **{k: v for k, v in extra.items() if v is not None}, "warnings": warnings}


def analysis_of_view(view: Mapping) -> dict:
    """A window_view back in the analysis JSON's shape (one window), as a share snapshot and the report hold it."""
    optional = ("fx", "recovery_mode")
    return {k: view.get(k) for k in RUN_KEYS if k not in optional or view.get(k)} | {"windows": [dict(view)]}
