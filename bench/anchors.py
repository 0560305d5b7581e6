"""The anchors an analyst would reach for instead of this project, for bench.accuracy: statsforecast's MSTL and
Google's CausalImpact (tfcausalimpact). Benchmark-only: both come from requirements-bench.txt in a separate venv
(they need pandas < 3 and TensorFlow), never from the app's requirements, and are imported only when asked for.

Each returns, for one window on one channel's hourly revenue, an `Anchor`: the expected revenue of the window and of
window + recovery, each with its 90% interval, from which bench.accuracy takes gross and net loss (expected minus
actual), coverage and width.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from dataclasses import dataclass

import numpy as np

SETUP = "make bench-venv (requirements-bench.txt in .venv-bench), then .venv-bench/bin/python -m bench.accuracy ..."
MSTL_WEEKS = 8  # hours of history the MSTL is fitted on (the anchors used 8 weeks)
CI_WEEKS = 8  # CausalImpact's pre-period, as the expert would run it
CI_FIT = "hmc"  # Hamiltonian Monte Carlo, R's CausalImpact's own way of fitting (tfcausalimpact's default is VI)
# Google's tfp-causalimpact (requirements-bench-ci.txt, .venv-ci): Gibbs sampling as R's bsts does. Its default of
# 900 draws takes 4 min 43 s on one 8-week hourly window here (about 0.27 s a draw after 12 s of set-up); 150 draws
# (+17 warm-up) take under a minute. The seed is fixed so a window's answer is the same on every run.
CI_GOOGLE_DRAWS = 150
CI_GOOGLE_SEED = 29
SETUP_CI = "make bench-ci-venv (requirements-bench-ci.txt in .venv-ci), then .venv-ci/bin/python -m bench.accuracy ..."
Z90 = 1.6448536269514722


@dataclass
class Anchor:
    window: float  # expected revenue over the window
    window_low: float
    window_high: float
    both: float  # expected revenue over window + recovery
    both_low: float
    both_high: float


def available(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def need(module: str, what: str, setup: str = SETUP):
    """Import a benchmark-only package or stop with a message that says how to get it."""
    if module == "causalimpact":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        return importlib.import_module(module)
    except ImportError:
        raise SystemExit(f"{what} needs benchmark-only packages: {setup}") from None


def mstl(flat: np.ndarray, h0: int, n_window: int, n_both: int) -> Anchor:
    """statsforecast MSTL (24 h and 168 h seasons, AutoETS trend) fitted on the MSTL_WEEKS before hour h0, forecast
    over the window (n_window hours) and window + recovery (n_both). The 90% interval of a sum combines the hourly
    prediction intervals as independent errors (in quadrature); adding the bounds would assume them fully correlated.
    """
    models = need("statsforecast.models", "statsforecast MSTL")
    y = flat[max(h0 - MSTL_WEEKS * 168, 0) : h0].astype(float)
    fc = models.MSTL(season_length=[24, 168]).fit(y).predict(h=n_both, level=[90])
    mean = np.asarray(fc["mean"], float)
    sd = (np.asarray(fc["hi-90"], float) - np.asarray(fc["lo-90"], float)) / (2 * Z90)
    out = []
    for n in (n_window, n_both):
        m, s = float(mean[:n].sum()), float(np.sqrt((sd[:n] ** 2).sum()))
        out += [m, m - Z90 * s, m + Z90 * s]
    return Anchor(*out)


def causal_impact(flat: np.ndarray, control: np.ndarray, h0: int, n_window: int, n_both: int) -> Anchor:
    """Google's CausalImpact (tfcausalimpact) configured as an analyst who knows hourly sales would: a local level,
    a daily season (24 hours) and a weekly one (7 days of 24 hours), and a regression on the unaffected channels'
    hourly revenue as control; pre-period the CI_WEEKS (8) weeks before hour h0, post-period window + recovery;
    fitted by HMC (CI_FIT); alpha = 0.1. Its cumulative predictions at the window's end and at the recovery's end
    give both sums with their intervals (from the model's own posterior draws, so the hours' correlation is kept)."""
    import pandas as pd

    ci_mod = need("causalimpact", "CausalImpact")
    tfp = need("tensorflow_probability", "CausalImpact")
    from causalimpact.misc import standardize

    a = max(h0 - CI_WEEKS * 168, 0)
    df = pd.DataFrame({"y": flat[a : h0 + n_both].astype(float), "x": control[a : h0 + n_both].astype(float)})
    df.index = pd.date_range("2025-01-06", periods=len(df), freq="h")  # a regular hourly index, as STS needs
    pre, post = [df.index[0], df.index[h0 - a - 1]], [df.index[h0 - a], df.index[-1]]
    normed = standardize(df.astype(np.float32))[0]
    obs = normed["y"].iloc[: h0 - a]
    model = tfp.sts.Sum(
        [
            tfp.sts.LocalLevel(observed_time_series=obs),
            tfp.sts.Seasonal(num_seasons=24, observed_time_series=obs, name="daily"),
            tfp.sts.Seasonal(num_seasons=7, num_steps_per_season=24, observed_time_series=obs, name="weekly"),
            tfp.sts.LinearRegression(design_matrix=normed[["x"]].values.astype(np.float32), name="controls"),
        ],
        observed_time_series=obs,
    )
    ci = ci_mod.CausalImpact(
        df, pre, post, model=model, model_args={"standardize": True, "fit_method": CI_FIT}, alpha=0.1
    )
    inf = ci.inferences
    cols = ("post_cum_preds_means", "post_cum_preds_lower", "post_cum_preds_upper")
    w = inf.iloc[h0 - a + n_window - 1]
    b = inf.iloc[h0 - a + n_both - 1]
    return Anchor(*(float(w[c]) for c in cols), *(float(b[c]) for c in cols))


def causal_impact_google(flat: np.ndarray, control: np.ndarray, h0: int, n_window: int, n_both: int) -> Anchor:
    """Google's own tfp-causalimpact, configured as causal_impact is: a local level, a daily season (24 hours) and a
    weekly one (7 days of 24 hours), the unaffected channels' hourly revenue as a (static) regression; pre-period the
    CI_WEEKS (8) weeks before hour h0, post-period window + recovery; alpha = 0.1; fitted by its Gibbs sampler
    (CI_GOOGLE_DRAWS draws, seed CI_GOOGLE_SEED). Both sums and their intervals come from its cumulative effects
    at the window's end and at the recovery's end (posterior quantiles of the cumulative sums)."""
    import pandas as pd

    ci = need("causalimpact", "Google's CausalImpact", SETUP_CI)
    a = max(h0 - CI_WEEKS * 168, 0)
    df = pd.DataFrame({"y": flat[a : h0 + n_both].astype(float), "x": control[a : h0 + n_both].astype(float)})
    df.index = pd.date_range("2025-01-06", periods=len(df), freq="h")  # a regular hourly index
    res = ci.fit_causalimpact(
        df,
        pre_period=(df.index[0], df.index[h0 - a - 1]),
        post_period=(df.index[h0 - a], df.index[-1]),
        alpha=0.1,
        seed=CI_GOOGLE_SEED,
        data_options=ci.DataOptions(outcome_column="y"),
        model_options=ci.ModelOptions(
            seasons=[ci.Seasons(num_seasons=24), ci.Seasons(num_seasons=7, num_steps_per_season=24)]
        ),
        inference_options=ci.InferenceOptions(num_results=CI_GOOGLE_DRAWS),
    )
    # its cumulative effects (observed - predicted) have the interval; expected = actual - effect, bounds swapped
    eff = res.series
    out = []
    for n in (n_window, n_both):
        row, actual = eff.iloc[h0 - a + n - 1], float(flat[h0 : h0 + n].sum())
        out += [actual - float(row["cumulative_effects_" + c]) for c in ("mean", "upper", "lower")]
    return Anchor(*out)


class Cache:
    """Anchor results on disk, keyed by the exact inputs: an anchor's answer depends on the series alone, so a re-run
    of bench.accuracy after a change to this project's estimator need not wait for CausalImpact again."""

    def __init__(self, path: str | None):
        self.path = path
        self.data: dict[str, list[float]] = {}
        if path and os.path.exists(path):
            with open(path) as fh:
                self.data = json.load(fh)

    def get(self, name: str, fn, *arrays: np.ndarray, **params) -> Anchor:
        h = hashlib.sha256(name.encode())
        for a in arrays:
            h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
        h.update(json.dumps(params, sort_keys=True).encode())
        key = h.hexdigest()
        if key not in self.data:
            a = fn(*arrays, **params)
            self.data[key] = [a.window, a.window_low, a.window_high, a.both, a.both_low, a.both_high]
            if self.path:
                tmp = self.path + ".tmp"
                with open(tmp, "w") as fh:
                    json.dump(self.data, fh)
                os.replace(tmp, self.path)
        return Anchor(*self.data[key])
