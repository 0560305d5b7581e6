"""The policy arithmetic of a claim, as pure functions on plain numbers (no DuckDB, no files): business interruption
on a gross-profit basis (`bi`), a cyber policy's dependent business interruption (`cyber`) and parametric outage
cover (`parametric`). impact.claim.statement feeds them the analysis' figures; docs/claims.md states the method.

Money is Decimal to the cent (ROUND_HALF_UP): every amount shown is the sum of the amounts shown above it, so an
adjuster re-adding the statement gets the same cents. Shares and rates stay floats until they multiply money.
Every function that takes a loss with its interval evaluates the same arithmetic at the low, central and high
loss: deductibles, caps and limits are monotone, so the results are the interval of the claim.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..errors import InputError

KINDS = ("bi", "cyber", "parametric")
MODES = ("qualifying", "retention")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Which options each kind of policy reads; anything else given with it contradicts the policy (one InputError).
ALLOWED = {
    "bi": {"deductible", "limit", "indemnity_days", "gross_profit_rate", "extra_expenses"},
    "cyber": {
        "waiting_hours",
        "waiting_mode",
        "deductible",
        "limit",
        "indemnity_days",
        "gross_profit_rate",
        "continuing_expenses",
        "extra_expenses",
    },
    "parametric": {"waiting_hours", "waiting_mode", "hourly_sum", "limit", "gross_profit_rate", "incident"},
}
FLAGS = {
    "waiting_hours": "--waiting-hours",
    "waiting_mode": "--waiting-mode",
    "deductible": "--deductible",
    "limit": "--limit",
    "indemnity_days": "--indemnity-days",
    "hourly_sum": "--hourly-sum",
    "gross_profit_rate": "--gross-profit-rate",
    "continuing_expenses": "--continuing-expenses",
    "extra_expenses": "--extra-expenses",
    "incident": "--incident",
}
# Terms beyond these are typing slips, not policies: a waiting period of more than a year, an indemnity period of
# more than ten years, an amount above a trillion in any currency.
MAX_WAITING_HOURS = 8760
MAX_DAYS = 3660
MAX_AMOUNT = Decimal("1000000000000")
# A cyber waiting period is most often written as a qualifying period; a parametric cover pays the hours beyond it.
DEFAULT_MODE = {"bi": None, "cyber": "qualifying", "parametric": "retention"}


def to_cents(x) -> Decimal:
    """An amount (int, float, str or Decimal) to the cent; floats through their shortest repr, so 0.1 is 0.10."""
    if isinstance(x, Decimal):
        d = x
    else:
        try:
            d = Decimal(repr(x) if isinstance(x, float) else str(x))
        except InvalidOperation:
            raise InputError(f"'{x}' is not an amount") from None
    if not d.is_finite():
        raise InputError(f"'{x}' is not a finite amount")
    if d.adjusted() >= 15:
        # Beyond any seller's money, and beyond what quantize can hold to the cent (it would raise InvalidOperation).
        raise InputError(f"'{x}' is too large to be an amount")
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def times(share: float, amount: Decimal) -> Decimal:
    """share x amount to the cent: the one place a float meets money."""
    return to_cents(Decimal(repr(float(share))) * amount)


def out(x: Decimal | None) -> float | None:
    """Money as the JSON writes it (the analysis' figures are floats with two decimals too)."""
    return None if x is None else float(x) + 0.0  # + 0.0: no "-0.0" in the JSON


@dataclass(frozen=True)
class ClaimPolicy:
    """The terms of one policy. Amounts in the analysis' currency; `limit` None = no limit. Invalid or contradicting
    terms raise InputError naming the CLI flag, since that is where a seller typed them.

    kind: 'bi', 'cyber' or 'parametric'. waiting_hours/waiting_mode: the waiting period and whether it is a
    qualifying period (exceeded: covered from the first hour) or a time retention (its hours never covered).
    deductible: the money retention per outage. indemnity_days: how long after the outage began loss counts.
    hourly_sum: parametric sum per hour. gross_profit_rate: a share 0-1 given in place of the cost layer's.
    continuing_expenses: operating expenses per hour that continued during the outage (cyber).
    incident: a catalog id whose incident window a parametric cover pays on."""

    kind: str
    waiting_hours: float | None = None
    waiting_mode: str | None = None
    deductible: Decimal | None = None
    limit: Decimal | None = None
    indemnity_days: float | None = None
    hourly_sum: Decimal | None = None
    gross_profit_rate: float | None = None
    continuing_expenses: Decimal | None = None
    extra_expenses: str | None = None  # the ledger's path, kept for the statement's parameters
    incident: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise InputError(f"--policy must be one of {', '.join(KINDS)}, not '{self.kind}'")
        given = {k for k in FLAGS if getattr(self, k) is not None}
        wrong = sorted(given - ALLOWED[self.kind], key=list(FLAGS).index)
        if wrong:
            raise InputError(
                f"{FLAGS[wrong[0]]} does not apply to a {self.kind} policy (it takes "
                f"{', '.join(FLAGS[k] for k in FLAGS if k in ALLOWED[self.kind])})"
            )
        if self.waiting_mode is not None and self.waiting_hours is None:
            raise InputError("--waiting-mode needs --waiting-hours: the mode says how that waiting period applies")
        if self.waiting_mode is not None and self.waiting_mode not in MODES:
            raise InputError(f"--waiting-mode must be qualifying or retention, not '{self.waiting_mode}'")
        for name, unit, most in (("waiting_hours", "hours", MAX_WAITING_HOURS), ("indemnity_days", "days", MAX_DAYS)):
            v = getattr(self, name)
            if v is not None and not (math.isfinite(v) and 0 <= v <= most):
                raise InputError(f"{FLAGS[name]} must be between 0 and {most:,} {unit}, not {v:g}")
        if self.indemnity_days == 0:
            raise InputError("--indemnity-days must be more than 0: an indemnity period of no days covers nothing")
        for name in ("deductible", "limit", "hourly_sum", "continuing_expenses"):
            v = getattr(self, name)
            if v is None:
                continue
            try:
                amount = to_cents(v)
            except InputError:
                amount = None
            if amount is None or not 0 <= amount <= MAX_AMOUNT:
                raise InputError(f"{FLAGS[name]} must be an amount of 0 or more, at most {MAX_AMOUNT:,.0f}, not {v}")
        if self.limit is not None and to_cents(self.limit) == 0:
            raise InputError("--limit must be more than 0 (leave it out for no limit)")
        if self.kind == "parametric" and self.hourly_sum is None:
            raise InputError("a parametric policy pays a sum per hour: give --hourly-sum AMOUNT")
        rate = self.gross_profit_rate
        if rate is not None and not (math.isfinite(rate) and 0 < rate <= 1):
            raise InputError(f"--gross-profit-rate must be between 0 and 100%, not {rate:g}")

    @property
    def waiting(self) -> float:
        return float(self.waiting_hours or 0.0)

    @property
    def mode(self) -> str | None:
        return self.waiting_mode or DEFAULT_MODE[self.kind]

    @property
    def indemnity_hours(self) -> float | None:
        return None if self.indemnity_days is None else 24.0 * self.indemnity_days

    def terms(self, loss: Decimal) -> Decimal:
        """The deductible, then the limit, on one outage's loss."""
        return apply_terms(loss, deductible=self.deductible, limit=self.limit)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "waiting_hours": self.waiting_hours,
            "waiting_mode": self.mode if self.kind != "bi" else None,
            "deductible": out(to_cents(self.deductible or 0)),
            "limit": out(None if self.limit is None else to_cents(self.limit)),
            "indemnity_days": self.indemnity_days,
            "hourly_sum": out(None if self.hourly_sum is None else to_cents(self.hourly_sum)),
            "gross_profit_rate": self.gross_profit_rate,
            "continuing_expenses_per_hour": out(
                None if self.continuing_expenses is None else to_cents(self.continuing_expenses)
            ),
            "extra_expenses": self.extra_expenses,
            "incident": self.incident,
        }


