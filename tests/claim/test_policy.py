"""The policy arithmetic against hand-worked examples: waiting periods in both modes, deductible, limit, indemnity
period, recapture netting, business interruption with and without the previous year, parametric cover."""

from decimal import Decimal

import pytest

from impact.claim.policy import (
    Bin,
    ClaimPolicy,
    aggregate,
    apply_terms,
    bi,
    covered_span,
    cyber,
    gross_profit_rate,
    icow_allowed,
    parametric,
    share_in,
    standard_turnover,
)
from impact.errors import InputError

HOURS = 14.5  # the outage of the example


def hourly(per_hour_before_12: float, per_hour_after_12: float) -> list[Bin]:
    """Hourly lost revenue over a 14.5 h outage: one rate for the first 12 hours and another after them."""
    bins = [Bin(h, h + 1, per_hour_before_12) for h in range(12)]
    return bins + [Bin(12, 13, per_hour_after_12), Bin(13, 14, per_hour_after_12), Bin(14, 14.5, per_hour_after_12 / 2)]


# Lost revenue 50/h for 12 h (600) then 200/h for 2.5 h (500): 1,100 in all; gross profit at 50% = 550.
BINS = hourly(50, 200)
PROFIT = {
    "lost": 550,
    "lost_low": 300,
    "lost_high": 800,
    "recaptured": 55,
    "net_lost": 495,
    "net_lost_low": 200,
    "net_lost_high": 780,
}


def test_qualifying_period_covers_every_hour_once_exceeded_less_the_retention():
    """A 14.5 h outage beyond a 12 h qualifying period is covered from the first hour: 550 - 55 recaptured - 100."""
    p = ClaimPolicy("cyber", waiting_hours=12, waiting_mode="qualifying", deductible=Decimal(100))
    w = cyber(p, outage_hours=HOURS, profit=PROFIT, loss_bins=BINS)
    assert w["covered_hours"] == 14.5
    assert w["covered_share_of_loss"] == 1.0
    assert w["income_loss"] == {"value": 495.0, "low": 200.0, "high": 780.0}  # the profit block's net interval
    assert w["claim"] == {"value": 395.0, "low": 100.0, "high": 680.0}


def test_qualifying_period_not_exceeded_covers_nothing():
    """A 10 h outage inside a 12 h qualifying period pays nothing."""
    p = ClaimPolicy("cyber", waiting_hours=12)
    w = cyber(p, outage_hours=10, profit=PROFIT, loss_bins=[Bin(h, h + 1, 100) for h in range(10)])
    assert w["covered_hours"] == 0 and w["claim"]["value"] == 0.0


def test_time_retention_covers_the_hours_after_it_split_by_the_hourly_loss():
    """Retention: only 2.5 h are covered, holding 500 of the 1,100 lost (not 2.5/14.5 of it), 45.45% as the
    statement shows it: 249.98 of profit."""
    p = ClaimPolicy("cyber", waiting_hours=12, waiting_mode="retention", deductible=Decimal(50))
    w = cyber(p, outage_hours=HOURS, profit=PROFIT, loss_bins=BINS)
    assert w["covered_hours"] == 2.5
    assert w["covered_share_of_loss"] == 0.4545  # 500/1100 to the 4 decimals shown (45.45%)
    assert w["profit_lost_covered"]["value"] == 249.98  # 550 x 0.4545 = 249.975
    assert w["recapture_netted"]["value"] == 25.0  # the covered hours' share of the 55 recaptured: 24.9975
    assert w["claim"]["value"] == 174.98  # 249.98 - 25 - 50


def test_limit_caps_the_claim_and_continuing_expenses_follow_the_covered_hours():
    """Continuing expenses 20/h x 2.5 covered hours = 50; a limit of 200 caps 249.98 - 25 + 50 = 274.98."""
    p = ClaimPolicy(
        "cyber", waiting_hours=12, waiting_mode="retention", continuing_expenses=Decimal(20), limit=Decimal(200)
    )
    w = cyber(p, outage_hours=HOURS, profit=PROFIT, loss_bins=BINS)
    assert w["continuing_expenses"] == 50.0
    assert w["loss"]["value"] == 274.98
    assert w["claim"]["value"] == 200.0 and w["limit_applied"]


def test_indemnity_period_shorter_than_the_recovery_nets_only_the_recapture_inside_it():
    """Indemnity 1 day: the outage ends at 14.5 h, so the recapture of 9.5 of the 24 recovery hours (10/h of
    revenue at a 50% margin: 47.50) is netted, and the interval's recapture half-widths in proportion (9.5/24)."""
    rec = [Bin(HOURS + h, HOURS + h + 1, 10) for h in range(24)]
    p = ClaimPolicy("cyber", indemnity_days=1)
    w = cyber(p, outage_hours=HOURS, profit=PROFIT, loss_bins=BINS, recapture_bins=rec, recovery_hours=24, margin=0.5)
    assert w["recaptured_profit"]["value"] == 47.5
    assert w["recapture_netted"]["value"] == 47.5
    assert w["income_loss"]["value"] == 502.5  # 550 - 47.50
    # Low end: recapture 300 - 200 = 100 at the low end, 47.50 + (100 - 55) x 9.5/24 = 65.31 netted.
    assert w["income_loss"]["low"] == 234.69
    assert "first 9.5 h after the outage" in w["recapture_rule"]


