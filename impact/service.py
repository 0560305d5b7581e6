"""The one wiring between the seller's files and every result: the CLI commands call it, and the app and the HTML
report are meant to, so that the same files, windows and options give the same figures everywhere.

    opts = resolve_options(tz="America/New_York", currency="USD")    # impact.options: built once, at the edge
    con, report = load_files(paths, tz=opts.tz)
    con, report, opts = load_in_zone(paths, opts)       # or: the zone read from the files when none was given
    result = run_analysis(con, [window], opts)          # impact.analysis.analyze with the options, whole
    view = window_view(result.to_json())                # impact.views: one window's figures, flattened

impact.analysis.analyze stays the engine; this module composes it with the cost layer, shipments, the scenario
model, claims, appeals and the share snapshot, and owns no estimation of its own.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .errors import ImpactError, InputError, WindowError
from .ingest import IngestReport, ingest_files
from .options import Options, resolve_options
from .present import format_channels
from .settings import Settings
from .store import session_db
from .windows import Window, iso_utc, split_scope
from .zone import resolve_zone

if TYPE_CHECKING:
    from .analysis import Analysis
    from .scenarios import ScenarioModel
    from .scenarios.mix import Profile

# The engine (impact.analysis with the cost layer, shipments and scenarios, and numpy under them: ~0.09 s of
# imports, 3% of `impact analyze` on the 2 M-line benchmark report) is not imported at the top: load_files starts its
# import in a thread, where it runs while DuckDB parses the files (the parse releases the GIL), so that a command
# starts its parse at once. Every function below that imports a module where it runs first waits for that thread
# (_engine), then imports what it uses, a look-up by then: two threads importing the same modules at once could each
# hold a module lock the other waits on. The app imports the engine with its screens; the thread then has nothing to do.
ENGINE = (
    "impact.analysis",
    "impact.costs.layer",
    "impact.outages.match",
    "impact.scenarios",
    "impact.scenarios.costs",
    "impact.shipments",
)
_engine_import: threading.Thread | None = None

__all__ = [
    "ChannelChoice",
    "Options",
    "affected_channels",
    "appeal_metrics",
    "appeal_package",
    "claim",
    "claim_evidence",
    "claim_pack",
    "default_channels",
    "ingest_view",
    "late_orders",
    "load_costs",
    "load_files",
    "load_in_zone",
    "marketplace_scopes",
    "measured_from_analysis",
    "measured_inputs",
    "resolve_options",
    "run_analysis",
    "scenario_model",
    "seller_channels",
    "share_analysis",
    "share_snapshot",
    "shipments",
    "with_channels",
    "with_default_channels",
]


def _import_engine() -> None:
    try:
        for name in ENGINE:
            importlib.import_module(name)
    except Exception:  # noqa: BLE001 - the function that needs the module imports it again and says why it cannot
        pass


def _start_engine_import() -> None:
    """Import the engine in a thread, unless it is imported already (see ENGINE)."""
    global _engine_import
    if _engine_import is None and not all(name in sys.modules for name in ENGINE):
        _engine_import = threading.Thread(target=_import_engine, name="impact-engine-import", daemon=True)
        _engine_import.start()


def _engine() -> None:
    """Wait until the engine's import, if one was started, is done: a second thread importing its modules meanwhile
    could wait on a module lock the first holds while the first waits on one it holds."""
    if _engine_import is not None:
        _engine_import.join()


def load_files(
    files: Sequence,
    *,
    tz: str | None = None,
    mapping: dict | None = None,
    settings: Settings | None = None,
    keep_groups: bool = False,
) -> tuple:
    """Ingest files into a fresh session database: (connection, IngestReport). keep_groups: see ingest_files."""
    _start_engine_import()
    con = session_db(settings)
    return con, ingest_files(con, list(files), tz=tz, mapping=mapping, settings=settings, keep_groups=keep_groups)


def marketplace_scopes(con) -> dict[str, list[str]]:
    """Channel -> the 'channel:Marketplace' scopes an outage window can name, for each channel whose orders come
    from more than one marketplace (a Shopify store with TikTok Shop orders synced in), most revenue first."""
    rows = con.execute(
        """SELECT channel, marketplace FROM lines
           WHERE status IS DISTINCT FROM 'cancelled' AND marketplace IS NOT NULL
           GROUP BY ALL ORDER BY channel, sum(coalesce(revenue, 0)) DESC, marketplace"""
    ).fetchall()
    out: dict[str, list[str]] = {}
    for channel, marketplace in rows:
        out.setdefault(channel, []).append(f"{channel}:{marketplace}")
    return {c: scopes for c, scopes in out.items() if len(scopes) > 1}


def load_in_zone(
    files: Sequence,
    opts: Options,
    *,
    mapping: dict | None = None,
    browser: str | None = None,
    computer: str | None = None,
    keep_groups: bool = False,
) -> tuple:
    """Ingest files and settle the zone the analysis runs in: (connection, IngestReport, Options with `tz` and
    `zone`). A zone the seller named (opts.tz_given) is used as given; otherwise it is read from the files
    (impact.zone: their offsets, local times and country, the browser's or computer's zone, the hours of the day in UTC-only
    files), and files whose times carry no offset are read again in that zone, exactly as with --tz."""
    con, report = load_files(files, tz=opts.tz, mapping=mapping, settings=opts.settings, keep_groups=keep_groups)
    given_by = "--tz" if opts.tz != opts.settings.default_tz else "IMPACT_DEFAULT_TZ"
    guess = resolve_zone(con, opts.tz if opts.tz_given else None, given_by=given_by, browser=browser, computer=computer)
    if (
        guess.zone != opts.tz
        and con.execute("SELECT EXISTS (SELECT 1 FROM import_zone WHERE utc_offset_min IS NULL)").fetchone()[0]
    ):
        con.close()
        con, report = load_files(files, tz=guess.zone, mapping=mapping, settings=opts.settings, keep_groups=keep_groups)
    return con, report, replace(opts, tz=guess.zone, zone=guess)


def load_costs(con, opts: Options, *, costs: Sequence = (), ads: Sequence = (), mapping: dict | None = None):
    """Add the seller's cost inputs to an ingested session: product costs and FBA fees (`costs`), ad spend
    (`ads`), the fee schedule (defaults with opts.fees in place of the named channels' fees) and, with a home
    currency, every amount converted at the ECB rate of its day. Returns the costs' import report (None when only a
    home currency was asked for). From then on every analysis of `con` carries a profit block."""
    _engine()
    from .costs import layer  # the engine: see ENGINE

    return layer.load_costs(
        con,
        tz=opts.tz,
        home=opts.home_currency,
        fees=opts.fees,
        costs=costs,
        ads=ads,
        mapping=mapping,
        currency=opts.currency,
        settings=opts.settings,
    )


# ---------------------------------------------------------------------------------------------------------------
# The affected channels: one rule for every caller


@dataclass(frozen=True)
class ChannelChoice:
    """The channels an outage window is analysed on, where they came from and one sentence saying so.

    source: 'given' (the user named them), 'catalog' (a known outage that overlaps the window lists them),
    'detected' (the seller's own orders dropped on them in the window) or 'all' (nothing names them)."""

    channels: tuple[str, ...]
    source: str
    reason: str

    def to_json(self) -> dict:
        return {"channels": list(self.channels), "source": self.source, "reason": self.reason}


def seller_channels(con) -> tuple[str, ...]:
    """The channels the session's orders come from, in name order."""
    return tuple(r[0] for r in con.execute("SELECT DISTINCT channel FROM lines ORDER BY 1").fetchall())


def _catalog_choice(window: Window, sold: tuple[str, ...], catalog) -> tuple[ChannelChoice | None, Window | None]:
    """(the channels of the first known outage overlapping the window that hit one of the seller's, the first
    overlapping outage at all)."""
    _engine()
    from .outages.match import match_catalog  # the engine: see ENGINE

    entries = match_catalog(Window(window.start, window.end), catalog)
    for entry in entries:
        hit = tuple(c for c in sold if not entry.channels or c in entry.channels)
        if hit:
            every = "" if entry.channels else ", every channel"
            return ChannelChoice(hit, "catalog", f"the {entry.title} hit {format_channels(hit)}{every}"), entry
    return None, (entries[0] if entries else None)


def _detected_choice(con, window: Window, sold, opts: Options) -> ChannelChoice | None:
    _engine()
    # Deferred, as the claim and share imports below: the detector's, the claim packs' and the share links'
    # modules are not what an analysis needs, and `impact analyze` loaded them at every start (~0.02 s).
    from .outages.detect import detect
    from .outages.match import overlap_hours  # the engine: see ENGINE

    try:
        found = detect(con, currency=opts.currency, tz=opts.tz).detections
    except ImpactError:
        return None  # too little history to scan: the rule falls through to every channel
    hit = tuple(c for c in sold if any(d.channel == c and overlap_hours(window, d.window) > 0 for d in found))
    if not hit:
        return None
    return ChannelChoice(hit, "detected", f"your {format_channels(hit)} orders dropped in this window")


def default_channels(
    con, window: Window, opts: Options, *, sold: Sequence[str] | None = None, catalog=None, detection: bool = True
) -> ChannelChoice:
    """The channels to analyse `window` on: the ones named on it, else those a known outage overlapping it hit, else
    those whose orders the detector found dropping in it, else all of the seller's. The app, the CLI, the report,
    share links and portfolio rows all take their channels from here, so the same files give the same figures.
    `sold`: the seller's channels when the caller has them already; `detection=False` skips the scan."""
    if isinstance(window.extra.get("channel_choice"), ChannelChoice):
        return window.extra["channel_choice"]  # resolved once already (with_default_channels)
    sold = tuple(sold) if sold is not None else seller_channels(con)
    if window.channels:
        why = window.extra.get("channels_reason") or f"you chose {format_channels(window.channels)}"
        return ChannelChoice(tuple(window.channels), "given", why)
    choice, known = _catalog_choice(window, sold, catalog)
    if choice is None and detection:
        choice = _detected_choice(con, window, sold, opts)
    if choice is not None:
        return choice
    if known is not None:
        reason = (
            f"the {known.title} is listed as hitting {format_channels(known.channels)}, none of your channels, so all "
            "are analysed"
        )
    else:
        reason = "no known outage or drop in your orders names the channels hit, so all are analysed"
    return ChannelChoice(sold, "all", reason)


def with_default_channels(con, windows: Sequence[Window], opts: Options, **kw) -> tuple[list[Window], list]:
    """The windows with their channels filled in by default_channels, and each one's ChannelChoice."""
    choices = [default_channels(con, w, opts, **kw) for w in windows]
    resolved = [
        replace(w, channels=c.channels, extra={**w.extra, "channel_choice": c, "channels_reason": c.reason})
        for w, c in zip(windows, choices, strict=True)
    ]
    return resolved, choices


def with_channels(con, window: Window, opts: Options) -> Window:
    """One window with its channels resolved by default_channels (unchanged when it was resolved before)."""
    return with_default_channels(con, [window], opts)[0][0]


# ---------------------------------------------------------------------------------------------------------------
# Analysis


def run_analysis(
    con, windows: Sequence[Window], opts: Options, *, shipments: bool = True, hist=None, groups=None
) -> Analysis:
    """The engine (impact.analysis.analyze) on the windows with the resolved options. `shipments=False` for callers
    that measure shipping on every channel themselves (see `shipments`); `hist` reuses an aggregation; `groups` the
    import's grouped scan of the lines (IngestReport.groups), when nothing has changed them since.
    """
    _engine()
    from .analysis import analyze  # the engine: see ENGINE
    from .costs.layer import profit_inputs

    profit, fx = profit_inputs(con, opts.tz, opts.home_currency)
    windows, _ = with_default_channels(con, windows, opts)
    result = analyze(con, windows, opts, hist=hist, shipments=shipments, profit=profit, groups=groups)
    result.fx = fx
    return result


def ingest_view(report: IngestReport) -> dict:
    """The import report's JSON with each file's format label and encoding, which the HTML report shows."""
    ingest = report.to_json()
    for f, obj in zip(ingest["files"], report.files, strict=True):
        f.update(format_label=obj.format_label, encoding=obj.encoding)
    return ingest


# ---------------------------------------------------------------------------------------------------------------
# Shipments


def shipments(con, window: Window, opts: Options, *, horizon_hours: float | None = None):
    """Late shipments of the window on its affected channels (default_channels) and their evidence rows:
    shipment_report's (summary, orders) pair. Orders of other channels are never counted: where the affected
    channels carry no ship times the summary says so and which report to export instead."""
    _engine()
    from .shipments import shipment_report  # the engine: see ENGINE

    return shipment_report(
        con,
        with_channels(con, window, opts),
        sla_hours=opts.sla_hours,
        business_days=opts.business_days,
        confidence=opts.confidence,
        horizon_hours=horizon_hours,
        tz=opts.tz,
    )


def _check_window_meets_orders(con, window: Window) -> None:
    """Shipping questions (late orders, appeals) need the window to meet the orders, ship times included: a window
    after the last purchase can still hold the backlog's shipments."""
    span = con.execute(
        "SELECT min(purchased_at), max(greatest(purchased_at, coalesce(shipped_at, purchased_at))) FROM lines"
    ).fetchone()
    if span[0] is None:
        raise InputError("the files hold no orders")
    if window.start > span[1] or (window.end is not None and window.end < span[0]):
        raise WindowError(
            f"the window {iso_utc(window.start)} to {iso_utc(window.end)} is outside the orders in the "
            f"files ({iso_utc(span[0])} to {iso_utc(span[1])})"
        )


def late_orders(con, window: Window, opts: Options, *, horizon_hours: float | None = None):
    """The appeal evidence: shipments() after checking that the window meets the orders, that --currency names a
    currency of the files (shipping is counted in orders, whatever their currency) and that ship times exist."""
    _check_window_meets_orders(con, window)
    if opts.currency is not None:
        _engine()
        from .scenarios.mix import check_currency  # the engine: see ENGINE

        check_currency(con, opts.currency)
    summary, rows = shipments(con, window, opts, horizon_hours=horizon_hours)
    if not summary.available:
        raise InputError("; ".join(summary.notes) or "late shipments cannot be measured from these files")
    return summary, rows


# ---------------------------------------------------------------------------------------------------------------
# Scenarios


def measured_from_analysis(result: Mapping) -> tuple[dict[str, dict], dict[str, float]]:
    """Per-channel measured impact summed over the analysed windows, from the analysis JSON: expected, lost,
    lost_frac and recapture_frac (the window's recaptured revenue shared out in proportion to each channel's loss)."""
    per: dict[str, dict[str, float]] = {}
    for w in result.get("windows") or []:
        rows = w.get("by_channel") or []
        lost_total = sum(max(float(r.get("lost") or 0.0), 0.0) for r in rows)
        recaptured = float((w.get("revenue") or {}).get("recaptured") or 0.0)
        share = min(max(recaptured / lost_total, 0.0), 1.0) if lost_total > 0 else 0.0
        for r in rows:
            if not r.get("channel"):
                continue
            # the scenario model is per channel: a marketplace scope ('shopify:TikTok Shop') counts to its channel
            channel = split_scope(str(r["channel"]))[0]
            d = per.setdefault(channel, {"expected": 0.0, "lost": 0.0, "recaptured": 0.0})
            lost = float(r.get("lost") or 0.0)
            d["expected"] += float(r.get("expected") or 0.0)
            d["lost"] += lost
            d["recaptured"] += max(lost, 0.0) * share
    measured = {
        c: {
            "expected": d["expected"],
            "lost": d["lost"],
            "lost_frac": d["lost"] / d["expected"] if d["expected"] > 0 else 0.0,
            "recapture_frac": d["recaptured"] / d["lost"] if d["lost"] > 0 else 0.0,
        }
        for c, d in per.items()
    }
    return measured, {c: d["expected"] for c, d in per.items()}


def measured_inputs(analysis_json: Mapping, profile: Profile, windows: Sequence[Window]):
    """(measured, window_expected) for ScenarioModel: the analysis' per-channel impact, and for channels the analysis
    did not report the demand the weekly profile expected in the windows."""
    measured, window_expected = measured_from_analysis(analysis_json)
    for w in windows:
        for c, v in profile.window_expected(w.start, w.end).items():
            if c not in measured:
                window_expected[c] = window_expected.get(c, 0.0) + v
    return measured, window_expected


def affected_channels(
    hit: Collection[str], profile: Profile, providers: Iterable[str], dependencies: Mapping[str, Iterable[str]]
) -> set[str]:
    """The channels the outage hit (all the profile's when none are named) plus every channel that depends on one of
    the providers behind it."""
    providers = set(providers)
    return set(hit or profile.channels) | {c for c, ps in dependencies.items() if providers & set(ps)}


def scenario_model(
    con,
    windows: Sequence[Window],
    opts: Options,
    *,
    analysis: Mapping | None = None,
    providers: Iterable[str] = (),
    dependencies: Mapping[str, Iterable[str]] | None = None,
    rates: Mapping | None = None,
    costs=None,
    cost_edits: Mapping | None = None,
    transfer: float = 1.0,
    years: int = 10_000,
    seed: int = 1,
    period: str = "month",
) -> tuple[ScenarioModel, dict | None]:
    """The scenario model of the orders in opts.currency, with the windows' measured impact when there are windows:
    (model, the analysis JSON it used or None). Pass `analysis` (Analysis.to_json() of these windows) to reuse one.

    Channels named on the windows are the ones hit; providers add every channel depending on them. Channel costs:
    `costs`, else measured from the session's cost inputs (impact.costs) or the defaults, then `cost_edits`
    (impact.scenarios.costs.edit_costs keywords) on top."""
    _engine()
    # the engine: see ENGINE
    from .costs.layer import scenario_costs
    from .scenarios import DEFAULT_DEPENDENCIES, ScenarioModel, current_mix, hour_of_week_profile, load_rates
    from .scenarios.costs import edit_costs

    rates = dict(rates) if rates is not None else load_rates()
    deps = dict(DEFAULT_DEPENDENCIES if dependencies is None else dependencies)
    providers = {p.strip().lower() for p in providers if p and p.strip()}
    if providers and not windows:
        raise InputError("the providers behind an outage only count with the outage's window: give its window too.")
    unknown = providers - set(rates)
    if unknown:
        raise InputError(f"Unknown provider {', '.join(sorted(unknown))}; known: {', '.join(sorted(rates))}.")
    current = current_mix(con, opts.currency, period)
    if costs is None:
        costs = scenario_costs(con, currency=current["currency"], tz=opts.tz, home=opts.home_currency)
    if cost_edits:
        # The seller's own margins and fees go on top of what their cost files measured (or the defaults).
        costs = edit_costs(costs, **cost_edits)
    profile = hour_of_week_profile(con, exclude=[(w.start, w.end) for w in windows], currency=current["currency"])
    measured = window_expected = affected = None
    if windows:
        if analysis is None:
            analysis = run_analysis(con, windows, opts, shipments=False).to_json()
        measured, window_expected = measured_inputs(analysis, profile, windows)
        hit = {c for w in windows for c in w.base_channels}
        affected = affected_channels(hit, profile, providers, deps)
    model = ScenarioModel(
        profile,
        measured=measured,
        affected=affected,
        window_expected=window_expected,
        dependencies=deps,
        rates=rates,
        costs=costs,
        transfer=transfer,
        years=years,
        seed=seed,
        current={k: current[k] for k in ("shares", "hhi", "marketplaces", "by_period")},
    )
    return model, (dict(analysis) if analysis is not None else None)


# ---------------------------------------------------------------------------------------------------------------
# Claims


def claim(
    con, windows: Sequence[Window], opts: Options, policy, *, extra_expenses=None, analysis=None, cover=None
) -> dict:
    """The claim statement for `windows` under `policy` (impact.claim.ClaimPolicy): the same analysis as
    run_analysis (pass `analysis`, its to_json(), to reuse one) taken through the policy's arithmetic. extra_expenses:
    a ledger path or impact.claim.Ledger. cover: the cover page's particulars (impact.claim.statement.COVER_FIELDS).
    Returns impact.claim.statement.build's JSON-ready dict (docs/claims.md)."""
    _engine()
    # Deferred: see _detected_choice.
    from .claim import Ledger, load_ledger, statement

    if not windows:
        raise InputError("a claim needs at least one outage window: give --window START END")
    ledger = extra_expenses
    if ledger is not None and not isinstance(ledger, Ledger):
        ledger = load_ledger(ledger)
    if analysis is None:
        analysis = run_analysis(con, windows, opts).to_json()
    # Every basis cites the provider's public incident record when the catalog holds one for the window (impact.outages
    # loads requests for its feeds: only a claim pays for importing it).
    from .outages.catalog import load_catalog

    return statement.build(con, analysis, windows, opts, policy, ledger=ledger, catalog=load_catalog(), cover=cover)


def claim_evidence(con, windows: Sequence[Window], opts: Options):
    """The orders a claim pack lists as affected: each window's late shipments on its affected channels that the
    outage could have made late (bought before it ended; impact.appeal.affected), or None when there are none."""
    _engine()
    import pandas as pd  # only claim packs pay for importing pandas; analyze never loads it

    from .appeal.affected import outage_could_delay

    frames = []
    for w in windows:
        summary, rows = shipments(con, w, opts)
        if summary.available and rows is not None and len(rows):
            rows = outage_could_delay(rows, w)
            if len(rows):
                frames.append(rows)
    return pd.concat(frames, ignore_index=True) if frames else None


def claim_lines(statement: dict, tz: str = "UTC") -> list[tuple[str, str, str, str]]:
    """The statement's workings as the PDF words them, every window's lines: (line, central, range, how)."""
    _engine()
    # The claim's wording module, only when a claim is shown.
    from .claim.lines import window_lines
    from .claim.manifest import Figure, statement_view
    from .present import format_money as fmt

    view = statement_view(statement)
    rows = []
    for w in view.windows:
        for label, how, value in window_lines(view, w, tz):
            if isinstance(value, Figure):
                same = (value.low, value.high) == (value.value, value.value)
                low, high = fmt(value.low, view.currency), fmt(value.high, view.currency)
                span = "" if same else f"{low} to {high}"
                if value.paired_ends:
                    span = value.ends_text(low, high)
                rows.append((label, fmt(value.value, view.currency), span, how))
            else:
                rows.append((label, str(value), "", how))
    return rows


def orders_outage_could_delay(rows, window: Window):
    """The late-shipment rows (shipments()' second item) a claim or appeal may list: on the window's channels and
    bought before the outage ended; None stays None."""
    _engine()
    from .appeal.affected import outage_could_delay  # the appeal package loads its letters: only when asked

    return None if rows is None else outage_could_delay(rows, window)


# ---------------------------------------------------------------------------------------------------------------
# Share links


def share_snapshot(
    report: IngestReport | Mapping | None, windows: Sequence[Window], opts: Options, analysis: Mapping, **sections
) -> dict:
    """The scrubbed snapshot of an analysis for a share link; extra sections (view, shipments, charts) by keyword."""
    _engine()
    # Deferred: see _detected_choice.
    from .share import build_snapshot

    return build_snapshot(
        settings={
            "tz": opts.tz,
            "confidence": opts.confidence,
            "recovery_hours": opts.recovery_hours,
            **({"recovery_mode": opts.recovery_mode} if opts.recovery_mode != "fixed" else {}),
            "channels": list(windows[0].channels) if windows else [],
        },
        windows=windows,
        analysis=analysis,
        ingest=report,
        **sections,
    )


def share_analysis(con, report, windows: Sequence[Window], opts: Options) -> dict:
    """Analyse the windows and build the share snapshot of the result (the CLI's `share FILE... --window`)."""
    if not windows:
        raise InputError("a share link needs at least one analysed outage window")
    return share_snapshot(report, windows, opts, run_analysis(con, windows, opts).to_json())


# ---------------------------------------------------------------------------------------------------------------
# Appeals


def appeal_package(con, window: Window, opts: Options, marketplace: str, *, period_end=None, today=None):
    """(the appeal JSON, its affected orders DataFrame) for one marketplace (amazon, ebay, etsy or shopify): the
    metrics with and without the affected orders, the letter (None when there is nothing to send, "no_letter" saying
    why) and the order list the zip holds. today: naive UTC, for whether a Shopify SLA request's 30 days have passed
    (default now)."""
    _check_window_meets_orders(con, window)
    window = with_channels(con, window, opts)
    summary, evidence = shipments(con, window, opts)
    _engine()
    # The appeal's letter and zip import pandas (through impact.csvsafe): only appeals pay for it; a Shopify SLA
    # request looks up the Shopify incident in the outage catalog.
    from .appeal import build_appeal
    from .outages.catalog import load_catalog

    return build_appeal(
        con,
        window,
        marketplace,
        summary,
        evidence,
        tz=opts.tz,
        sla_hours=opts.sla_hours,
        business_days=opts.business_days,
        period_end=period_end,
        catalog=load_catalog() if marketplace == "shopify" else (),
        today=today,
    )


def appeal_metrics(result: Mapping) -> dict:
    """What of an appeal a share link may show: the metrics with and without the outage and how many orders it
    affected; never the orders, nor the letter written for the seller."""
    keys = ("marketplace", "outage", "period_end", "period_end_reason", "metrics", "affected_orders", "sla")
    return {k: result[k] for k in keys if k in result}


# ---------------------------------------------------------------------------------------------------------------
# Claims


def claim_pack(
    statement: Mapping,
    *,
    inputs: Sequence = (),
    affected_orders=None,
    tz: str = "UTC",
    generated_at=None,
    ingest: Mapping | None = None,
) -> bytes:
    """claim.zip's bytes for a claim statement (service.claim's dict): statement.pdf, workbook.xlsx,
    affected_orders.csv, hourly.csv, manifest.json (impact.claim.pack). inputs: paths or (name, bytes) of the files
    the statement was computed from, hashed in the manifest. Uses only its arguments, never a database."""
    _engine()
    # The pack's CSVs import pandas (through impact.csvsafe), its PDF and workbook reportlab and XlsxWriter.
    from .claim.pack import pack_bytes

    return pack_bytes(
        statement, inputs=inputs, affected_orders=affected_orders, tz=tz, generated_at=generated_at, ingest=ingest
    )