def apply_terms(loss: Decimal, *, deductible=None, limit=None) -> Decimal:
    """min(limit, max(0, loss - deductible)): what a policy pays on one loss."""
    paid = max(ZERO, to_cents(loss) - to_cents(deductible or 0))
    return paid if limit is None else min(paid, to_cents(limit))


# ---------------------------------------------------------------------------------------------------------------
# Time: waiting periods and the hour-by-hour split of a loss


@dataclass(frozen=True)
class Bin:
    """One bin of the hourly workings, in hours since the outage began: [t0, t1) and the amount in it (lost
    revenue = expected - actual for the outage; recaptured = actual - expected for the recovery)."""

    t0: float
    t1: float
    amount: float


def covered_span(outage_hours: float, waiting_hours: float, mode: str, indemnity_hours: float | None = None):
    """(first, last) covered hour since the outage began, or None when nothing is covered.

    qualifying: an outage longer than the waiting period is covered from its first hour; a shorter one not at all.
    retention: the waiting period's hours are never covered, only those after it. The indemnity period, counted
    from the outage's start, ends the cover either way."""
    end = outage_hours if indemnity_hours is None else min(outage_hours, indemnity_hours)
    if mode == "qualifying":
        first = 0.0 if outage_hours > waiting_hours else None
    elif mode == "retention":
        first = waiting_hours
    else:
        raise InputError(f"the waiting mode must be qualifying or retention, not '{mode}'")
    if first is None or first >= end:
        return None
    return first, end


