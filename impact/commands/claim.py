"""python -m impact claim FILE... --window START END --policy bi|cyber|parametric : the claim statement."""

from __future__ import annotations

import json

from .. import present
from ..claim.lines import window_lines
from ..claim.manifest import KIND_NAMES, Figure, statement_view
from ..claim.pack import write_pack
from ..present import format_money_ascii
from ..service import claim, claim_evidence
from ..settings import Settings
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
    cover = p.add_argument_group("the statement's cover page (left as a line to fill where not given)")
    for flag, what in (
        ("--insured", "the insured business, as named on the policy"),
        ("--policy-number", "the policy's number"),
        ("--incident-ref", "the incident's reference (default: the provider's incident matching the window)"),
        ("--incident-source", "the incident's public source, e.g. the provider's status page or post-incident report"),
        ("--prepared-by", "who prepared the statement"),
    ):
        cover.add_argument(flag, default=None, metavar="TEXT", help=what)
    options.add_json(p, "the claim statement")
    options.add_out(p, "the claim pack (zip: PDF statement, workbook, CSVs, manifest)", required=False)
    p.set_defaults(func=run)


def _cells(value, cur: str, pct: str) -> str:
    if not isinstance(value, Figure):
        return str(value)
    text = format_money_ascii(value.value, cur)
    low, high = format_money_ascii(value.low, cur), format_money_ascii(value.high, cur)
    if value.paired_ends:
        text += f" ({value.ends_text(low, high)})"
    elif (value.low, value.high) != (value.value, value.value):
        text += f" ({pct} range {low} to {high})"
    return text


def human(st: dict, tz: str = "UTC") -> str:
    """The statement as the PDF words it: each window's lines (label, figure, how it is computed), the total."""
    view = statement_view(st)
    cur, pct = view.currency, present.percent(view.confidence or Settings().confidence)
    out = [f"{KIND_NAMES[view.kind]} claim. {view.method}"]
    for w in view.windows:
        out.append(f"{present.local_window(w.start, w.end, tz, zone=True)} ({w.hours:.1f} h), {w.title}:")
        for label, how, value in window_lines(view, w, tz):
            out.append(f"  {label}: {_cells(value, cur, pct)}" + (f"  [{how}]" if how else ""))
    if len(view.windows) > 1:
        out.append(f"Total claim: {_cells(view.claim, cur, pct)}")
    out += [f"Assumption: {a}" for a in view.assumptions]
    return "\n".join(out)


def run(args) -> int:
    windows = options.windows(args)
    opts = options.options(args)
    policy = options.policy(args)  # contradicting terms cost nothing: checked before the files are read
    con, report, opts = options.load_from_args(args, opts)
    options.check_covered(con, report, windows, opts)
    windows = options.resolve_channels(con, windows, opts)
    cover = {
        "insured": args.insured,
        "policy_number": args.policy_number,
        "incident_reference": args.incident_ref,
        "incident_source": args.incident_source,
        "prepared_by": args.prepared_by,
    }
    st = claim(con, windows, opts, policy, extra_expenses=args.extra_expenses, cover=cover)
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
        print(human(st, opts.tz))
    return 0
