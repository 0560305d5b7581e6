"""The claim statement from the service: the same analysis as analyze, the profit block carried through the policy
unchanged where the policy changes nothing, the previous year as the base period where the history reaches it."""

from datetime import datetime
from decimal import Decimal

import pytest
from sellers import amazon_seller
from testdata import ROOT

from impact import service
from impact.claim import ClaimPolicy
from impact.errors import InputError
from impact.windows import Window

DEMO = [ROOT / "data/demo/amazon_all_orders.txt", ROOT / "data/demo/shopify_orders_export.csv"]
COSTS = ROOT / "data/demo/product_costs.csv"
WINDOW = Window(datetime(2025, 10, 20, 6, 48), datetime(2025, 10, 20, 21, 20), ("amazon",))


@pytest.fixture(scope="module")
def demo():
    """The demo seller with its product costs: (connection, options)."""
    opts = service.resolve_options()
    con, _ = service.load_files(DEMO, tz=opts.tz)
    service.load_costs(con, opts, costs=[COSTS])
    return con, opts


def test_statement_carries_the_analysis_of_the_same_options(demo):
    """The statement's analysis is run_analysis' JSON, and its keys are the documented shape."""
    con, opts = demo
    st = service.claim(con, [WINDOW], opts, ClaimPolicy("cyber"))
    assert st["analysis"] == service.run_analysis(con, [WINDOW], opts).to_json()
    assert set(st) == {
        "policy",
        "cover",
        "currency",
        "confidence",
        "windows",
        "total",
        "analysis",
        "base_period",
        "method",
        "assumptions",
        "exhibits",
        "extra_expenses",
    }
    assert [e["id"] for e in st["exhibits"]][:4] == ["E1", "E2", "E3", "E4"]


def test_cyber_without_terms_claims_the_profit_lost_net_of_a_positive_recapture_only(demo):
    """No terms: income loss = profit lost - recapture; nothing of the demo's recovery stands out beyond normal
    variation, so no recapture is netted and the claim is the profit lost, its low end the net loss's."""
    con, opts = demo
    st = service.claim(con, [WINDOW], opts, ClaimPolicy("cyber"))
    p = st["windows"][0]["profit"]
    assert p["recaptured"] == 0.0
    assert st["windows"][0]["workings"]["income_loss"] == {"value": 267.46, "low": 75.31, "high": 534.26}
    assert (p["lost"], p["net_lost_low"], p["lost_high"]) == (267.46, 75.31, 534.26)


def test_bi_nets_the_recapture_as_cyber_does_and_never_claims_above_the_loss(demo):
    """Business interruption and cyber, both without terms, claim the same gross profit net of recapture, and
    neither claim is above the profit lost."""
    con, opts = demo
    analysis = service.run_analysis(con, [WINDOW], opts).to_json()
    b = service.claim(con, [WINDOW], opts, ClaimPolicy("bi"), analysis=analysis)["windows"][0]
    c = service.claim(con, [WINDOW], opts, ClaimPolicy("cyber"), analysis=analysis)["windows"][0]
    assert b["workings"]["recapture_netted"] == c["workings"]["recapture_netted"]
    assert c["claim"] == {"value": 267.46, "low": 75.31, "high": 534.26}
    # The rate of gross profit as the statement shows it (37.29%) x the shortfall: within a few cents of the profit
    # layer's sum over SKUs (the rate's fifth decimal), and what an adjuster recomputes from the page.
    assert b["workings"]["rate_of_gross_profit"]["rate"] == 0.3729
    assert b["claim"] == {"value": 267.48, "low": 75.32, "high": 534.31}
    assert all(b["claim"][k] <= b["workings"]["loss_of_gross_profit"][k] for k in ("value", "low", "high"))
    assert round(b["workings"]["standard_turnover"]["low"] - b["workings"]["actual_turnover"], 2) == 279.75


def test_retention_covers_less_than_qualifying_on_the_demo_outage(demo):
    """The 14.5 h demo outage with 12 h waiting: qualifying covers every hour, retention the last 2.5 h."""
    con, opts = demo
    analysis = service.run_analysis(con, [WINDOW], opts).to_json()
    q = service.claim(con, [WINDOW], opts, ClaimPolicy("cyber", waiting_hours=12), analysis=analysis)
    r = service.claim(
        con, [WINDOW], opts, ClaimPolicy("cyber", waiting_hours=12, waiting_mode="retention"), analysis=analysis
    )
    qw, rw = q["windows"][0]["workings"], r["windows"][0]["workings"]
    assert qw["covered_hours"] == 14.53  # 06:48 to 21:20, to the 2 decimals shown
    assert rw["covered_hours"] == 2.53
    assert 0 < rw["claim"]["value"] < qw["claim"]["value"]


