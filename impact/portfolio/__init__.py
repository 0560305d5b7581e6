"""Portfolios: many sellers analysed at once, each exactly as `analyze` analyses one (impact.service), in isolation.

    jobs, source = discover("sellers/")                     # or a manifest CSV of seller_id,path rows
    spec = RunSpec(windows=(window,), options={"confidence": 0.9})
    results = engines.run(jobs, spec, engine="local")       # or engine="dask", scheduler="tcp://host:8786"
    rows = [row for r in results for row in r.rows]         # one per seller x window
    write(rows, "results.parquet"); summary = summarise(rows)

sources.py finds the sellers and sorts their files by header; job.py is one seller's work in a worker; engines.py
runs the jobs; results.py writes and reads the table and sums it up; charts.py draws the distribution.
"""

from __future__ import annotations

from .engines import ENGINES, run
from .job import COLUMNS, RunSpec, SellerResult, analyse_seller
from .results import read, summarise, write
from .sources import OutsideRootError, SellerJob, SourceReport, confine, discover

__all__ = [
    "COLUMNS",
    "ENGINES",
    "OutsideRootError",
    "RunSpec",
    "SellerJob",
    "SellerResult",
    "SourceReport",
    "analyse_seller",
    "confine",
    "discover",
    "read",
    "run",
    "summarise",
    "write",
]
