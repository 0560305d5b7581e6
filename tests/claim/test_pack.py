"""The claim pack (impact.claim.pack): the demo seller's real analysis with costs, a statement in the shape of
impact.claim.policy's results for each policy kind, then the PDF through pdftotext, the workbook's formulas through
a small evaluator, the manifest's hashes, byte-identical runs and atomic writes."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pandas as pd
import pytest
from testdata import ROOT

from impact import service
from impact.claim import pack as pack_mod
from impact.claim.pack import write_pack
from impact.errors import InputError
from impact.present import format_money
from impact.windows import window_from_strings

DEMO = ROOT / "data" / "demo"
FILES = [DEMO / "amazon_all_orders.txt", DEMO / "shopify_orders_export.csv"]
COSTS = DEMO / "product_costs.csv"
STAMP = "2025-11-03T09:30:00Z"


def cents(x: float) -> float:
    return float(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def analysis() -> dict:
    opts = service.resolve_options(tz="America/New_York")
    con, _ = service.load_files(FILES, tz=opts.tz)
    service.load_costs(con, opts, costs=[COSTS])
    window = window_from_strings("2025-10-20T06:48Z", "2025-10-20T21:20Z", ["amazon"], title="AWS us-east-1 outage")
    return service.run_analysis(con, [window], opts, shipments=False).to_json()


def terms(loss: float, deductible: float, limit: float | None) -> float:
    paid = max(0.0, cents(loss - deductible))
    return paid if limit is None else min(paid, limit)


def statement(analysis: dict, kind: str, **policy) -> dict:
    """A statement as service.claim builds it, each window's workings worked by hand from the analysis (the whole
    outage covered, no indemnity cut: shares of 1)."""
    w = analysis["windows"][0]
    rev, profit = w["revenue"], w["profit"]
    hours = 14 + 32 / 60
    policy = {"kind": kind, "waiting_hours": 12.0, "deductible": 100.0, "limit": 10_000.0} | policy
    ded, limit = policy.get("deductible") or 0.0, policy.get("limit")
    if kind == "parametric":
        policy.pop("deductible")
        policy.setdefault("waiting_mode", "retention")
        paid_hours = max(0.0, hours - 12) if policy["waiting_mode"] == "retention" else hours
        gross = cents(paid_hours * policy["hourly_sum"])
        paid = gross if limit is None else min(gross, limit)
        res = {
            "incident_hours": hours,
            "paid_hours": paid_hours,
            "before_limit": gross,
            "claim": {"value": paid, "low": paid, "high": paid},
            "measured_loss": {
                "value": profit["net_lost"],
                "low": profit["net_lost_low"],
                "high": profit["net_lost_high"],
            },
        }
    elif kind == "cyber":
        policy.setdefault("waiting_mode", "qualifying")
        pts = {
            "value": (profit["lost"], profit["recaptured"]),
            "low": (profit["lost_low"], profit["lost_low"] - profit["net_lost_low"]),
            "high": (profit["lost_high"], profit["lost_high"] - profit["net_lost_high"]),
        }
        income = {k: cents(lost) - cents(rec) for k, (lost, rec) in pts.items()}
        res = {
            "outage_hours": hours,
            "covered_hours": hours,
            "covered_share_of_loss": 1.0,
            "profit_lost": {"value": profit["lost"], "low": profit["lost_low"], "high": profit["lost_high"]},
            "recaptured_profit": profit["recaptured"],
            "recapture_share_in_indemnity": 1.0,
            "continuing_expenses": 0.0,
            "extra_expenses": 0.0,
            "deductible": ded,
            "loss": {k: cents(v) for k, v in income.items()},
            "claim": {k: terms(v, ded, limit) for k, v in income.items()},
        }
    else:
        goods_rate, fees_rate = profit["costs_saved"] / rev["lost"], profit["fees_saved"] / rev["lost"]
        short = {"value": rev["lost"], "low": rev["lost_low"], "high": rev["lost_high"]}
        icow = 50.0
        loss = {k: cents(s - cents(goods_rate * s) - cents(fees_rate * s) + icow) for k, s in short.items()}
        res = {
            "standard_turnover": {"value": rev["expected"], "method": "counterfactual"},
            "actual_turnover": rev["actual"],
            "shortfall": short,
            "rate_of_gross_profit": {
                "rate": 1 - goods_rate - fees_rate,
                "goods_rate": goods_rate,
                "fees_rate": fees_rate,
                "source": "cost files (profit layer)",
            },
            "increased_cost_of_working": {"claimed": icow, "allowed": {"value": icow, "low": icow, "high": icow}},
            "loss": loss,
            "claim": {k: terms(v, ded, limit) for k, v in loss.items()},
        }
    return {
        "policy": policy,
        "windows": [
            {
                "start": w["start"],
                "end": w["end"],
                "title": "AWS us-east-1 outage",
                "hours": hours,
                "revenue": rev,
                "profit": profit,
                "workings": res,
                "claim": res["claim"],
            }
        ],
        "total": {"claim": dict(res["claim"])},
        "analysis": analysis,
        "base_period": "hour-of-week baseline from the clean weeks 2025-07-26 to 2025-10-19",
        "method": "Expected revenue from the seller's own history, calibrated on placebo windows.",
        "assumptions": ["The rate of gross profit is the usual SKU mix's at the outage day's costs."],
        "exhibits": [{"name": "Orders", "source": "amazon_all_orders.txt", "sha256": "b50bb2fb9b0f"}],
    }


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


# ---------------------------------------------------------------------------------------------------------------
# A formula evaluator for the few functions the workbook uses


class Evaluator:
    REF = r"(?:(?P<sheet{n}>[A-Za-z]+)!)?\$?(?P<col{n}>[A-Z]{{1,2}})\$?(?P<row{n}>\d+)"
    RANGE = re.compile(REF.format(n=1) + ":" + REF.format(n=2))
    CELL = re.compile(r"(?<![A-Za-z_\"])" + REF.format(n=1) + r"(?![\w(])")

    def __init__(self, wb):
        self.wb = wb

    def cell(self, sheet: str, ref: str):
        value = self.wb[sheet][ref].value
        if isinstance(value, str) and value.startswith("="):
            return self.formula(sheet, value)
        return value

    def formula(self, sheet: str, text: str):
        def rng(m):
            s = m["sheet1"] or sheet
            return f"_range({s!r},{m['col1']!r},{m['row1']},{m['row2']})"

        def one(m):
            return f"_cell({(m['sheet1'] or sheet)!r},{m['col1'] + m['row1']!r})"

        expr = self.RANGE.sub(rng, text[1:])
        expr = self.CELL.sub(one, expr)
        env = {
            "_cell": self.cell,
            "_range": lambda s, c, a, b: [self.cell(s, f"{c}{r}") or 0 for r in range(a, b + 1)],
            "MIN": min,
            "MAX": max,
            "IF": lambda c, a, b: a if c else b,
            "SUM": lambda *xs: sum(v for x in xs for v in (x if isinstance(x, list) else [x])),
            "ROUND": lambda x, n: float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-n), ROUND_HALF_UP)),
        }
        assert re.fullmatch(r"[\w\s.,+\-*/()<>'=!$:]*", expr), expr
        return eval(expr, env)  # noqa: S307 - the test's own workbook


def claim_cells(ws) -> tuple[list[int], int]:
    rows = [c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith(("Claim", "Payout"))]
    total = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("Total claim"))
    return rows, total


# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, policy",
    [
        ("cyber", {"waiting_mode": "qualifying"}),
        ("cyber", {"waiting_mode": "retention", "limit": 300.0}),
        ("parametric", {"hourly_sum": 100.0}),
        ("parametric", {"hourly_sum": 1000.0, "waiting_mode": "qualifying", "limit": 5000.0}),
        ("bi", {"deductible": 0.0}),
    ],
)
def test_workbook_formulas_evaluate_to_the_statement(tmp_path, analysis, kind, policy):
    st = statement(analysis, kind, **policy)
    files = members(write_pack(st, tmp_path / "claim.zip", generated_at=STAMP))
    wb = openpyxl.load_workbook(io.BytesIO(files["workbook.xlsx"]))
    cached = openpyxl.load_workbook(io.BytesIO(files["workbook.xlsx"]), data_only=True)
    assert wb.sheetnames == ["Inputs", "Hourly", "Placebos", "Costs", "Policy"]
    ev = Evaluator(wb)
    rows, total = claim_cells(wb["Policy"])
    claim = st["windows"][0]["claim"]
    for col, key in zip("BCD", ("value", "low", "high"), strict=True):
        text = wb["Policy"][f"{col}{rows[0]}"].value
        assert text.startswith("=") and ("Inputs!" in text or re.search(rf"{col}\d+", text)), text
        assert ev.cell("Policy", f"{col}{rows[0]}") == pytest.approx(claim[key], abs=0.005)
        assert cached["Policy"][f"{col}{rows[0]}"].value == pytest.approx(claim[key], abs=0.005)
        assert ev.cell("Policy", f"{col}{total}") == pytest.approx(st["total"]["claim"][key], abs=0.005)
    # The difference row against the statement's figure is zero.
    assert ev.cell("Policy", f"B{rows[0] + 2}") == pytest.approx(0.0, abs=0.005)
    # The hourly workings: the shortfall per hour is a formula over the actual and expected cells.
    hourly = wb["Hourly"]
    assert hourly["I2"].value == "=F2-E2"
    assert ev.cell("Hourly", "I2") == pytest.approx(hourly["F2"].value - hourly["E2"].value)
    # The chain reaches the inputs: every policy option the arithmetic reads is a cell of Inputs.
    formulas = " ".join(str(c.value) for row in wb["Policy"].iter_rows() for c in row if str(c.value).startswith("="))
    assert "Inputs!$B$" in formulas


def test_pdf_holds_the_headline_figures(tmp_path, analysis):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    st = statement(analysis, "cyber")
    files = members(write_pack(st, tmp_path / "claim.zip", generated_at=STAMP, tz="America/New_York"))
    (tmp_path / "s.pdf").write_bytes(files["statement.pdf"])
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    claim = st["total"]["claim"]
    assert "Outage claim statement" in text
    assert "Cyber dependent business interruption" in text
    assert f"Claim: {format_money(claim['value'], 'USD')}" in text
    assert f"{format_money(claim['low'], 'USD')} to {format_money(claim['high'], 'USD')}" in text
    assert "Generated 2025-11-03 09:30 UTC" in text
    for heading in ("Summary", "Method", "Base period", "Workings", "Assumptions", "Index of exhibits"):
        assert heading in text
    assert st["base_period"] in text
    assert "SHA-256 b50bb2fb9b0f" in text


def test_manifest_hashes_inputs_and_files(tmp_path, analysis):
    st = statement(analysis, "parametric", hourly_sum=100.0)
    inputs = [*FILES, COSTS]
    files = members(write_pack(st, tmp_path / "claim.zip", inputs=inputs, generated_at=STAMP))
    assert sorted(files) == ["affected_orders.csv", "hourly.csv", "manifest.json", "statement.pdf", "workbook.xlsx"]
    manifest = json.loads(files["manifest.json"])
    assert [f["sha256"] for f in manifest["inputs"]] == [hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs]
    assert [f["name"] for f in manifest["inputs"]] == [p.name for p in inputs]
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert listed == {n: hashlib.sha256(b).hexdigest() for n, b in files.items() if n != "manifest.json"}
    assert manifest["version"] and manifest["generated_at"] == STAMP
    assert manifest["parameters"]["policy"]["hourly_sum"] == 100.0
    assert manifest["parameters"]["confidence"] == analysis["confidence"]
    assert "rates" in manifest
    hourly = pd.read_csv(io.BytesIO(files["hourly.csv"]), encoding="utf-8-sig")
    assert len(hourly) == len(analysis["windows"][0]["hourly"])


def test_same_inputs_give_identical_bytes(tmp_path, analysis, monkeypatch):
    st = statement(analysis, "bi")
    a = write_pack(st, tmp_path / "a.zip", inputs=FILES, generated_at=STAMP).read_bytes()
    b = write_pack(st, tmp_path / "b.zip", inputs=FILES, generated_at=STAMP).read_bytes()
    assert a == b
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762162200")  # the default stamp, as for the HTML report
    c = write_pack(st, tmp_path / "c.zip", inputs=FILES).read_bytes()
    d = write_pack(st, tmp_path / "d.zip", inputs=FILES).read_bytes()
    assert c == d
    assert json.loads(members(tmp_path / "c.zip")["manifest.json"])["generated_at"] == "2025-11-03T09:30:00Z"


def test_affected_orders_are_excel_safe_without_personal_data(tmp_path, analysis):
    orders = pd.DataFrame(
        {
            "order_id": ['=HYPERLINK("x")', "111-2"],
            "channel": ["amazon", "amazon"],
            "buyer_name": ["Ann", "Bob"],
            "ship_address": ["1 Road", "2 Road"],
            "hours_late": [3.5, 12.0],
        }
    )
    files = members(write_pack(statement(analysis, "cyber"), tmp_path / "c.zip", affected_orders=orders))
    text = files["affected_orders.csv"].decode("utf-8-sig")
    assert "Ann" not in text and "Road" not in text
    assert text.splitlines()[0] == "order_id,channel,hours_late"
    assert "'=HYPERLINK" in text


def test_a_failing_write_leaves_nothing(tmp_path, analysis, monkeypatch):
    st = statement(analysis, "cyber")
    out = tmp_path / "claim.zip"

    def broken(*a, **k):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(pack_mod.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(InputError, match="cannot write"):
        write_pack(st, out, generated_at=STAMP)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setattr("impact.claim.pack.write_pdf", broken)
    with pytest.raises(RuntimeError):
        write_pack(st, out, generated_at=STAMP)
    assert list(tmp_path.iterdir()) == []
    # An existing pack is kept whole when a new one fails.
    monkeypatch.undo()
    good = write_pack(st, out, generated_at=STAMP).read_bytes()
    monkeypatch.setattr("impact.claim.pack.write_workbook", broken)
    with pytest.raises(RuntimeError):
        write_pack(st, out, generated_at=STAMP)
    assert out.read_bytes() == good and [p.name for p in tmp_path.iterdir()] == ["claim.zip"]


def test_bad_inputs_are_one_sentence(tmp_path, analysis):
    st = statement(analysis, "cyber")
    with pytest.raises(InputError, match="directory"):
        write_pack(st, tmp_path, generated_at=STAMP)
    with pytest.raises(InputError, match="policy kind"):
        write_pack(st | {"policy": {"kind": "life"}}, tmp_path / "x.zip", generated_at=STAMP)
    with pytest.raises(InputError, match="cannot read input file"):
        write_pack(st, tmp_path / "x.zip", inputs=[tmp_path / "missing.csv"], generated_at=STAMP)
    with pytest.raises(InputError):
        write_pack(st, tmp_path / "x.zip", tz="Mars/Base", generated_at=STAMP)
    assert list(tmp_path.iterdir()) == []