def amount_in(bins: Sequence[Bin], a: float, b: float) -> float:
    """The bins' amount inside [a, b] (hours since the outage began), each bin's amount spread evenly over it."""
    return sum(x.amount * max(0.0, min(b, x.t1) - max(a, x.t0)) / (x.t1 - x.t0) for x in bins if x.t1 > x.t0)


def share_in(bins: Sequence[Bin], a: float, b: float) -> float:
    """The share of the bins' total amount that falls in [a, b] (hours since the outage began), each bin's amount
    spread evenly over its span. When the bins sum to about nothing the share of their time stands in, since
    there is no loss shape to follow."""
    bins = [x for x in bins if x.t1 > x.t0]
    if not bins or b <= a:
        return 0.0
    lo, hi = min(x.t0 for x in bins), max(x.t1 for x in bins)
    if a <= lo and b >= hi:
        return 1.0  # exactly, not 0.9999...: a claim over the whole period equals the analysis' figure

    def part(x: Bin) -> float:
        return max(0.0, min(b, x.t1) - max(a, x.t0)) / (x.t1 - x.t0)

    total = sum(x.amount for x in bins)
    if abs(total) < 0.005:
        span = sum(x.t1 - x.t0 for x in bins)
        return min(max(sum(part(x) * (x.t1 - x.t0) for x in bins) / span, 0.0), 1.0)
    return min(max(sum(part(x) * x.amount for x in bins) / total, 0.0), 1.0)


# ---------------------------------------------------------------------------------------------------------------
# Business interruption, gross-profit basis


def standard_turnover(prior: float, recent: float, year_before: float) -> tuple[Decimal, float] | None:
    """(standard turnover, trend factor): the corresponding period's turnover a year before x the trend, the
    ratio of the 4 weeks before the outage to the same 4 weeks a year earlier. None without a base to trend on."""
    if year_before <= 0 or recent < 0 or prior < 0:
        return None
    trend = recent / year_before
    return times(trend, to_cents(prior)), trend


def gross_profit_rate(*, revenue_lost: float, costs_saved: float, fees_saved: float) -> dict:
    """The rate of gross profit from the profit layer: 1 - (goods + fees) / turnover, on the turnover the outage
    took (the usual SKU mix at the outage day's costs); goods and fees are the costs that did not continue."""
    if revenue_lost <= 0:
        raise InputError(
            "the rate of gross profit cannot be read from a window that lost no revenue: give --gross-profit-rate"
        )
    goods, fees = costs_saved / revenue_lost, fees_saved / revenue_lost
    return {"rate": 1 - goods - fees, "goods_rate": goods, "fees_rate": fees, "source": "cost files (profit layer)"}


