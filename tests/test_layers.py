"""The shape the code keeps: the core never imports streamlit, and no module grows past what one reader holds."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

IMPORT_ALL = """
import importlib, pkgutil, sys
import impact
for m in pkgutil.walk_packages(impact.__path__, "impact."):
    if not m.name.endswith("__main__"):
        importlib.import_module(m.name)
print(sorted(n for n in sys.modules if n == "streamlit" or n.startswith("streamlit.")))
"""


def test_the_core_never_imports_streamlit():
    """Importing every module of impact/ in a fresh interpreter loads no streamlit module."""
    proc = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_app_is_thin_and_no_module_is_long():
    """app.py stays a page of routing (at most 150 lines) and no module of impact/ or ui/ passes 650 lines."""
    assert len((ROOT / "app.py").read_text().splitlines()) <= 150
    long = {
        str(p.relative_to(ROOT)): n
        for p in [*ROOT.glob("impact/**/*.py"), *ROOT.glob("ui/**/*.py")]
        if (n := len(p.read_text().splitlines())) > 650
    }
    assert not long
