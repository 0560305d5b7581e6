"""bench.accuracy's anchors: benchmark-only packages are imported lazily, and their absence is said plainly."""

import pytest

from bench import accuracy, anchors


def test_missing_benchmark_packages_stop_with_the_install_command():
    if anchors.available("causalimpact"):
        pytest.skip("tfcausalimpact is installed here")
    with pytest.raises(SystemExit, match="requirements-bench.txt"):
        anchors.need("causalimpact", "CausalImpact")


def test_interval_table_covers_every_method_that_ran():
    """Two sellers without the anchors: the interval table has this project's row with gross and net figures, and
    the oracle's and the analyst's ratio's rows (no interval) on every table."""
    trials = accuracy.run_trials(2, 3, n_days=90, progress=False, orders=(300, 400))
    res = accuracy.summarise_intervals(trials)
    assert list(res) == [accuracy.ORACLE, accuracy.ANALYST, accuracy.IMPACT]
    assert res[accuracy.IMPACT]["windows"] == 4
    assert {"gross_error", "gross_cov_outage", "gross_width", "net_error", "net_cov_outage", "net_width"} <= set(
        res[accuracy.IMPACT]
    )
    assert "| impact.revenue | 4 |" in accuracy.intervals_markdown(res)
