"""Property-based tests: whatever the seller and the window, the estimate is a number inside its own interval."""

import math

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.synth import make_seller, random_outage, simulate
from impact.analysis import analyze
from impact.store import session_db
from impact.windows import Window


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    orders=st.sampled_from([3, 20, 150, 800]),
    day=st.integers(40, 70),
    outage=st.booleans(),
)
@example(seed=661, orders=3, day=58, outage=True)  # sparse: most placebo windows empty, the band missed the estimate
def test_lost_revenue_is_finite_and_inside_its_interval(seed, orders, day, outage):
    """Lost revenue is never NaN and the interval contains the estimate, for sparse and busy sellers alike."""
    rng = np.random.default_rng(seed)
    seller = make_seller(rng, orders, n_days=75, hidden_outages=1)
    out = random_outage(rng, seller, day, fraction=None if outage else 0.0)
    sim = simulate(rng, seller, [out])
    con = session_db()
    df = sim.lines()
    con.register("df_in", df)
    con.execute("INSERT INTO lines SELECT * FROM df_in")
    res = analyze(con, [Window(out.start, out.end, (out.channel,))], shipments=False).to_json()
    rev = res["windows"][0]["revenue"]
    for key in ("lost", "lost_low", "lost_high", "expected", "actual", "net_lost"):
        assert rev[key] is not None and math.isfinite(rev[key]), key
    assert rev["lost_low"] <= rev["lost"] <= rev["lost_high"]
    assert rev["expected"] >= 0 and rev["actual"] >= 0
    assert rev["p_effect"] is None or 0 <= rev["p_effect"] <= 1
    con.close()
