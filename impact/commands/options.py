"""Every option that several commands share, declared once, and the converters from parsed arguments to the
service's inputs. A command adds the groups it needs; the same flag then has the same type, default and meaning
in every command, and a bad value is an InputError (one line, exit 2) rather than an argparse usage dump."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from .. import present
from ..errors import InputError, UnknownFormatError, WindowError
from ..service import Options, load_costs, load_in_zone, resolve_options, with_default_channels
from ..store import CHANNELS
from ..windows import Window, covers, scope_name, split_scope, window_from_strings
from ..zone import computer_zone

WINDOW_HELP = "outage start and end, ISO 8601 with Z or an offset, e.g. 2025-10-20T06:48Z 2025-10-20T13:15Z"


def add_input(p, *, required: bool = True) -> None:
    """FILE..., --tz and --map: what to read and how. `required=False` for commands that also work without files."""
    p.add_argument(
        "files",
        nargs="+" if required else "*",
        metavar="FILE",
        help="order exports (CSV or tab-separated), and shipping files that add ship times and promises to their "
        "orders (ShipStation shipments export, Amazon Unshipped Orders report); the header tells which is which",
    )
    add_reading(p)


def add_reading(p) -> None:
    """--tz and --map: how the files are read, for commands whose files come from elsewhere (a portfolio)."""
    p.add_argument(
        "--tz",
        default=None,
        help="your time zone, e.g. America/New_York. It changes the estimate: orders are compared on your local "
        "hours, days and weekdays, and timestamps without an offset are read in it. Default: IMPACT_DEFAULT_TZ, "
        "else read from your files (Shopify's offsets, local times and your buyers' country, the quiet night hours "
        "of an Amazon report), else UTC; the output says which and why",
    )
    p.add_argument(
        "--map",
        dest="mapping",
        default=None,
        metavar="FIELD=COLUMN,...",
        help="column mapping for a CSV that is not a known export, e.g. "
        "'order_id=Order,purchased_at=Date,revenue=Total,channel_value=walmart'; a mapping with order_id and "
        "shipped_at but no purchase date reads shipments, e.g. 'order_id=Order,shipped_at=Shipped,carrier=Carrier'; "
        "date_order=day_first (31/12/2023) or date_order=month_first (12/31/2023) says how slash dates are written "
        "when the file cannot tell (every day is 12 or less), for known exports too, e.g. --map date_order=day_first",
    )


def add_window(p, *, required: bool, several: bool = True) -> None:
    """--window START END, repeatable; `several=False` for commands that cover one window (checked by windows())."""
    more = "; repeat for several windows" if several else ""
    p.add_argument(
        "--window",
        nargs=2,
        action="append",
        default=None if required else [],
        required=required,
        metavar=("START", "END"),
        help=WINDOW_HELP + more,
    )


def add_channels(p, what: str = "affected channels", default: str = "all", *, scopes: bool = False) -> None:
    more = (
        "; CHANNEL:MARKETPLACE scopes the outage to one marketplace's orders inside a channel, e.g. "
        "'shopify:TikTok Shop' (the channel's other orders are then a control)"
        if scopes
        else ""
    )
    p.add_argument(
        "--channels",
        default="",
        metavar="CHANNEL,...",
        help=f"{what}, comma-separated, e.g. amazon,ebay (of {', '.join(CHANNELS)}; default: {default}){more}",
    )


def add_currency(p, help: str = "analyse orders in this currency when the files have several") -> None:
    p.add_argument("--currency", default=None, help=help)


def add_confidence(p) -> None:
    p.add_argument(
        "--confidence",
        type=float,
        default=None,
        help="confidence level of the intervals, 0.5 to 0.99 (default 0.9 or IMPACT_CONFIDENCE)",
    )


def add_estimate(p) -> None:
    """--recovery-hours and --confidence: how the loss is estimated."""
    p.add_argument(
        "--recovery-hours",
        type=float,
        default=None,
        metavar="H",
        help="hours after the window in which lost orders may come back (default 24 or IMPACT_RECOVERY_HOURS)",
    )
    p.add_argument(
        "--recovery-until-normal",
        action="store_const",
        const="until-normal",
        default=None,
        dest="recovery_mode",
        help="end the recovery period once the affected channels' sales are back within their normal band for "
        "IMPACT_RECOVERY_NORMAL_HOURS (3) hours in a row, --recovery-hours at most (default: IMPACT_RECOVERY_MODE, "
        "'fixed')",
    )
    add_confidence(p)


def add_shipments(p) -> None:
    """The shipping promise: --ship-sla-hours and --business-days."""
    p.add_argument(
        "--ship-sla-hours",
        type=float,
        default=None,
        metavar="H",
        help="handling time promised to buyers, for orders whose export has no ship-by date "
        "(default 48, or IMPACT_SHIP_SLA_HOURS)",
    )
    p.add_argument(
        "--business-days",
        action="store_true",
        help="count the handling time on Monday-Friday only (UTC), e.g. 48 h = 2 business days",
    )


def add_costs(p) -> None:
    """The profit inputs: --costs, --ads, --fees, --costs-map and --home-currency."""
    p.add_argument(
        "--costs",
        action="append",
        default=[],
        metavar="FILE",
        help="product costs (Shopify products export, or sku,unit_cost[,currency,valid_from,valid_to] CSV) or "
        "Amazon's FBA fee preview report; repeatable. Adds profit to the result",
    )
    p.add_argument(
        "--ads",
        action="append",
        default=[],
        metavar="[CHANNEL=]FILE",
        help="advertising spend (Amazon Ads Sponsored Products, Google Ads, Meta Ads or date,hour,channel,spend "
        "CSV); CHANNEL= names the channel Google or Meta ads sell on (default: the seller's own store); repeatable",
    )
    p.add_argument(
        "--fees",
        default=None,
        metavar="CHANNEL=PCT%[+FIXED],...",
        help="what the named channels pay in place of every default fee, e.g. 'amazon=15%%,shopify=2.9%%+0.30' "
        "(percent of line revenue plus a fixed amount per order)",
    )
    p.add_argument(
        "--costs-map",
        dest="costs_mapping",
        default=None,
        metavar="FIELD=COLUMN,...",
        help="column mapping for a product-cost CSV with other headers, e.g. 'sku=Item code,unit_cost=Cost'",
    )
    p.add_argument(
        "--home-currency",
        default=None,
        metavar="CUR",
        help="convert every amount to this currency at the ECB euro reference rate of its day, e.g. EUR",
    )


def add_analysis(p, channels: str = "affected channels") -> None:
    """Everything that decides an analysis' figures besides the files and windows."""
    add_channels(p, channels, scopes=True)
    add_currency(p)
    add_estimate(p)
    add_shipments(p)
    add_costs(p)


