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


def test_google_engine_without_its_package_names_its_own_venv():
    """Without tfp-causalimpact the Google engine's message names its own requirements file and make target."""
    if anchors.available("causalimpact"):
        pytest.skip("a causalimpact package is installed here")
    with pytest.raises(SystemExit, match="make bench-ci-venv \\(requirements-bench-ci.txt in .venv-ci\\)"):
        anchors.need("causalimpact", "Google's CausalImpact", anchors.SETUP_CI)


def test_google_engine_fills_its_own_row_and_cache_entries(monkeypatch, tmp_path):
    """--ci-engine google: its answers go to their own cache entries and row, beside this project's same windows."""
    calls = []

    def fake(flat, control, h0, n_window, n_both):
        calls.append((h0, n_window, n_both))
        return anchors.Anchor(100.0, 90.0, 110.0, 300.0, 280.0, 320.0)

    monkeypatch.setattr(anchors, "causal_impact_google", fake)
    cache = anchors.Cache(str(tmp_path / "a.json"))
    trials = accuracy.run_trials(
        2, 3, n_days=90, progress=False, orders=(300, 400), causalimpact=2, cache=cache, ci_engine="google", clean=True
    )
    assert len(calls) == 2
    assert len(cache.data) == 2
    assert sum(accuracy.CI_GOOGLE in t.intervals for t in trials) == 2
    assert not any(accuracy.CAUSALIMPACT in t.intervals for t in trials)
    res = accuracy.summarise_intervals(trials)
    assert res[accuracy.CI_GOOGLE]["windows"] == 2
    assert res[accuracy.IMPACT + " (same windows)"]["windows"] == 2
    # a second run reads the cache: the sampler is not called again
    again = anchors.Cache(str(tmp_path / "a.json"))
    accuracy.run_trials(
        2, 3, n_days=90, progress=False, orders=(300, 400), causalimpact=2, cache=again, ci_engine="google", clean=True
    )
    assert len(calls) == 2
