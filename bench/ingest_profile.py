"""Where an import and an analysis spend their time: every DuckDB statement that takes 20 ms or more, in order,
with its wall time and the CPU seconds of the process (all threads) it took: on a machine shared with other work,
the CPU seconds move less than the wall time.

    python -m bench.ingest_profile FILE [--window START END] [--min-ms 20]

Not a unit test and not the benchmark (that is bench.perf): this runs ingest_files and analyze in one process on a
connection that times each statement, to show what the (b) and (c) steps of bench.perf are made of.
"""

from __future__ import annotations

import argparse
import sys
import time


class _Timed:
    """A DuckDB connection whose execute() records (seconds, CPU seconds, statement)."""

    def __init__(self, con, log: list):
        self._con, self._log = con, log

    def execute(self, sql, *args):
        start, cpu = time.perf_counter(), time.process_time()
        result = self._con.execute(sql, *args)
        elapsed = time.perf_counter() - start
        self._log.append((elapsed, time.process_time() - cpu, " ".join(str(sql).split())))
        return result

    def __getattr__(self, name):
        return getattr(self._con, name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--window", nargs=2, default=["2025-10-20T06:48:00Z", "2025-10-20T21:20:00Z"])
    ap.add_argument("--min-ms", type=float, default=20)
    args = ap.parse_args(argv)
    t0, cpu0 = time.perf_counter(), time.process_time()
    from impact.analysis import analyze
    from impact.ingest import ingest_files
    from impact.store import session_db
    from impact.windows import window_from_strings

    imports, imports_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    log: list = []
    con = _Timed(session_db(), log)
    phases = {}
    start, cpu = time.perf_counter(), time.process_time()
    # As `impact analyze` runs them: the import report's grouped scan of the lines serves the analysis too.
    report = ingest_files(con, [args.file], keep_groups=True)
    phases["ingest_files"] = (time.perf_counter() - start, time.process_time() - cpu, len(log))
    start, cpu = time.perf_counter(), time.process_time()
    analyze(con, [window_from_strings(*args.window)], groups=report.groups)
    phases["analyze"] = (time.perf_counter() - start, time.process_time() - cpu, len(log))
    print(f"imports {imports:.2f} s ({imports_cpu:.2f} s CPU)")
    done = 0
    print("  wall s   CPU s  statement")
    for phase, (seconds, cpu_seconds, upto) in phases.items():
        stmts = log[done:upto]
        in_sql, in_sql_cpu = sum(s for s, _, _ in stmts), sum(c for _, c, _ in stmts)
        print(
            f"\n{phase}: {seconds:.2f} s, {cpu_seconds:.2f} s CPU ({in_sql:.2f} s, {in_sql_cpu:.2f} s CPU in "
            f"{len(stmts)} statements; {seconds - in_sql:.2f} s, {cpu_seconds - in_sql_cpu:.2f} s CPU in Python)"
        )
        for s, c, sql in stmts:
            if s * 1000 >= args.min_ms:
                print(f"  {s:6.2f}  {c:6.2f}  {sql[:100]}")
        done = upto
    return 0


if __name__ == "__main__":
    sys.exit(main())
