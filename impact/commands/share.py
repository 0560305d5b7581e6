"""python -m impact share : create a read-only share link for an analysis, list active shares, revoke one."""

from __future__ import annotations

import json

from ..errors import InputError, ShareError
from ..service import share_analysis
from ..share import create_share, list_shares, revoke_share, revoke_share_id
from ..share.url_builder import share_param
from . import options


def register(sub) -> None:
    p = sub.add_parser(
        "share",
        help="create, list or revoke read-only share links",
        description="Create a share link for the analysis of FILE... over --window (the link shows results and "
        "charts, never order-level data), list active shares, or revoke one. The token is printed once "
        "and only its hash is stored.",
    )
    options.add_input(p, required=False)
    options.add_window(p, required=False)
    options.add_analysis(p, "channels the outage hit")
    p.add_argument(
        "--expires-days",
        type=int,
        default=None,
        metavar="N",
        help="days until the link stops working (default 30 or IMPACT_SHARE_EXPIRES_DAYS)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="list active shares (id, created, expires; never tokens)")
    mode.add_argument("--revoke", metavar="TOKEN", default=None, help="revoke the share with this token or link")
    mode.add_argument("--revoke-id", metavar="ID", default=None, help="revoke a share by the id --list shows")
    p.add_argument("--all", action="store_true", help="with --list: include expired and revoked shares")
    options.add_json(p, "the link, the list or the outcome")
    p.set_defaults(func=run)


def create_from_files(args) -> dict:
    """Ingest FILE..., analyse the windows, save the scrubbed snapshot; the link as JSON."""
    if not args.window:
        raise InputError("give the outage to share with --window START END")
    windows = options.windows(args)
    opts = options.options(args)
    con, report, opts = options.load_from_args(args, opts)
    try:
        snapshot = share_analysis(con, report, windows, opts)
    finally:
        con.close()
    return create_share(snapshot, expires_days=args.expires_days, settings=opts.settings).to_json()


def _human_list(rows: list[dict]) -> str:
    if not rows:
        return "no active shares"
    lines = [f"{'id':<12}  {'created (UTC)':<20}  {'expires (UTC)':<20}  {'status':<7}  shared"]
    for r in rows:
        lines.append(
            f"{r['id']:<12}  {r['created']:<20}  {r['expires'] or 'never':<20}  {r['status']:<7}  {r['label']}"
        )
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
        print(
            f"Share link (read-only, works until {link['expires']}; shown once, keep it):\n{link['url']}\n"
            f"id {link['id']} (revoke with: python -m impact share --revoke-id {link['id']})"
        )
    return 0
