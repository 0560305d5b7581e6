"""python -m impact share : create a read-only share link for an analysis, list active shares, revoke one."""

from __future__ import annotations

import importlib
import json

from ..errors import InputError, ShareError
from ..settings import load_settings
from ..share import build_snapshot, create_share, list_shares, revoke_share, revoke_share_id
from ..store import CHANNELS
from ..url_builder import share_param
from ..windows import Window, parse_utc
from .ingest import load


def register(sub) -> None:
    p = sub.add_parser(
        "share", help="create, list or revoke read-only share links",
        description="Create a share link for the analysis of FILE... over --window (the link shows results and "
                    "charts, never order-level data), list active shares, or revoke one. The token is printed once "
                    "and only its hash is stored.")
    p.add_argument("files", nargs="*", metavar="FILE", help="order exports to analyse and share")
    p.add_argument("--tz", default=None, help="time zone of timestamps without an offset (default UTC)")
    p.add_argument("--map", dest="mapping", default=None, metavar="FIELD=COLUMN,...",
                   help="column mapping for a CSV that is not a known export")
    p.add_argument("--window", nargs=2, action="append", default=[], metavar=("START", "END"),
                   help="the outage, ISO 8601 with Z or offset; repeat for several")
    p.add_argument("--channels", default=None, help="channels the outage hit, e.g. amazon,shopify (default: all)")
    p.add_argument("--recovery-hours", type=int, default=None, help="hours after a window to count recapture")
    p.add_argument("--confidence", type=float, default=None, help="confidence level of the loss interval")
    p.add_argument("--expires-days", type=int, default=None, metavar="N",
                   help="days until the link stops working (default 30 or IMPACT_SHARE_EXPIRES_DAYS)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="list active shares (id, created, expires; never tokens)")
    mode.add_argument("--revoke", metavar="TOKEN", default=None, help="revoke the share with this token or link")
    mode.add_argument("--revoke-id", metavar="ID", default=None, help="revoke a share by the id --list shows")
    p.add_argument("--all", action="store_true", help="with --list: include expired and revoked shares")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _channel_list(text: str | None) -> list[str]:
    names = [c.strip().lower() for c in (text or "").split(",") if c.strip()]
    for c in names:
        if c not in CHANNELS:
            raise InputError(f"'{c}' is not a channel; use one of {', '.join(CHANNELS)}.")
    return names


def _analysis_json(con, windows: list[Window], args, settings) -> dict:
    try:
        analysis = importlib.import_module("impact.analysis")
    except ModuleNotFoundError:
        raise InputError("Sharing an analysis needs the revenue analysis, which this build does not include yet.") \
            from None
    result = analysis.analyze(
        con, windows,
        recovery_hours=args.recovery_hours if args.recovery_hours is not None else settings.recovery_hours,
        confidence=args.confidence if args.confidence is not None else settings.confidence,
    )
    return result.to_json() if hasattr(result, "to_json") else result


def create_from_files(args) -> dict:
    """Ingest FILE..., analyse the windows, save the scrubbed snapshot; the link as JSON."""
    if not args.window:
        raise InputError("give the outage to share with --window START END")
    settings = load_settings()
    hit = tuple(_channel_list(args.channels))
    windows = [Window(parse_utc(s), parse_utc(e), channels=hit, source="manual") for s, e in args.window]
    con, report = load(args)
    try:
        analysis = _analysis_json(con, windows, args, settings)
    finally:
        con.close()
    snapshot = build_snapshot(
        settings={
            "tz": args.tz or settings.default_tz,
            "confidence": args.confidence if args.confidence is not None else settings.confidence,
            "recovery_hours": args.recovery_hours if args.recovery_hours is not None else settings.recovery_hours,
            "channels": list(hit),
        },
        windows=windows, analysis=analysis, ingest=report,
    )
    return create_share(snapshot, expires_days=args.expires_days, settings=settings).to_json()


def _human_list(rows: list[dict]) -> str:
    if not rows:
        return "no active shares"
    lines = [f"{'id':<12}  {'created (UTC)':<20}  {'expires (UTC)':<20}  {'status':<7}  shared"]
    for r in rows:
        lines.append(f"{r['id']:<12}  {r['created']:<20}  {r['expires'] or 'never':<20}  {r['status']:<7}  {r['label']}")
    return "\n".join(lines)


def run(args) -> int:
    managing = args.list or args.revoke is not None or args.revoke_id is not None
    if managing and (args.files or args.window):
        raise InputError("--list, --revoke and --revoke-id take no FILE or --window")
    if args.all and not args.list:
        raise InputError("--all goes with --list")
    if args.list:
        rows = list_shares(include_inactive=args.all)
        print(json.dumps(rows, indent=1) if args.json else _human_list(rows))
        return 0
    if args.revoke is not None or args.revoke_id is not None:
        if args.revoke is not None:
            # Accept the token or the whole link, as the user has it.
            done, what = revoke_share(share_param(args.revoke) or ""), "this token"
        else:
            done, what = revoke_share_id(args.revoke_id), f"id {args.revoke_id}"
        if not done:
            raise ShareError(f"no active share has {what}")
        print(json.dumps({"revoked": True}) if args.json else "revoked: the link no longer works")
        return 0
    if not args.files:
        raise InputError("give FILE... and --window START END to create a share, or use --list / --revoke")
    link = create_from_files(args)
    if args.json:
        print(json.dumps({k: link[k] for k in ("token", "url", "expires", "id")}, indent=1))
    else:
        print(f"Share link (read-only, works until {link['expires']}; shown once, keep it):\n{link['url']}\n"
              f"id {link['id']} (revoke with: python -m impact share --revoke-id {link['id']})")
    return 0
