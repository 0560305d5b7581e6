"""python -m impact scenarios FILE... : channel mix, HHI, what-if mixes for an outage, and yearly outage risk."""

from __future__ import annotations

import json
import math

from ..claim.cover import simulate_cover
from ..errors import InputError
from ..scenarios import DEFAULT_DEPENDENCIES, ScenarioModel, edit_rates, load_rates, parse_mix, parse_move
from ..service import scenario_model
from ..windows import Window
from . import options


def register(sub) -> None:
    p = sub.add_parser(
        "scenarios",
        help="channel mix, HHI, what-if mixes and yearly outage risk",
        description="Current channel mix and concentration (HHI); what the analysed outage would have cost under other "
        "mixes; a Monte Carlo of yearly outage loss per mix; and the net benefit after channel fees. "
        "Every default (outage rates, dependencies, fees, margins) is an editable assumption.",
    )
    options.add_input(p)
    options.add_window(p, required=False)
    p.add_argument(
        "--provider",
        default=None,
        help="provider(s) behind the outage, e.g. aws: every channel depending on them counts as hit",
    )
    p.add_argument(
        "--mix",
        action="append",
        default=[],
        metavar="CHANNEL=SHARE,...",
        help="a target mix, e.g. amazon=0.5,shopify=0.3,ebay=0.2; repeat for several",
    )
    p.add_argument(
        "--move",
        action="append",
        default=[],
        metavar="FROM:FRACTION:TO",
        help="a mix made by moving demand, e.g. amazon:0.3:shopify or amazon:30%%:shopify+ebay",
    )
    p.add_argument(
        "--transfer",
        type=float,
        default=1.0,
        help="share of moved demand that arrives at the new channels (default 1; the rest is lost)",
    )
    p.add_argument("--years", type=int, default=10_000, help="simulated years (default 10000)")
    p.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same years (default 1)")
    p.add_argument("--rates", default=None, metavar="CSV", help="provider outage rates (default data/outage_rates.csv)")
    p.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="PROVIDER=EVENTS",
        help="override a provider's events per year, e.g. aws=2",
    )
    p.add_argument(
        "--depends",
        action="append",
        default=[],
        metavar="CHANNEL=P1+P2",
        help="which providers a channel goes down with, e.g. woocommerce=aws+cloudflare",
    )
    p.add_argument(
        "--fee", action="append", default=[], metavar="CHANNEL=RATE", help="channel fee rate, e.g. amazon=0.15"
    )
    p.add_argument(
        "--monthly-fee",
        action="append",
        default=[],
        metavar="CHANNEL=AMOUNT",
        help="fixed monthly fee of a channel, e.g. shopify=39",
    )
    p.add_argument(
        "--margin",
        action="append",
        default=[],
        metavar="RATE|CHANNEL=RATE",
        help="product margin before channel fees, overall (0.3) or per channel (amazon=0.25)",
    )
    p.add_argument("--sweep", default=None, metavar="CHANNEL", help="add loss against this channel's share (0-100%%)")
    p.add_argument(
        "--period",
        default="month",
        choices=("day", "week", "month", "quarter"),
        help="period for the mix history (default month)",
    )
    options.add_analysis(p, "channels the outage hit")
    options.add_policy(p, required=False)
    options.add_json(p, "the results")
    p.set_defaults(func=run)


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    out = {}
    for item in items:
        for part in item.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise InputError(f"{flag} expects NAME=VALUE, got '{part.strip()}'.")
            k, v = part.split("=", 1)
            out[k.strip().lower()] = v.strip()
    return out


def _number(text: str, flag: str) -> float:
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise InputError(f"{flag}: '{text}' is not a number.") from None
    if not math.isfinite(value):
        raise InputError(f"{flag}: '{text}' is not a finite number.")
    return value