def test_indemnity_period_nets_the_recapture_as_the_estimate_reads_it():
    """The recapture estimate read the first 4 recovery hours and counted half their excess: of the 9.5 hours inside
    the indemnity period only those 4 count, at half (4 x 10 x 0.5 of revenue, at a 50% margin: 10.00)."""
    rec = [Bin(HOURS + h, HOURS + h + 1, 10) for h in range(24)]
    p = ClaimPolicy("cyber", indemnity_days=1)
    w = cyber(
        p,
        outage_hours=HOURS,
        profit=PROFIT,
        loss_bins=BINS,
        recapture_bins=rec,
        recovery_hours=24,
        margin=0.5,
        recapture_hours=4,
        recapture_share=0.5,
    )
    assert w["recaptured_profit"]["value"] == 10.0
    assert w["recapture_netted"]["value"] == 10.0


def test_recapture_inside_the_indemnity_period_keeps_its_sign():
    """Recovery hours above then below the baseline: only those inside the period count, whatever the total."""
    rec = [Bin(HOURS, HOURS + 5, 100), Bin(HOURS + 5, HOURS + 24, -400)]  # +100 early, -400 later: total -300
    w = cyber(
        ClaimPolicy("cyber", indemnity_days=(HOURS + 5) / 24),
        outage_hours=HOURS,
        profit=PROFIT,
        loss_bins=BINS,
        recapture_bins=rec,
        recovery_hours=24,
        margin=0.5,
    )
    assert w["recapture_netted"]["value"] == 50.0  # +100 of revenue at 50%, not a share of the -300


def test_indemnity_period_ending_inside_the_outage_covers_its_hours_only():
    """Indemnity half a day (12 h) of a 14.5 h outage: 600 of the 1,100 lost, and no recapture netted."""
    p = ClaimPolicy("cyber", indemnity_days=0.5)
    w = cyber(
        p, outage_hours=HOURS, profit=PROFIT, loss_bins=BINS, recapture_bins=[Bin(15, 16, 100)], recovery_hours=24
    )
    assert w["covered_hours"] == 12
    assert w["profit_lost_covered"]["value"] == 300.03  # 550 x 0.5455 (600/1100 to the 4 decimals shown)
    assert w["recapture_netted"]["value"] == 0.0


def test_covered_span_and_share_in():
    """The waiting modes as spans, and a span over every bin is exactly the whole loss."""
    assert covered_span(14.5, 12, "qualifying") == (0.0, 14.5)
    assert covered_span(14.5, 12, "retention") == (12, 14.5)
    assert covered_span(12, 12, "qualifying") is None  # the outage must exceed the period
    assert covered_span(14.5, 12, "retention", indemnity_hours=10) is None
    assert share_in(BINS, 0, HOURS) == 1.0
    assert share_in([Bin(0, 1, 5), Bin(1, 2, -5)], 0, 1) == 0.5  # no net loss: the share of time stands in


def test_parametric_pays_the_hours_beyond_the_waiting_period_up_to_the_limit():
    """14.5 h, 12 h waiting: 2.5 h x 1,000 = 2,500 (retention) or 14,500 (qualifying), capped at 10,000."""
    measured = {"basis": "profit net of recapture", "value": 3000.0, "low": 2000.0, "high": 4000.0}
    ret = parametric(
        ClaimPolicy("parametric", waiting_hours=12, hourly_sum=Decimal(1000)), incident_hours=HOURS, measured=measured
    )
    assert ret["paid_hours"] == 2.5 and ret["claim"]["value"] == 2500.0
    assert ret["difference"] == {"value": -500.0, "low": -1500.0, "high": 500.0}
    qual = parametric(
        ClaimPolicy(
            "parametric", waiting_hours=12, waiting_mode="qualifying", hourly_sum=Decimal(1000), limit=Decimal(10000)
        ),
        incident_hours=HOURS,
        measured=measured,
    )
    assert qual["before_limit"] == 14500.0 and qual["claim"]["value"] == 10000.0 and qual["limit_applied"]