def icow_allowed(expenses: Iterable[tuple[Decimal, Decimal | None]], rate: float, gross_profit_lost: Decimal) -> dict:
    """Increased cost of working within the economic limit. expenses: (amount, turnover it saved or None).

    An expense that names the turnover it saved is recoverable up to rate x that turnover; the rest together up to
    the loss of gross profit, which is the most any extra cost can have avoided."""
    claimed = named = unnamed = ZERO
    for amount, avoided in expenses:
        claimed += to_cents(amount)
        if avoided is None:
            unnamed += to_cents(amount)
        else:
            named += min(to_cents(amount), times(rate, to_cents(avoided)))
    allowed = named + min(unnamed, max(gross_profit_lost, ZERO))
    return {"claimed": claimed, "allowed": allowed, "capped": claimed - allowed, "named": named, "other": unnamed}


def bi(
    policy: ClaimPolicy,
    *,
    shortfall: Mapping[str, float],
    rate: Mapping[str, float | str],
    standard: Mapping,
    actual: float,
    expenses: Sequence[tuple[Decimal, Decimal | None]] = (),
    indemnity_share: float = 1.0,
    recapture: Recapture | None = None,
) -> dict:
    """Loss of gross profit = rate x shortfall, less the gross profit recaptured after the outage inside the
    indemnity period (as the cyber basis nets it), plus increased cost of working within its economic limit, less
    the deductible, within the limit.

    shortfall: {'central', 'low', 'high'} standard turnover - actual turnover (low/high None without an interval).
    rate: gross_profit_rate()'s dict, or {'rate': r, 'source': ...} when the seller gave it. standard: the standard
    turnover's workings (shown as given). indemnity_share: the share of the shortfall inside the indemnity period.
    recapture: recapture_in_indemnity()'s figures (none netted when not given)."""
    # Rates to 4 decimals (a percentage to 2): the adjuster recomputes the claim from the rate the statement shows.
    r = round(float(rate["rate"]), 4)
    rec = recapture or Recapture({"value": 0.0, "low": 0.0, "high": 0.0}, 0.0, "no recapture measured")

    def at(short: float, recaptured: float) -> dict:
        s = times(indemnity_share, to_cents(short))
        lgp = times(r, s)
        # What did not continue: goods at their share of the turnover lost, fees the rest of the shortfall.
        goods = times(float(rate["goods_rate"]), s) if "goods_rate" in rate else s - lgp
        netted = netted_recapture(1.0, recaptured)
        icow = icow_allowed(expenses, r, lgp)
        loss = lgp - netted + icow["allowed"]
        return {
            "shortfall": s,
            "goods": goods,
            "fees": s - lgp - goods,
            "lgp": lgp,
            "netted": netted,
            "icow": icow,
            "loss": loss,
            "claim": policy.terms(loss),
        }

    c = at(shortfall["central"], rec.points["value"])
    lo = at(shortfall["low"], rec.points["low"]) if shortfall.get("low") is not None else None
    hi = at(shortfall["high"], rec.points["high"]) if shortfall.get("high") is not None else None

    def fig(key: str, sub: str | None = None) -> dict:
        def get(x):
            return None if x is None else (x[key][sub] if sub else x[key])

        return {"value": out(get(c)), "low": out(get(lo)), "high": out(get(hi))}

    return {
        "standard_turnover": dict(standard),
        "actual_turnover": out(to_cents(actual)),
        "shortfall": fig("shortfall"),
        "indemnity_share": indemnity_share,
        "rate_of_gross_profit": {**rate, "rate": r},
        "savings": {"goods": fig("goods"), "fees": fig("fees")},
        "loss_of_gross_profit": fig("lgp"),
        "recaptured_profit": rec.points,
        "recapture_rule": rec.rule,
        "recapture_netted": fig("netted"),
        "increased_cost_of_working": {
            "claimed": out(c["icow"]["claimed"]),
            "allowed": fig("icow", "allowed"),
            "over_economic_limit": out(c["icow"]["capped"]),
            # The workbook recomputes the cap: expenses naming the turnover they saved (allowed up to their own
            # limit) and the others, capped together at the gross profit lost.
            "named_allowed": out(c["icow"]["named"]),
            "other_claimed": out(c["icow"]["other"]),
        },
        "loss": fig("loss"),
        "deductible": out(to_cents(policy.deductible or 0)),
        "claim": fig("claim"),
        "limit_applied": policy.limit is not None and c["claim"] == to_cents(policy.limit),
    }