def build_model(con, args, opts: options.Options | None = None) -> tuple[ScenarioModel, dict, list[Window]]:
    """Everything the command computes, from an ingested connection and parsed arguments."""
    windows = options.windows(args)
    if (args.channels or args.provider) and not windows:
        raise InputError("--channels and --provider describe an analysed outage: give its --window START END too.")
    rates = load_rates(args.rates)
    rate_edits = {p: {"events_per_year": _number(v, "--rate")} for p, v in _pairs(args.rate, "--rate").items()}
    rates = edit_rates(rates, rate_edits)
    deps = dict(DEFAULT_DEPENDENCIES)
    for c, v in _pairs(args.depends, "--depends").items():
        deps[c] = tuple(p.strip().lower() for p in v.replace(";", "+").split("+") if p.strip())

    overall, per_channel = None, {}
    for item in args.margin:
        if "=" in item:
            per_channel |= {c: _number(v, "--margin") for c, v in _pairs([item], "--margin").items()}
        else:
            overall = _number(item, "--margin")
    edits = {
        "margin": overall,
        "margins": per_channel,
        "fee_rates": {c: _number(v, "--fee") for c, v in _pairs(args.fee, "--fee").items()},
        "monthly_fees": {c: _number(v, "--monthly-fee") for c, v in _pairs(args.monthly_fee, "--monthly-fee").items()},
    }
    model, analysis = scenario_model(
        con,
        windows,
        opts or options.options(args),
        providers=(args.provider or "").split(","),
        dependencies=deps,
        rates=rates,
        cost_edits=edits,
        transfer=args.transfer,
        years=args.years,
        seed=args.seed,
        period=args.period,
    )
    return model, {"windows": [w.to_json() for w in windows], "analysis": analysis}, windows


def run(args) -> int:
    options.windows(args)  # a bad window or channel costs nothing: checked before the files are read
    opts = options.options(args)
    policy = options.policy(args)
    if policy is not None and (policy.extra_expenses or policy.incident):
        raise InputError("--extra-expenses and --incident belong to a claim; the scenarios simulate outages instead")
    con, _, opts = options.load_from_args(args, opts)
    model, extra, _ = build_model(con, args, opts)
    mixes = [parse_mix(m) for m in args.mix] + [parse_move(m, model.current_shares) for m in args.move]
    out = model.to_json(mixes)
    out["windows"] = extra["windows"]
    if args.sweep:
        out["sweep"] = {"channel": args.sweep, "rows": model.sweep(options.parse_channels(args.sweep, "--sweep")[0])}
    if policy is not None:
        out["cover"] = simulate_cover(model, policy)
    if args.json:
        print(json.dumps(out, indent=1, default=str))
    else:
        print(human(out))
    return 0


def _m(v) -> str:
    return "-" if v is None else f"{v:,.0f}"


def human(out: dict) -> str:
    cur = out["current"]
    money = f" ({out['currency']})" if out.get("currency") else ""
    lines = [
        f"Current mix: {', '.join(f'{c} {100 * s:.1f}%' for c, s in cur['shares'].items())}; "
        f"HHI {cur['hhi']:,.0f} (10,000 = one channel)"
    ]
    header = (
        f"{'mix':<40} {'HHI':>6} {'window lost':>12} {'exp./yr':>10} {'p95/yr':>10} {'worst/yr':>10} "
        f"{'risk cut/yr':>12} {'net/yr':>10}"
    )
    lines += [
        "",
        f"Outage loss{money}; risk cut (margin no longer lost to outages) and net benefit after fees, "
        "both against today:",
        header,
    ]
    rows = [("current", cur)] + [(s["label"], s) for s in out["scenarios"]]
    for label, r in rows:
        lines.append(
            f"{label[:40]:<40} {r['hhi']:>6,.0f} {_m(r.get('window_lost')):>12} "
            f"{_m(r['annual_expected_loss']):>10} {_m(r['annual_p95_loss']):>10} "
            f"{_m(r['annual_worst_loss']):>10} {_m(r['annual_risk_reduction']):>12} "
            f"{_m(r['annual_net_benefit']):>10}"
        )
    a = out["assumptions"]
    lines += [
        "",
        f"{a['years']:,} simulated years, seed {a['seed']}; transfer of moved demand {a['transfer']:.0%}. "
        "Outage rates, dependencies, fees and margins are editable assumptions: see --json for each with its source.",
    ]
    c = out.get("cover")
    if c:
        lines += [
            "",
            f"Would {c['policy']['kind']} cover have paid? Expected yearly recovery {_m(c['expected_yearly_recovery'])}"
            f" (the break-even premium) of an expected yearly loss {_m(c['expected_yearly_loss'])}; left uncovered "
            f"{_m(c['expected_uncovered'])} a year; {100 * c['p_exceeds_retention']:.1f}% of years pay something.",
        ]
    return "\n".join(lines)