def add_json(p, what: str = "the result") -> None:
    p.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def add_out(p, what: str, *, required: bool = True, stdout: bool = True) -> None:
    more = " ('-' for standard output)" if stdout else ""
    p.add_argument("--out", required=required, metavar="FILE", help=f"{what} to write{more}")


def add_policy(p, *, required: bool) -> None:
    """The insurance policy a claim (or the scenarios' "would cover have paid?") runs through; docs/claims.md."""
    p.add_argument(
        "--policy",
        required=required,
        default=None,
        choices=("bi", "cyber", "parametric"),
        help="business interruption (gross profit), cyber dependent business interruption, or parametric outage cover",
    )
    p.add_argument(
        "--waiting-hours",
        type=float,
        default=None,
        metavar="H",
        help="waiting period in hours (cyber, parametric; default none)",
    )
    p.add_argument(
        "--waiting-mode",
        default=None,
        metavar="MODE",
        help="qualifying (exceeded: covered from the first hour; cyber default) or retention (its hours "
        "never covered; parametric default)",
    )
    p.add_argument("--deductible", default=None, metavar="AMOUNT", help="money retention per outage (bi, cyber)")
    p.add_argument("--limit", default=None, metavar="AMOUNT", help="the most the policy pays (default no limit)")
    p.add_argument(
        "--indemnity-days",
        type=float,
        default=None,
        metavar="DAYS",
        help="indemnity period from the outage's start (bi, cyber; default: the whole loss and recovery)",
    )
    p.add_argument("--hourly-sum", default=None, metavar="AMOUNT", help="parametric sum per hour of outage")
    p.add_argument(
        "--gross-profit-rate",
        default=None,
        metavar="PCT",
        help="rate of gross profit, e.g. 35 or 35%%, in place of the one the cost files give",
    )
    p.add_argument(
        "--continuing-expenses",
        default=None,
        metavar="AMOUNT",
        help="operating expenses per hour that continued during the outage (cyber)",
    )
    p.add_argument(
        "--extra-expenses",
        default=None,
        metavar="FILE",
        help="ledger CSV of extra expenses: date,description,amount,receipt[,shortfall_avoided]",
    )
    p.add_argument(
        "--incident",
        default=None,
        metavar="ID",
        help="catalog outage whose incident window a parametric cover pays on (default: the catalog "
        "entry overlapping the window, else the window)",
    )


