"""The cost layer of one session: cost files, fee schedule and currency conversion put into the seller's database,
and read back by every analysis of it. The connection is the state, as it is for the orders: a table `fee_rules`
means the seller gave cost inputs, so analyses add profit; `fx_used` holds the rates the orders were converted at.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..errors import InputError, MixedCurrencyError
from ..scenarios.costs import DEFAULT_COSTS, ChannelCost, Costs
from ..settings import Settings
from .profit import ProfitInputs, channel_rates


def _has_table(con, name: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = $t", {"t": name}).fetchone()[0]
    )


def _order_currencies(con) -> list[str]:
    return [
        r[0]
        for r in con.execute("SELECT DISTINCT currency FROM lines WHERE currency IS NOT NULL ORDER BY 1").fetchall()
    ]


def _check_currencies(con, report, currency: str | None, home: str | None) -> None:
    """Without a home currency nothing is summed across currencies: a cost or ad file must be in the orders' own."""
    named = list(getattr(report, "currencies", []) or [])
    if home or not named:
        return
    orders = _order_currencies(con)
    target = currency.upper() if currency else (orders[0] if len(orders) == 1 else None)
    foreign = [c for c in named if c != target]
    if target is None and named:
        raise MixedCurrencyError(
            f"the orders are in {', '.join(orders)}: pick one with --currency, or convert orders and costs into one "
            "currency (--home-currency, or 'Convert amounts to' in the app)"
        )
    if foreign:
        raise MixedCurrencyError(
            f"the cost or ad files have amounts in {', '.join(foreign)} but the orders are in {target}; convert "
            f"everything to one currency at the ECB rate of each day (--home-currency {target}, or 'Convert amounts "
            "to' in the app)"
        )


def _span(con) -> tuple:
    """First and last day any amount needs a rate for: the orders', the cost ranges' and the ad days'."""
    return con.execute(
        """SELECT least(min(CAST(purchased_at AS DATE)), (SELECT min(day) FROM ad_spend),
                        (SELECT min(valid_from) FROM product_costs)),
                  greatest(max(CAST(purchased_at AS DATE)) + 1, (SELECT max(day) FROM ad_spend))
           FROM lines"""
    ).fetchone()


COST_TABLES = ("product_costs", "sku_fees", "ad_spend", "fee_rules")


def clear(con) -> None:
    """Forget the session's cost inputs (the app reloads them whenever the seller changes one); the orders' currency
    conversion stays, since it rewrote the orders themselves."""
    for name in COST_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _converted(con) -> bool:
    return _has_table(con, "fx_used") and con.execute("SELECT count(*) FROM fx_used").fetchone()[0] > 0


def load_costs(
    con,
    *,
    tz: str,
    home: str | None = None,
    fees: str | None = None,
    costs: Sequence = (),
    ads: Sequence = (),
    mapping: dict | None = None,
    currency: str | None = None,
    settings: Settings | None = None,
):
    """Cost inputs into `con` (see impact.service.load_costs); returns the CostReport, or None without cost files."""
    # Readers, fee schedule and rates only for sessions that give cost inputs; analyses need none of them.
    from . import fees as fee_schedule
    from . import fx, load_costs

    clear(con)
    if home and not _converted(con):
        used = fx.convert_lines(con, home, tz)
        con.execute("CREATE OR REPLACE TABLE fx_used (home VARCHAR, rates JSON)")
        con.execute("INSERT INTO fx_used VALUES ($h, $r)", {"h": home, "r": json.dumps(used)})
    channels = [r[0] for r in con.execute("SELECT DISTINCT channel FROM lines ORDER BY 1").fetchall()]
    report = None
    if costs or ads or fees:
        report = load_costs(con, costs, ads, mapping=mapping, order_channels=channels, settings=settings)
        _check_currencies(con, report, currency, home)
        fee_schedule.fees_table(con, fee_schedule.fee_rules(channels, fees))
    if home and report is not None:
        named = sorted(set(report.currencies) - {home})
        if named:
            first, last = _span(con)
            fx.daily_rates(con, home, first, last, named)
    return report


def profit_inputs(con, tz: str, home: str | None) -> tuple[ProfitInputs | None, list[dict] | None]:
    """(what the profit layer needs, or None when the seller gave no cost input; the exchange rates used)."""
    used = None
    if _has_table(con, "fx_used"):
        rows = con.execute("SELECT rates FROM fx_used").fetchall()
        converted_to = con.execute("SELECT any_value(home) FROM fx_used").fetchone()[0]
        if converted_to and home != converted_to:
            raise InputError(
                f"the orders were converted to {converted_to}; analyse them with --home-currency {converted_to}"
            )
        used = [r for (text,) in rows for r in json.loads(text)] or None
    if not _has_table(con, "fee_rules"):
        return None, used
    return ProfitInputs(tz=tz, home=home), used


def scenario_costs(con, *, currency: str, tz: str, home: str | None):
    """The scenario model's channel costs measured from the seller's cost inputs (product margin and fee rate of
    each channel over the last 90 days), monthly fees kept from the defaults; None without cost inputs."""

    profit, _ = profit_inputs(con, tz, home)
    if profit is None:
        return None
    rates = channel_rates(con, currency=currency, inputs=profit)
    margins = [(r["margin"], r["costed_share"]) for r in rates.values() if r["margin"] is not None]
    overall = sum(m * w for m, w in margins) / sum(w for _, w in margins) if margins else None
    channels = dict(DEFAULT_COSTS)
    for c, r in rates.items():
        base = channels.get(c, ChannelCost(0.0))
        channels[c] = ChannelCost(
            fee_rate=min(max(r["fee_rate"], 0.0), 1.0),
            monthly_fee=base.monthly_fee,
            margin=None if r["margin"] is None else min(max(r["margin"], 0.0), 1.0),
            note="measured from your product costs and fee schedule over the last 90 days",
        )
    if overall is None:
        return Costs(channels=channels)
    return Costs(margin=min(max(overall, 0.0), 1.0), channels=channels)
