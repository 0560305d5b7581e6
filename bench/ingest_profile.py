"""Where an import and an analysis spend their time: every DuckDB statement that takes 20 ms or more, in order.

    python -m bench.ingest_profile FILE [--window START END] [--min-ms 20]

Not a unit test and not the benchmark (that is bench.perf): this runs ingest_files and analyze in one process on a
connection that times each statement, to show what the (b) and (c) steps of bench.perf are made of.
"""

from __future__ import annotations

import argparse
import sys
import time


class _Timed:
    """A DuckDB connection whose execute() records (seconds, statement)."""

    def __init__(self, con, log: list):
        self._con, self._log = con, log

    def execute(self, sql, *args):
        start = time.perf_counter()
        result = self._con.execute(sql, *args)
        self._log.append((time.perf_counter() - start, " ".join(str(sql).split())))
        return result

    def __getattr__(self, name):
        return getattr(self._con, name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--window", nargs=2, default=["2025-10-20T06:48:00Z", "2025-10-20T21:20:00Z"])
    ap.add_argument("--min-ms", type=float, default=20)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from impact.analysis import analyze
    from impact.ingest import ingest_files
    from impact.store import session_db
    from impact.windows import window_from_strings

    imports = time.perf_counter() - t0
    log: list = []
    con = _Timed(session_db(), log)
    phases = {}
    start = time.perf_counter()
    ingest_files(con, [args.file])
    phases["ingest_files"] = (time.perf_counter() - start, len(log))
    start = time.perf_counter()
    analyze(con, [window_from_strings(*args.window)])
    phases["analyze"] = (time.perf_counter() - start, len(log))
    print(f"imports {imports:.2f} s")
    done = 0
    for phase, (seconds, upto) in phases.items():
        stmts = log[done:upto]
        in_sql = sum(s for s, _ in stmts)
        print(
            f"\n{phase}: {seconds:.2f} s ({in_sql:.2f} s in {len(stmts)} statements, {seconds - in_sql:.2f} s in Python)"
        )
        for s, sql in stmts:
            if s * 1000 >= args.min_ms:
                print(f"  {s:6.2f}  {sql[:110]}")
        done = upto
    return 0


if __name__ == "__main__":
    sys.exit(main())