def test_bi_on_the_counterfactual_equals_the_profit_lost(demo):
    """The demo's history is 3 months: standard turnover is the counterfactual and loss of gross profit the
    profit block's profit lost (shortfall less the goods and fees saved)."""
    con, opts = demo
    st = service.claim(con, [WINDOW], opts, ClaimPolicy("bi", deductible=Decimal(50)))
    w = st["windows"][0]
    k = w["workings"]
    assert k["standard_turnover"]["value"] == w["revenue"]["expected"]
    assert "does not reach" in k["standard_turnover"]["why"]
    # The rate is shown to 4 decimals: its rounding moves the loss by at most 0.00005 x the shortfall (4 cents here).
    assert k["loss_of_gross_profit"]["value"] == pytest.approx(w["profit"]["lost"], abs=0.00005 * 717.31 + 0.005)
    assert k["savings"]["goods"]["value"] == w["profit"]["costs_saved"]
    assert k["claim"]["value"] == pytest.approx(k["loss"]["value"] - 50)


def test_bi_without_a_rate_of_gross_profit_is_refused():
    """Without cost files or --gross-profit-rate a bi claim asks for one of them."""
    opts = service.resolve_options()
    con, _ = service.load_files(DEMO, tz=opts.tz)
    with pytest.raises(InputError, match="--costs.*--gross-profit-rate"):
        service.claim(con, [WINDOW], opts, ClaimPolicy("bi"))


def test_bi_with_the_previous_year_in_the_history(tmp_path):
    """With 60 weeks of orders, standard turnover is the same hours 52 weeks before times the 4-week trend."""
    outage = (datetime(2025, 9, 29, 18), datetime(2025, 9, 29, 23))
    path = amazon_seller(tmp_path / "orders.txt", start=datetime(2024, 8, 5), days=430, per_day=60, outage=outage)
    opts = service.resolve_options()
    con, _ = service.load_files([path], tz=opts.tz)
    win = Window(*outage, ("amazon",))
    st = service.claim(con, [win], opts, ClaimPolicy("bi", gross_profit_rate=0.4))
    k = st["windows"][0]["workings"]
    base = st["base_period"]["windows"][0]
    assert base["available"] and base["start"] == "2024-09-30T18:00:00Z"

    def turnover(a, b):
        q = "SELECT sum(revenue)::DOUBLE FROM lines WHERE purchased_at >= ? AND purchased_at < ?"
        return round(con.execute(q, [a, b]).fetchone()[0], 2)

    prior = turnover(datetime(2024, 9, 30, 18), datetime(2024, 9, 30, 23))
    trend = turnover(datetime(2025, 9, 1, 18), outage[0]) / turnover(
        datetime(2024, 9, 2, 18), datetime(2024, 9, 30, 18)
    )
    assert base["turnover"] == prior
    assert k["standard_turnover"]["value"] == pytest.approx(prior * trend, abs=0.006)
    assert k["shortfall"]["value"] == pytest.approx(k["standard_turnover"]["value"] - k["actual_turnover"], abs=0.006)
    assert k["loss_of_gross_profit"]["value"] == pytest.approx(0.4 * k["shortfall"]["value"], abs=0.011)
    assert k["shortfall"]["low"] is None  # a contractual figure: no interval of its own


def test_parametric_cites_the_catalog_incident(demo):
    """The AWS outage of 2025-10-20 is in the catalog: the cover pays on its window, cited with its source."""
    con, opts = demo
    st = service.claim(con, [WINDOW], opts, ClaimPolicy("parametric", waiting_hours=8, hourly_sum=Decimal(100)))
    w = st["windows"][0]
    assert w["incident"]["url"].startswith("https://") and w["incident"]["id"]
    assert w["workings"]["paid_hours"] == pytest.approx(w["incident"]["hours"] - 8)
    assert w["workings"]["measured_loss"]["value"] == w["profit"]["net_lost"]
    assert any(e["source"].endswith(w["incident"]["url"]) for e in st["exhibits"])


def test_a_ledger_with_a_bad_row_refuses_the_claim(demo, tmp_path):
    """One bad expense row refuses the whole claim, naming its line."""
    con, opts = demo
    led = tmp_path / "expenses.csv"
    led.write_text("date,description,amount,receipt\n2025-10-20,Overtime,240,INV-1\n2025-10-20,Courier,x,INV-2\n")
    with pytest.raises(InputError, match="line 3: amount 'x' is not a number"):
        service.claim(con, [WINDOW], opts, ClaimPolicy("bi", extra_expenses=str(led)), extra_expenses=led)
    led.write_text("date,description,amount,receipt\n2025-10-20,Overtime,240,INV-1\n")
    st = service.claim(con, [WINDOW], opts, ClaimPolicy("bi", extra_expenses=str(led)), extra_expenses=led)
    icow = st["windows"][0]["workings"]["increased_cost_of_working"]
    assert icow["claimed"] == 240.0 and icow["allowed"]["value"] == 240.0
    assert st["extra_expenses"]["loaded"] == 1
