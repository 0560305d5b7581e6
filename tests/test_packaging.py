"""The project installs as a package: pyproject.toml's dependencies are requirements.txt's runtime lines, and its
console script names the CLI's entry point."""

import tomllib
from pathlib import Path

from impact.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> list[str]:
    """requirements.txt's lines above its '# Tests' section, comments left out."""
    text = (ROOT / "requirements.txt").read_text().split("# Tests")[0]
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_project_dependencies_are_the_runtime_requirements():
    """`pip install .` installs exactly what requirements.txt pins for the app (14 packages), nothing more or less."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == _requirements()
    assert len(project["dependencies"]) == 14


def test_the_impact_command_is_the_cli_main():
    """The `impact` console script runs impact.__main__:main, which prints the help and returns 0 with no command."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"] == {"impact": "impact.__main__:main"}
    assert main([]) == 0


def test_the_readme_stays_short():
    """The README is the front page: under 12,000 characters, the long sections live in docs/."""
    assert len((ROOT / "README.md").read_text()) < 12_000