# ---------------------------------------------------------------------------------------------------------------
# Converters


def parse_mapping(text: str | None) -> dict | None:
    """'FIELD=COLUMN,...' -> {field: column}, or None without --map."""
    if not text:
        return None
    mapping = {}
    for part in text.split(","):
        if "=" not in part:
            raise InputError(f"--map expects FIELD=COLUMN pairs separated by commas, got '{part}'")
        key, value = part.split("=", 1)
        mapping[key.strip()] = value.strip()
    return mapping


def parse_channels(text: str | None, flag: str = "--channels", *, scopes: bool = False) -> list[str]:
    """'amazon, Ebay' -> ['amazon', 'ebay'], each a known channel, in the order given and without repeats. With
    `scopes`, 'shopify:TikTok Shop' names one marketplace's orders inside a channel (its spelling kept)."""
    names: list[str] = []
    for raw in (text or "").split(","):
        if not raw.strip():
            continue
        c, marketplace = split_scope(raw)
        if marketplace is not None and not scopes:
            raise InputError(f"{flag}: '{raw.strip()}' names a marketplace; give channels only, e.g. {c}")
        if c not in CHANNELS:
            raise InputError(f"{flag}: '{c}' is not a channel; use one of {', '.join(CHANNELS)}.")
        if marketplace == "":
            raise InputError(f"{flag}: '{raw.strip()}' has no marketplace after the colon, e.g. 'shopify:TikTok Shop'")
        c = scope_name(raw)
        if c not in names:
            names.append(c)
    return names


def channels(args) -> tuple[str, ...]:
    return tuple(parse_channels(getattr(args, "channels", "")))


def windows(args, *, title: str = "", several: bool = True) -> list[Window]:
    """The --window pairs as Windows on the --channels, checked before any file is read: a typo costs nothing."""
    pairs = args.window or []
    if not several and len(pairs) > 1:
        raise InputError(f"{args.command} covers one outage window: give --window START END once")
    hit = parse_channels(getattr(args, "channels", ""), scopes=True)
    return [window_from_strings(s, e, hit, title=title) for s, e in pairs]


def resolve_channels(con, windows: list[Window], opts: Options, groups=None) -> list[Window]:
    """The windows with their affected channels filled in by the service's one rule (impact.service.default_channels):
    --channels when given, else the known outage's, else the detected drop's, else all, as the app does. `groups`:
    the import's grouped scan of the lines (IngestReport.groups), which knows the seller's channels."""
    sold = groups.channels() if groups is not None else None
    return with_default_channels(con, windows, opts, sold=sold)[0]


def options(args) -> Options:
    """The run's resolved options: what the arguments say, settings (IMPACT_* variables) for the rest."""
    return resolve_options(
        tz=getattr(args, "tz", None),
        currency=getattr(args, "currency", None),
        confidence=getattr(args, "confidence", None),
        recovery_hours=getattr(args, "recovery_hours", None),
        sla_hours=getattr(args, "ship_sla_hours", None),
        business_days=bool(getattr(args, "business_days", False)),
        fees=getattr(args, "fees", None),
        home_currency=getattr(args, "home_currency", None),
        recovery_mode=getattr(args, "recovery_mode", None),
    )


def load_from_args(args, opts: Options | None = None, *, keep_groups: bool = False):
    """Ingest the command's FILE arguments into a fresh session database: (connection, IngestReport, Options), the
    options' zone settled (--tz, else read from the files; see service.load_in_zone). keep_groups: the report keeps
    its grouped scan of the lines for the analysis that follows (report.groups; None once costs are loaded, whose
    home-currency conversion rewrites the lines)."""
    opts = opts or options(args)
    # The CLI runs on the seller's own computer more often than not: its zone is what the browser's is to the app.
    try:
        con, report, opts = load_in_zone(
            args.files, opts, mapping=parse_mapping(args.mapping), computer=computer_zone(), keep_groups=keep_groups
        )
    except UnknownFormatError:
        _cost_file_among_orders(args.files, hasattr(args, "ads"))
        raise
    costs, ads = getattr(args, "costs", None) or [], getattr(args, "ads", None) or []
    if costs or ads or opts.fees or opts.home_currency:
        mapping = parse_mapping(getattr(args, "costs_mapping", None))
        report.costs = load_costs(con, opts, costs=costs, ads=ads, mapping=mapping)
        report.groups = None
    return con, report, opts


