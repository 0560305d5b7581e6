"""Every text of the claim pack read as its reader reads it (the PDF through pdftotext, every text cell of the
workbook) on the demo seller and on a generated seller of 300 orders a day, under each policy: no program output."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from readable import program_output
from sellers import september_outage_seller
from testdata import ROOT

from impact import service
from impact.claim import ClaimPolicy
from impact.claim.pack import pack_bytes
from impact.windows import Window, window_from_strings

DEMO = ROOT / "data" / "demo"
STAMP = "2025-11-03T09:30:00Z"
POLICIES = [
    ClaimPolicy("bi", deductible=Decimal(250)),
    ClaimPolicy("cyber", waiting_hours=12, waiting_mode="retention", deductible=Decimal(100), indemnity_days=0.75),
    ClaimPolicy("parametric", waiting_hours=8, hourly_sum=Decimal(500), limit=Decimal(5000)),
]


@pytest.fixture(scope="module")
def demo():
    opts = service.resolve_options(tz="America/New_York")
    con, _ = service.load_files([DEMO / "amazon_all_orders.txt", DEMO / "shopify_orders_export.csv"], tz=opts.tz)
    service.load_costs(con, opts, costs=[DEMO / "product_costs.csv"])
    return con, opts, window_from_strings("2025-10-20T06:48Z", "2025-10-20T21:20Z", ["amazon"], title="AWS outage")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = september_outage_seller(tmp_path_factory.mktemp("seller") / "orders.txt")
    opts = service.resolve_options(tz="Europe/Berlin")
    con, _ = service.load_files([path], tz=opts.tz)
    return con, opts, Window(datetime(2025, 9, 29, 18), datetime(2025, 9, 29, 23), ("amazon",), title="Amazon")


def texts(pack: bytes, tmp_path) -> dict[str, str]:
    """The PDF's text and the workbook's text cells, sheet by sheet."""
    with zipfile.ZipFile(io.BytesIO(pack)) as z:
        (tmp_path / "s.pdf").write_bytes(z.read("statement.pdf"))
        wb = openpyxl.load_workbook(io.BytesIO(z.read("workbook.xlsx")))
    pdf = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True, check=True)
    out = {"statement.pdf": pdf.stdout}
    for ws in wb.worksheets:
        cells = [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        out[f"workbook {ws.title}"] = "\n".join(v for v in cells if not v.startswith("="))
    return out


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.kind)
@pytest.mark.parametrize("seller", ["demo", "generated"])
def test_no_program_output_in_the_claim_pack(request, tmp_path, seller, policy):
    """Not one None, True/False, brace, empty list, snake_case key, field path or unrounded float in any text."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    con, opts, window = request.getfixturevalue(seller)
    if seller == "generated" and policy.kind != "parametric":
        policy = ClaimPolicy(**{**vars(policy), "gross_profit_rate": 0.4})  # no cost files: the rate as given
    st = service.claim(con, [window], opts, policy)
    pack = pack_bytes(st, generated_at=STAMP, tz=opts.tz)
    found = {name: program_output(text) for name, text in texts(pack, tmp_path).items()}
    assert {k: v for k, v in found.items() if v} == {}
    assert "Claim" in texts(pack, tmp_path)["statement.pdf"]


def test_the_check_finds_program_output():
    """The check itself: each kind of program output is caught, a file name and an address are not."""
    for bad in ("None", "limit_applied", "{'rate': 0.3}", "0.3797600230890734", "analysis.windows[].revenue", "[]"):
        assert program_output(f"Rate {bad} here"), bad
    assert program_output("Sum $7,013.26 in amazon_all_orders.txt, https://x.test/a_b") == []