# ---------------------------------------------------------------------------------------------------------------
# Recapture inside the indemnity period, and cyber: dependent business interruption


@dataclass(frozen=True)
class Recapture:
    """The gross profit recaptured after the outage inside the indemnity period: {'value', 'low', 'high'} paired
    with the profit lost's ends (so that lost - recaptured is the profit layer's net interval), the central figure
    unrounded, and the rule used in words."""

    points: dict
    central: float
    rule: str


def netted_recapture(share: float, recaptured: float) -> Decimal:
    """The recapture a claim nets: the covered hours' share of it, and never a negative one. Sales below the
    baseline after the outage are not claimed: the cover is for the outage, and that shortfall is within the
    baseline's ordinary variation more often than not, so netting it would raise the claim above the loss."""
    return times(share, to_cents(max(recaptured, 0.0)))


def recapture_in_indemnity(
    policy: ClaimPolicy,
    *,
    outage_hours: float,
    profit: Mapping[str, float],
    recapture_bins: Sequence[Bin] = (),
    recovery_hours: float = 0.0,
    margin: float = 0.0,
    recapture_hours: float | None = None,
    recapture_share: float = 1.0,
) -> Recapture:
    """The profit recaptured inside the indemnity period, at the profit block's three points. When the indemnity
    period ends inside the recovery period, only the recovery hours inside it count: their hourly recapture at the
    margin (a share of the total would flip sign when the recovery has hours above and below the baseline), read as
    the recapture estimate reads them (its first `recapture_hours`, `recapture_share` of their excess), with the
    interval's half-widths in proportion to the recovery time kept."""
    rec = float(profit["recaptured"])
    rec_low = float(profit["lost_low"]) - float(profit["net_lost_low"])
    rec_high = float(profit["lost_high"]) - float(profit["net_lost_high"])
    ind, rec_end = policy.indemnity_hours, outage_hours + recovery_hours
    rule = "all the recapture of the recovery period (the indemnity period holds it)"
    if ind is not None and ind < rec_end:
        kept = min(max((ind - outage_hours) / recovery_hours, 0.0), 1.0) if recovery_hours > 0 else 0.0
        read_end = ind if recapture_hours is None else min(ind, outage_hours + recapture_hours)
        inside = 0.0
        if read_end > outage_hours:
            inside = amount_in(recapture_bins, outage_hours, read_end) * recapture_share * margin
        rec_low, rec_high = inside + (rec_low - rec) * kept, inside + (rec_high - rec) * kept
        rec = inside
        rule = (
            f"the recapture of the first {max(ind - outage_hours, 0.0):g} h after the outage, inside the "
            f"indemnity period, from the hourly workings at the {100 * margin:.1f}% margin"
        )
    points = {"value": round(rec, 2), "low": round(rec_low, 2), "high": round(rec_high, 2)}
    return Recapture(points, rec, rule)