def _cost_file_among_orders(files, takes_costs: bool) -> None:
    """A product cost, fee or ad spend file given as an order export: one sentence saying where it goes, in place
    of asking for a column mapping (the app's upload slots say the same: impact.slots)."""
    # Deferred: only a file of no known order format gets here, and impact.slots brings the cost readers with it.
    from ..slots import WHAT, kind_of

    for path in files:
        kind = kind_of(path, Path(path).name)
        if kind in ("costs", "ads"):
            where = (
                f"give it after --{kind}"
                if takes_costs
                else f"the analyze, report, claim, scenarios and share commands take it after --{kind}"
            )
            raise InputError(f"{Path(path).name} is {WHAT[kind]}, not an order export: {where}")


def utc_text(instant) -> str:
    """'2025-10-20T21:20:00Z' -> '2025-10-20 21:20 UTC': an instant as the commands write their windows, what a
    terminal user types back into --window."""
    return present.local_time(instant, "UTC", "%Y-%m-%d %H:%M", zone=True)


def zone_line(opts: Options) -> str:
    """'Time zone: America/New_York, from the offsets in orders_export_1.csv.' and what disagrees, for a terminal."""
    guess = opts.zone
    if guess is None:
        return f"Time zone: {opts.tz}."
    return " ".join([f"Time zone: {guess.sentence}.", *(f"Note: {n}." for n in guess.notes)])


def _amount(text: str | None, flag: str):
    if text is None:
        return None

    raw = text.strip().replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InputError(f"{flag} expects an amount such as 1000 or 250.50, got '{text}'") from None
    if not value.is_finite():
        raise InputError(f"{flag} expects a finite amount, got '{text}'")
    return value


def policy(args):
    """The --policy options as an impact.claim.ClaimPolicy (None without --policy); ClaimPolicy checks that they
    agree with each other and with the kind of policy."""
    kind = getattr(args, "policy", None)
    if kind is None:
        given = [
            f
            for f in (
                "waiting_hours",
                "waiting_mode",
                "deductible",
                "limit",
                "indemnity_days",
                "hourly_sum",
                "gross_profit_rate",
                "continuing_expenses",
                "extra_expenses",
                "incident",
            )
            if getattr(args, f, None) is not None
        ]
        if given:
            raise InputError(f"--{given[0].replace('_', '-')} is a policy term: give --policy bi|cyber|parametric")
        return None

    # Deferred: only the commands with --policy need the claim package (impact.service says why).
    from ..claim import ClaimPolicy

    rate = getattr(args, "gross_profit_rate", None)
    if rate is not None:
        try:
            rate = float(rate.strip().rstrip("%")) / 100
        except ValueError:
            raise InputError(f"--gross-profit-rate expects a percentage such as 35 or 35%, got '{rate}'") from None
    return ClaimPolicy(
        kind=kind,
        waiting_hours=args.waiting_hours,
        waiting_mode=args.waiting_mode,
        deductible=_amount(args.deductible, "--deductible"),
        limit=_amount(args.limit, "--limit"),
        indemnity_days=args.indemnity_days,
        hourly_sum=_amount(args.hourly_sum, "--hourly-sum"),
        gross_profit_rate=rate,
        continuing_expenses=_amount(args.continuing_expenses, "--continuing-expenses"),
        extra_expenses=args.extra_expenses,
        incident=args.incident,
    )


def check_covered(con, report, windows, opts: Options) -> None:
    """WindowError for a window the orders cannot speak to, naming the outages found in the data instead."""
    for w in windows:
        if not covers(report.first, report.last, w):
            # Only here: detection and the catalog are not worth loading (requests, feeds) for a window that fits.
            from ..outages.suggest import outside_message

            raise WindowError(outside_message(con, report.first, report.last, w, tz=opts.tz, currency=opts.currency))
