"""Helpers for page scripts run with AppTest.from_function, and the windows the ui tests use."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from streamlit.testing.v1 import AppTest

from impact.windows import Window

AWS = Window(
    start=datetime(2025, 10, 20, 6, 48),
    end=datetime(2025, 10, 20, 21, 20),
    channels=("amazon",),
    title="AWS us-east-1 outage",
)
# After the demo's last order: no estimate can be made for it.
LATER = Window(start=datetime(2026, 3, 2, 10, 0), end=datetime(2026, 3, 2, 14, 0), channels=("amazon",))


APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run_app(at: AppTest | None = None, timeout: float = 60) -> AppTest:
    """Run app.py (a fresh session, or `at` again); fail on any exception it shows."""
    at = (AppTest.from_file(APP, default_timeout=timeout) if at is None else at).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_page(script, *args, **kwargs) -> AppTest:
    """Run a page script (a function whose imports are inside it) once; fail on any exception it shows."""
    at = AppTest.from_function(script, args=args, kwargs=kwargs, default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def render_page(module: str, *args) -> None:
    """Page script: `ui.<module>.render(*args)`."""
    import importlib

    importlib.import_module(f"ui.{module}").render(*args)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
