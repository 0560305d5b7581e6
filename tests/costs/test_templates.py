"""Tests for impact/costs/templates.py: the downloadable templates load as they are."""

import pytest

from impact.costs import load_costs
from impact.costs.templates import TEMPLATES


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_each_template_loads_without_rejects(con, tmp_path, kind):
    """A header and two example rows, which the reader itself takes with nothing skipped or rejected."""
    filename, text = TEMPLATES[kind]
    path = tmp_path / filename
    path.write_text(text)
    assert len(text.strip().splitlines()) == 3
    report = load_costs(con, [path]) if kind == "product_costs" else load_costs(con, ads=[path])
    f = report.files[0]
    assert (f.kind, f.loaded, f.skipped, f.rejected) == (kind, 2, 0, 0)
