"""The engines that run sellers' jobs: `local`, a process pool over this machine's cores, and `dask`, a Dask
distributed cluster (an existing scheduler, or a LocalCluster started for the run).

Both ship the same thing, a SellerJob of file paths and the RunSpec, to a module-level function (job.analyse_seller),
so they compute the same rows; the workers must see the files at the same paths (one machine, or a shared file
system). Each seller's result is handed to `on_result` as it arrives (the progress bar, the app's progress).

A worker that dies takes its sellers with it: the local engine resubmits the sellers not yet finished to a fresh pool
once; Dask reschedules the tasks of a lost worker on the others by itself. Either way every seller appears once, and
a seller whose job keeps killing workers becomes its own error row.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..errors import InputError
from .job import RunSpec, SellerResult, _row, analyse_seller
from .sources import SellerJob

log = logging.getLogger("impact.portfolio")
ENGINES = ("local", "dask")
OnResult = Callable[[SellerResult], None]


def _lost(job: SellerJob, spec: RunSpec, why: str) -> SellerResult:
    return SellerResult(job.seller_id, [_row(job.seller_id, w, error=why) for w in spec.windows], 0.0)


def _pool_round(jobs: Sequence[SellerJob], spec: RunSpec, workers: int, on_result: OnResult) -> list[SellerJob]:
    """Run jobs in one pool; return the jobs whose worker died before they finished."""

    # spawn, not fork: a forked child would inherit the parent's DuckDB and thread state mid-flight.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending = {pool.submit(analyse_seller, job, spec): job for job in jobs}
        unfinished: list[SellerJob] = []
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                job = pending.pop(fut)
                try:
                    on_result(fut.result())
                except BrokenProcessPool:
                    unfinished.append(job)
        return unfinished


def run_local(jobs: Sequence[SellerJob], spec: RunSpec, on_result: OnResult, workers: int | None = None) -> None:
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    unfinished = _pool_round(jobs, spec, workers, on_result)
    if unfinished:
        # A worker process died (killed, out of memory): its pool is broken, the others' finished results stand.
        log.warning("a worker process died; %d sellers run again in a fresh pool", len(unfinished))
        again = _pool_round(unfinished, spec, min(workers, len(unfinished)), on_result)
        for job in again:
            on_result(_lost(job, spec, "the worker process analysing this seller died twice"))


def run_dask(
    jobs: Sequence[SellerJob],
    spec: RunSpec,
    on_result: OnResult,
    workers: int | None = None,
    scheduler: str | None = None,
) -> None:
    try:
        # dask.distributed only for --engine dask: it is slow to import and optional to run the local engine.
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError("--engine dask needs dask[distributed] (pip install -r requirements.txt)") from None
    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise InputError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
        else:
            # One thread per worker process: DuckDB and numpy run a job at a time, the parallelism is across sellers.
            saved = dict(os.environ)
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
            )
            # LocalCluster writes its workers' settings (MALLOC_TRIM_THRESHOLD_, OMP_NUM_THREADS...) into this
            # process's environment; the app or CLI that started it, and what it starts later, keep their own.
            os.environ.clear()
            os.environ.update(saved)
            client = Client(cluster)
        with client:
            # pure=False: a rerun of the same sellers is new work, never a cached result of the scheduler.
            futures = client.map(analyse_seller, list(jobs), spec=spec, pure=False)
            by_key = {f.key: job for f, job in zip(futures, jobs, strict=True)}
            for fut in as_completed(futures):
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: the seller's job killed workers repeatedly
                    result = _lost(
                        by_key[fut.key], spec, f"the dask workers could not run this seller ({type(exc).__name__})"
                    )
                on_result(result)
    finally:
        if cluster is not None:
            cluster.close()


def run(
    jobs: Sequence[SellerJob],
    spec: RunSpec,
    *,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    on_result: OnResult | None = None,
) -> list[SellerResult]:
    """Every seller's result, sorted by seller id, each seller exactly once."""
    if engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}, got '{engine}'")
    if workers is not None and workers < 1:
        raise InputError("--workers must be 1 or more")
    if scheduler and engine != "dask":
        raise InputError("--scheduler is for --engine dask")
    results: dict[str, SellerResult] = {}

    def collect(result: SellerResult) -> None:
        if result.seller_id in results:  # a task Dask ran twice around a lost worker: the first answer stands
            return
        results[result.seller_id] = result
        if on_result is not None:
            on_result(result)

    if engine == "local":
        run_local(jobs, spec, collect, workers)
    else:
        run_dask(jobs, spec, collect, workers, scheduler)
    return [results[j.seller_id] for j in sorted(jobs, key=lambda j: j.seller_id)]