def test_bi_on_the_counterfactual_with_savings_icow_deductible_and_limit():
    """Shortfall 1,000 (400-1,600) at a 40% rate: goods 500 and fees 100 saved, gross profit 400; ICOW 300 allowed."""
    rate = gross_profit_rate(revenue_lost=1000, costs_saved=500, fees_saved=100)
    assert rate["rate"] == pytest.approx(0.4)
    p = ClaimPolicy("bi", deductible=Decimal(100), limit=Decimal(650))
    w = bi(
        p,
        shortfall={"central": 1000, "low": 400, "high": 1600},
        rate=rate,
        standard={"value": 3000},
        actual=2000,
        expenses=[(Decimal(300), None)],
    )
    assert w["savings"]["goods"]["value"] == 500.0 and w["savings"]["fees"]["value"] == 100.0
    assert w["loss_of_gross_profit"] == {"value": 400.0, "low": 160.0, "high": 640.0}
    # Unnamed ICOW is capped at the loss of gross profit at each end: 160 at the low end.
    assert w["increased_cost_of_working"]["allowed"] == {"value": 300.0, "low": 160.0, "high": 300.0}
    assert w["claim"] == {"value": 600.0, "low": 220.0, "high": 650.0}  # 700 - 100; 320 - 100; 940 - 100 capped


def test_bi_with_the_previous_year_trend_adjusted():
    """Previous year 800, trend 1,100 / 1,000: standard turnover 880; actual 500, shortfall 380 at 40% = 152."""
    std, trend = standard_turnover(800, 1100, 1000)
    assert std == Decimal("880.00") and trend == pytest.approx(1.1)
    p = ClaimPolicy("bi", gross_profit_rate=0.4)
    w = bi(
        p,
        shortfall={"central": float(std) - 500, "low": None, "high": None},
        rate={"rate": 0.4, "source": "given"},
        standard={"value": float(std)},
        actual=500,
    )
    assert w["shortfall"] == {"value": 380.0, "low": None, "high": None}
    assert w["savings"]["goods"]["value"] == 228.0  # (1 - rate) x shortfall, one figure with a given rate
    assert w["loss_of_gross_profit"]["value"] == 152.0 and w["claim"]["value"] == 152.0
    assert standard_turnover(800, 1100, 0) is None  # no sales a year before: no trend, the counterfactual stands in


def test_icow_economic_limit():
    """An expense naming the turnover it saved is capped at rate x that turnover; the others at the gross profit."""
    got = icow_allowed([(Decimal(300), Decimal(500)), (Decimal(900), None)], 0.4, Decimal(400))
    assert got["allowed"] == Decimal("600.00")  # min(300, 200) + min(900, 400)
    assert got["claimed"] == Decimal("1200.00") and got["capped"] == Decimal("600.00")


def test_terms_and_aggregate():
    """The deductible then the limit; windows add up and the limit caps their total."""
    assert apply_terms(Decimal("250.10"), deductible=100, limit=None) == Decimal("150.10")
    assert apply_terms(Decimal(50), deductible=100) == Decimal("0.00")
    claims = [{"value": 300.0, "low": 100.0, "high": 500.0}, {"value": 300.0, "low": 50.0, "high": 400.0}]
    assert aggregate(claims, Decimal(500)) == {"value": 500.0, "low": 150.0, "high": 500.0}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kind": "bi", "hourly_sum": Decimal(5)}, "--hourly-sum does not apply to a bi policy"),
        ({"kind": "cyber", "waiting_mode": "retention"}, "--waiting-mode needs --waiting-hours"),
        ({"kind": "parametric", "waiting_mode": "qualifying", "hourly_sum": Decimal(1)}, "--waiting-mode needs"),
        ({"kind": "cyber", "deductible": Decimal(-1)}, "--deductible must be an amount of 0 or more"),
        ({"kind": "parametric"}, "give --hourly-sum"),
        ({"kind": "parametric", "hourly_sum": Decimal(1), "deductible": Decimal(1)}, "--deductible does not apply"),
        ({"kind": "cyber", "waiting_hours": 4, "waiting_mode": "sometimes"}, "qualifying or retention"),
        ({"kind": "bi", "gross_profit_rate": 1.5}, "--gross-profit-rate must be between"),
        ({"kind": "bi", "limit": Decimal(0)}, "--limit must be more than 0"),
        ({"kind": "parametric", "hourly_sum": Decimal("1e30")}, "--hourly-sum must be an amount of 0 or more, at most"),
        ({"kind": "cyber", "deductible": Decimal("1e400")}, "--deductible must be an amount of 0 or more, at most"),
        ({"kind": "cyber", "waiting_hours": 1e308}, r"--waiting-hours must be between 0 and 8,760 hours, not 1e\+308"),
        ({"kind": "bi", "indemnity_days": 1e9}, "--indemnity-days must be between 0 and 3,660 days"),
    ],
)
def test_contradicting_or_invalid_terms_are_one_input_error(kwargs, message):
    """Each bad combination of terms is refused with a sentence naming the flag."""
    with pytest.raises(InputError, match=message):
        ClaimPolicy(**kwargs)
