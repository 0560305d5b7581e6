"""python -m impact fx: which currency rates the analysis converts with, and --update to fetch the ECB's latest."""

from __future__ import annotations

import json

from ..costs.fx import RatesInfo, load_rates, update
from ..settings import load_settings
from ..store import session_db
from .options import add_json


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "fx",
        help="show the ECB euro reference rates used to convert currencies, or --update them",
        description="Show the ECB euro foreign exchange reference rates the analysis converts order currencies with "
        "(source, first and last day, currencies); --update downloads the ECB's current history "
        "(IMPACT_FX_URL) to IMPACT_FX_RATES.",
    )
    p.add_argument("--update", action="store_true", help="download the ECB's current rates history first")
    add_json(p, "the rates' description")
    p.set_defaults(func=run)


def _json(info: RatesInfo) -> dict:
    return {
        "source": info.source,
        "path": info.path,
        "first_day": info.first_day.isoformat(),
        "last_day": info.last_day.isoformat(),
        "days": info.days,
        "currencies": list(info.currencies),
        "retired": list(info.retired),
    }


def _current(settings) -> RatesInfo:
    con = session_db(settings)
    try:
        return load_rates(con, settings=settings)
    finally:
        con.close()


def _text(info: RatesInfo) -> str:
    lines = [
        f"source: {info.source}",
        f"days: {info.first_day} to {info.last_day} ({info.days} ECB working days)",
        f"currencies: {', '.join(info.currencies)}",
    ]
    if info.retired:
        lines.append(f"no longer quoted: {', '.join(info.retired)}")
    return "\n".join(lines)


def run(args) -> int:
    settings = load_settings()
    if not args.update:
        info = _current(settings)
        print(json.dumps(_json(info), indent=2) if args.json else _text(info))
        return 0
    before = _current(settings)
    update(settings)
    after = _current(settings)  # what the analysis will use now, read back through the same loader
    changed = after.last_day > before.last_day
    if args.json:
        print(json.dumps({"changed": changed, "before": _json(before), "after": _json(after)}, indent=2))
        return 0
    if changed:
        added = sorted(set(after.currencies) - set(before.currencies))
        dropped = sorted(set(before.currencies) - set(after.currencies))
        print(f"updated: the rates now end {after.last_day} (they ended {before.last_day})")
        if added:
            print(f"new currencies: {', '.join(added)}")
        if dropped:
            print(f"no longer quoted: {', '.join(dropped)}")
    else:
        print(f"already up to date: the ECB's history ends {after.last_day}, as the rates in use")
    print(_text(after))
    return 0
