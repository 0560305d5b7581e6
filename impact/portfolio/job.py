"""One seller's job, as a worker runs it: ingest the seller's files and analyse the windows exactly as `analyze` does
(impact.service: load_in_zone, load_costs, run_analysis with the same resolved options), and turn the result into rows.

Everything a job needs arrives as plain data (file paths, window times, option values), never as a connection: a
worker builds its own in-memory DuckDB and closes it. Nothing a seller's files do escapes the job: any failure is that
seller's error row, with the message `analyze` would print.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import ImpactError, InputError
from ..service import load_costs, load_in_zone, resolve_options, run_analysis
from ..settings import load_settings
from ..windows import Window, covers, iso_utc
from .sources import SellerJob

log = logging.getLogger("impact.portfolio")


@dataclass(frozen=True)
class RunSpec:
    """What every seller of a run is analysed with: the windows and the `analyze` options (resolve_options
    keywords), plus the DuckDB threads of one job (1: the engine's parallelism is across sellers)."""

    windows: tuple[Window, ...]
    options: dict = field(default_factory=dict)
    mapping: dict | None = None
    costs_mapping: dict | None = None
    duckdb_threads: int = 1


@dataclass
class SellerResult:
    seller_id: str
    rows: list[dict]
    seconds: float  # the job's own time in its worker, for the benchmark's overhead figure; never in the results


def _row(seller_id: str, window: Window, **values) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(
        seller_id=seller_id,
        window_start=iso_utc(window.start),
        window_end=iso_utc(window.end),
        channels=",".join(window.channels),
        warnings="",
        error="",
    )
    row.update(values)
    return row


def _days(a, b) -> float:
    return round((a - b).total_seconds() / 86400, 2)


def _window_row(seller_id: str, window: Window, result: dict, w: dict, first, notes: list[str]) -> dict:
    rev, orders, sh = w["revenue"], w["orders"], w.get("shipments") or {}
    profit = w.get("profit") or {}
    warnings = [*notes, *(result.get("warnings") or []), *(w.get("warnings") or [])]
    return _row(
        seller_id,
        window,
        channels=",".join(w.get("channels") or window.channels),
        currency=result["currency"],
        revenue_expected=rev["expected"],
        revenue_lost=rev["lost"],
        revenue_lost_low=rev["lost_low"],
        revenue_lost_high=rev["lost_high"],
        net_lost=rev["net_lost"],
        profit_lost=profit.get("lost"),
        profit_lost_low=profit.get("lost_low"),
        profit_lost_high=profit.get("lost_high"),
        orders_lost=orders["lost"],
        late_excess=sh.get("excess_late") if sh.get("available") else None,
        p_effect=rev["p_effect"],
        history_days=_days(window.start, first),
        warnings=" | ".join(warnings),
    )


def seller_rows(job: SellerJob, spec: RunSpec) -> list[dict]:
    """One row per window for this seller; an error on every row when the seller cannot be analysed at all, on one
    row when only that window lies outside the seller's orders (analyze refuses such a window too)."""
    con = None
    notes = list(job.notes)
    try:
        if job.problems:
            raise InputError("; ".join(job.problems))
        settings = dataclasses.replace(load_settings(), duckdb_threads=spec.duckdb_threads)
        opts = resolve_options(settings, **spec.options)
        # Each seller in their own zone: the one named for the run, else read from their files.
        con, report, opts = load_in_zone(job.files, opts, mapping=spec.mapping)
        if opts.zone is not None and opts.zone.source != "given":
            notes.append(f"time zone {opts.zone.sentence}")
        if job.costs or job.ads or opts.fees or opts.home_currency:
            report.costs = load_costs(con, opts, costs=job.costs, ads=job.ads, mapping=spec.costs_mapping)
        inside = [i for i, w in enumerate(spec.windows) if covers(report.first, report.last, w)]
        # The windows the orders meet are analysed together, as analyze analyses its windows.
        result = run_analysis(con, [spec.windows[i] for i in inside], opts).to_json() if inside else {}
        by_window = dict(zip(inside, result.get("windows") or [], strict=True))
        rows = []
        for i, w in enumerate(spec.windows):
            if i in by_window:
                rows.append(_window_row(job.seller_id, w, result, by_window[i], report.first, notes))
            else:
                rows.append(
                    _row(
                        job.seller_id,
                        w,
                        warnings=" | ".join(notes),
                        error=(
                            f"the window is outside this seller's orders ({iso_utc(report.first)} to {iso_utc(report.last)})"
                        ),
                    )
                )
        return rows
    except ImpactError as exc:
        message = str(exc)
    except Exception as exc:  # noqa: BLE001 - one seller's surprise is its row's error, never the run's failure
        log.exception("seller %s failed", job.seller_id)
        message = f"the analysis failed unexpectedly ({type(exc).__name__})"
    finally:
        if con is not None:
            con.close()
    return [_row(job.seller_id, w, warnings=" | ".join(notes), error=message) for w in spec.windows]


class _OverTime(BaseException):
    """Raised in a seller's job when its time is up; a BaseException, so that no `except Exception` of the import
    keeps it, while every `finally` (temporary files, the connection) still runs."""


def _within(seconds: float, work: Callable[[], list[dict]]) -> list[dict] | None:
    """work()'s rows, or None when it ran longer than `seconds` (0: no limit).

    A timer raises _OverTime in the job's own thread (any thread: a pool process's main thread or a Dask worker's),
    where Python next runs a step of the job: between two statements of the import, so a seller of many small files
    stops at once and one long DuckDB statement ends first."""
    if seconds <= 0:
        return work()
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(_OverTime))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    rows = None
    try:
        timer.start()
        try:
            rows = work()
        finally:
            with lock:
                state["done"] = True
                # An exception the timer set just as the work ended is dropped here, not raised in the caller.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
            timer.cancel()
    except _OverTime:
        pass
    return None if state["fired"] else rows


def analyse_seller(job: SellerJob, spec: RunSpec) -> SellerResult:
    """The task an engine runs for one seller (a module-level function: process pools and Dask ship it by name),
    within the portfolio's time limit for one seller: past it, the seller's rows are its error and the others run."""
    t0 = time.perf_counter()
    limit = load_settings().portfolio_seller_seconds
    rows = _within(limit, lambda: seller_rows(job, spec))
    if rows is None:
        message = (
            f"this seller took more than {limit:,g} seconds, the limit for one seller in a portfolio: give it "
            "fewer or smaller files, or raise IMPACT_PORTFOLIO_SELLER_SECONDS"
        )
        rows = [_row(job.seller_id, w, warnings=" | ".join(job.notes), error=message) for w in spec.windows]
    return SellerResult(job.seller_id, rows, time.perf_counter() - t0)


# The result columns, in order; impact.portfolio.results gives each its type.
COLUMNS = (
    "seller_id",
    "window_start",
    "window_end",
    "channels",
    "currency",
    "revenue_expected",
    "revenue_lost",
    "revenue_lost_low",
    "revenue_lost_high",
    "net_lost",
    "profit_lost",
    "profit_lost_low",
    "profit_lost_high",
    "orders_lost",
    "late_excess",
    "p_effect",
    "history_days",
    "warnings",
    "error",
)
