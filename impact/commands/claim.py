"""python -m impact claim FILE... --window START END --policy bi|cyber|parametric : the claim statement."""

from __future__ import annotations

import json

from .. import present
from ..claim.pack import write_pack
from ..present import format_money_ascii
from ..service import claim, claim_evidence
from . import options


def register(sub) -> None:
    p = sub.add_parser(
        "claim",
        help="an insurance claim statement for outage windows (business interruption, cyber, parametric)",
        description="Take the analysis of each outage window through a policy's arithmetic: business interruption "
        "on a gross-profit basis, cyber dependent business interruption (waiting period, indemnity period, "
        "recapture netted) or parametric cover, with the method, the base period, the assumptions and an index of "
        "exhibits. docs/claims.md states the method.",
    )
    options.add_input(p)
    options.add_window(p, required=True)
    options.add_analysis(p)
    options.add_policy(p, required=True)
    options.add_json(p, "the claim statement")
    options.add_out(p, "the claim pack (zip: PDF statement, workbook, CSVs, manifest)", required=False)
    p.set_defaults(func=run)


def _fig(f: dict, cur: str | None, pct: str) -> str:
    text = format_money_ascii(f["value"], cur)
    if f.get("low") is not None and f.get("high") is not None and (f["low"], f["high"]) != (f["value"], f["value"]):
        text += f" ({pct} interval {format_money_ascii(f['low'], cur)} to {format_money_ascii(f['high'], cur)})"
    return text


def human(st: dict) -> str:
    cur, pct = st["currency"], present.percent(st.get("confidence") or 0.9)
    pol = st["policy"]
    out = [f"{pol['kind']} claim. {st['method']}"]
    for w in st["windows"]:
        k = w["workings"]
        out.append(f"{w['start']} to {w['end']} ({w['hours']:g} h) on {', '.join(w['channels'] or ['all'])}:")
        if pol["kind"] == "bi":
            s = k["standard_turnover"]
            out.append(
                f"  standard turnover {format_money_ascii(s['value'], cur)} ({s['basis']}); actual {format_money_ascii(k['actual_turnover'], cur)}"
            )
            out.append(
                f"  shortfall {_fig(k['shortfall'], cur, pct)}; rate of gross profit "
                f"{present.percent(k['rate_of_gross_profit']['rate'], 1)}"
            )
            out.append(
                f"  less goods {format_money_ascii(k['savings']['goods']['value'], cur)} and fees "
                f"{format_money_ascii(k['savings']['fees']['value'], cur)} that did not continue: loss of gross profit "
                f"{_fig(k['loss_of_gross_profit'], cur, pct)}"
            )
            icow = k["increased_cost_of_working"]
            out.append(
                f"  increased cost of working {format_money_ascii(icow['claimed'], cur)}, allowed "
                f"{format_money_ascii(icow['allowed']['value'], cur)}"
            )
        elif pol["kind"] == "cyber":
            out.append(
                f"  covered {k['covered_hours']:g} of {k['outage_hours']:g} h (waiting {k['waiting_hours']:g} h, "
                f"{k['waiting_mode']}): profit lost {_fig(k['profit_lost_covered'], cur, pct)}"
            )
            out.append(
                f"  recapture netted {format_money_ascii(k['recapture_netted']['value'], cur)}; income loss "
                f"{_fig(k['income_loss'], cur, pct)}; continuing expenses {format_money_ascii(k['continuing_expenses'], cur)}"
                f"; extra expenses {format_money_ascii(k['extra_expenses'], cur)}"
            )
        else:
            inc = w["incident"]
            out.append(
                f"  incident {inc['start']} to {inc['end']} ({inc['hours']:g} h; {inc['source']}"
                f"{', ' + inc['url'] if inc.get('url') else ''})"
            )
            out.append(f"  paid hours {k['paid_hours']:g} x {format_money_ascii(k['hourly_sum'], cur)}")
            m = k["measured_loss"]
            out.append(
                f"  measured loss ({m['basis']}) {_fig(m, cur, pct)}; paid minus loss "
                f"{format_money_ascii(k['difference']['value'], cur)}"
            )
        if pol["kind"] != "parametric":
            out.append(f"  loss {_fig(k['loss'], cur, pct)}; deductible {format_money_ascii(k['deductible'], cur)}")
        out.append(f"  claim {_fig(w['claim'], cur, pct)}" + (" (limit reached)" if k["limit_applied"] else ""))
    if len(st["windows"]) > 1:
        out.append(f"total claim {_fig(st['total']['claim'], cur, pct)}")
    out += [f"assumption: {a}" for a in st["assumptions"]]
    return "\n".join(out)


def run(args) -> int:
    windows = options.windows(args)
    opts = options.options(args)
    policy = options.policy(args)  # contradicting terms cost nothing: checked before the files are read
    con, report = options.load_from_args(args, opts)
    options.check_covered(con, report, windows, opts)
    windows = options.resolve_channels(con, windows, opts)
    st = claim(con, windows, opts, policy, extra_expenses=args.extra_expenses)
    if args.out:
        inputs = [
            *args.files,
            *(args.costs or []),
            *(a.split("=", 1)[-1] for a in args.ads or []),
            *([args.extra_expenses] if args.extra_expenses else []),
        ]
        write_pack(
            st,
            args.out,
            inputs=inputs,
            ingest=report.to_json(),
            affected_orders=claim_evidence(con, windows, opts),
            tz=opts.tz,
        )
    if args.json:
        print(json.dumps({"ingest": report.to_json(), **st}, indent=1, default=str))
    elif args.out != "-":
        print(human(st))
    return 0