def cyber(
    policy: ClaimPolicy,
    *,
    outage_hours: float,
    profit: Mapping[str, float],
    loss_bins: Sequence[Bin],
    recapture_bins: Sequence[Bin] = (),
    recovery_hours: float = 0.0,
    margin: float = 0.0,
    extra_expenses: Decimal = ZERO,
    recapture_hours: float | None = None,
    recapture_share: float = 1.0,
) -> dict:
    """Income loss = the net profit the covered hours lost, less the recapture inside the indemnity period, plus
    operating expenses that continued during the covered hours, plus extra expenses; less the deductible (money
    retention), within the limit.

    profit: the window's profit figures {lost, lost_low, lost_high, recaptured, net_lost_low, net_lost_high} (gross
    profit lost, with no other cost taken off unless given). loss_bins: the outage's hourly lost revenue, which
    splits the loss between covered and waiting hours; the rest as recapture_in_indemnity reads them."""
    span = covered_span(outage_hours, policy.waiting, policy.mode, policy.indemnity_hours)
    # The share to 4 decimals and the hours to 2, as the statement shows them: the adjuster recomputes from those.
    share = 0.0 if span is None else round(share_in(loss_bins, *span), 4)
    covered_hours = 0.0 if span is None else round(span[1] - span[0], 2)
    continuing = times(covered_hours, to_cents(policy.continuing_expenses or 0))
    extra = to_cents(extra_expenses)
    rec = recapture_in_indemnity(
        policy,
        outage_hours=outage_hours,
        profit=profit,
        recapture_bins=recapture_bins,
        recovery_hours=recovery_hours,
        margin=margin,
        recapture_hours=recapture_hours,
        recapture_share=recapture_share,
    )
    lost = {"value": float(profit["lost"]), "low": float(profit["lost_low"]), "high": float(profit["lost_high"])}
    central = {**rec.points, "value": rec.central}

    def at(k: str) -> dict:
        covered = times(share, to_cents(lost[k]))
        netted = netted_recapture(share, central[k])
        income = covered - netted
        loss = income + continuing + extra
        return {"covered": covered, "netted": netted, "income": income, "loss": loss, "claim": policy.terms(loss)}

    res = {k: at(k) for k in ("value", "low", "high")}

    def fig(key: str) -> dict:
        return {k: out(res[k][key]) for k in ("value", "low", "high")}

    return {
        "outage_hours": outage_hours,
        "waiting_hours": policy.waiting,
        "waiting_mode": policy.mode,
        "covered_from_hour": None if span is None else span[0],
        "covered_to_hour": None if span is None else span[1],
        "covered_hours": covered_hours,
        "covered_share_of_loss": share,
        "profit_lost": lost,
        "profit_lost_covered": fig("covered"),
        "recaptured_profit": rec.points,
        "recapture_rule": rec.rule,
        "recapture_netted": fig("netted"),
        "income_loss": fig("income"),
        "continuing_expenses": out(continuing),
        "extra_expenses": out(extra),
        "loss": fig("loss"),
        "deductible": out(to_cents(policy.deductible or 0)),
        "claim": fig("claim"),
        "limit_applied": policy.limit is not None and res["value"]["claim"] == to_cents(policy.limit),
    }


# ---------------------------------------------------------------------------------------------------------------
# Parametric


def parametric_hours(incident_hours: float, waiting_hours: float, mode: str) -> float:
    """The hours a parametric cover pays: those beyond the waiting period (retention), or all of them once it is
    exceeded (qualifying)."""
    span = covered_span(incident_hours, waiting_hours, mode)
    return 0.0 if span is None else span[1] - span[0]


def parametric(policy: ClaimPolicy, *, incident_hours: float, measured: Mapping[str, float | None] | None) -> dict:
    """paid = min(limit, paid hours x hourly sum), on the provider's incident window, beside the measured loss:
    `difference` > 0 is over-compensation, < 0 the part of the loss the cover left with the seller."""
    hours = parametric_hours(incident_hours, policy.waiting, policy.mode)
    gross = times(hours, to_cents(policy.hourly_sum or 0))
    paid = gross if policy.limit is None else min(gross, to_cents(policy.limit))
    diff = None
    if measured is not None:
        # Paid minus loss: a high loss is the low end of the difference.
        diff = {
            k: None if measured.get(src) is None else out(paid - to_cents(measured[src]))
            for k, src in (("value", "value"), ("low", "high"), ("high", "low"))
        }
    return {
        "incident_hours": incident_hours,
        "waiting_hours": policy.waiting,
        "waiting_mode": policy.mode,
        "paid_hours": hours,
        "hourly_sum": out(to_cents(policy.hourly_sum or 0)),
        "before_limit": out(gross),
        "claim": {"value": out(paid), "low": out(paid), "high": out(paid)},
        "measured_loss": dict(measured) if measured is not None else None,
        "difference": diff,
        "limit_applied": policy.limit is not None and paid == to_cents(policy.limit) and gross > paid,
    }


def aggregate(claims: Sequence[Mapping[str, float | None]], limit) -> dict:
    """The windows' claims added (each end of the interval added to its like: the windows share one baseline, so
    their errors move together), then the limit as an aggregate over them."""

    def total(key: str):
        vals = [c.get(key) for c in claims]
        if any(v is None for v in vals):
            return None
        s = sum((to_cents(v) for v in vals), ZERO)
        return out(s if limit is None else min(s, to_cents(limit)))

    return {k: total(k) for k in ("value", "low", "high")}
