"""impact.__main__: the command line's process settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import impact.__main__, os, numpy; print(os.environ['OPENBLAS_NUM_THREADS'])"


def _probe(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], env=clean | env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_cli_runs_numpy_on_one_blas_thread_unless_told_otherwise():
    """Importing the CLI sets OPENBLAS_NUM_THREADS to 1 before numpy loads, and keeps a value the user set."""
    assert _probe() == "1"
    assert _probe(OPENBLAS_NUM_THREADS="3") == "3"
