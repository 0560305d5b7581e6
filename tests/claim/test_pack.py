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
from impact.claim import ClaimPolicy
from impact.claim import pack as pack_mod
from impact.claim.pack import write_pack
from impact.errors import InputError
from impact.windows import window_from_strings

DEMO = ROOT / "data" / "demo"
FILES = [DEMO / "amazon_all_orders.txt", DEMO / "shopify_orders_export.csv"]
COSTS = DEMO / "product_costs.csv"
STAMP = "2025-11-03T09:30:00Z"


def cents(x: float) -> float:
    return float(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def demo():
    """The demo seller with costs, the AWS window on Amazon, and its analysis (New York time)."""
    opts = service.resolve_options(tz="America/New_York")
    con, _ = service.load_files(FILES, tz=opts.tz)
    service.load_costs(con, opts, costs=[COSTS])
    window = window_from_strings("2025-10-20T06:48Z", "2025-10-20T21:20Z", ["amazon"], title="AWS us-east-1 outage")
    return con, opts, window, service.run_analysis(con, [window], opts, shipments=False).to_json()


@pytest.fixture(scope="module")
def analysis(demo) -> dict:
    return demo[3]


def statement(analysis: dict, kind: str, cover: dict | None = None, **terms) -> dict:
    """The demo's statement as service.claim builds it: 12 h waiting, 100 deductible and a 10,000 limit unless
    the policy kind takes no such term or the test says otherwise."""
    con, opts, window, _ = _DEMO["demo"]
    base = {"waiting_hours": 12.0, "deductible": 100.0, "limit": 10_000.0}
    if kind == "bi":
        base.pop("waiting_hours")
    if kind == "parametric":
        base.pop("deductible")
    terms = base | terms
    money_terms = {"deductible", "limit", "hourly_sum", "continuing_expenses"}
    policy = ClaimPolicy(kind, **{k: Decimal(str(v)) if k in money_terms else v for k, v in terms.items()})
    return service.claim(con, [window], opts, policy, analysis=analysis, cover=cover)


_DEMO: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _keep_demo(demo):
    _DEMO["demo"] = demo


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


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "s.pdf").write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_is_an_adjusters_exhibit(tmp_path, analysis):
    """Cover page with the particulars given (blank lines for the rest), the labelled summary, the chart caption
    in the seller's clock, page numbers on every page, the declaration, and the stamp as the creation date."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    cover = {"insured": "Demo Goods Ltd", "policy_number": "CY-2025-0042", "prepared_by": "A. Seller"}
    st = statement(analysis, "cyber", cover=cover)
    files = members(write_pack(st, tmp_path / "claim.zip", generated_at=STAMP, tz="America/New_York"))
    text = pdf_text(files["statement.pdf"], tmp_path)
    pages = text.split("\f")[:-1]
    assert [f"Page {i + 1} of {len(pages)}" in p for i, p in enumerate(pages)] == [True] * len(pages)
    cover_page = " ".join(pages[0].split())
    for expected in (
        "Insured Demo Goods Ltd",
        "Policy number CY-2025-0042",
        "Policy type Cyber dependent business interruption",
        "Incident reference AWS us-east-1 outage",
        "Incident's public source https://aws.amazon.com/message/101925/",
        "Claim period Mon 20 Oct 2025 02:48 to 17:20 America/New_York (14.5 h)",
        "Amount claimed $129.83 (90% range $0.00 to $401.37)",
        "Prepared by A. Seller",
        "Date prepared 03 November 2025",
    ):
        assert expected in cover_page
    flat = " ".join(text.split())
    # New York's days give the baseline other hours than UTC's: the demo's figures in the seller's zone.
    assert "Revenue lost in the outage (expected - actual sales) $616.38 $182.91 $1,344.64" in flat
    assert "Gross profit lost $229.83 $68.20 $501.37" in flat
    assert "Loss claimed for (after recapture and expenses) $229.83 $61.76 $501.37" in flat
    assert "Claim $129.83 $0.00 $401.37" in flat
    assert "Outage: Mon 20 Oct 2025 02:48 to 17:20 America/New_York" in flat
    assert "Declaration I declare that the information" in flat
    info = subprocess.run(["pdfinfo", str(tmp_path / "s.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"CreationDate:\s+Mon Nov\s+3 09:30:00 2025 UTC", info), info


def test_pdf_cover_leaves_a_line_to_fill_for_particulars_not_given(tmp_path, analysis):
    """Without particulars the insured, policy number and preparer are lines to fill, never 'None'."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    files = members(write_pack(statement(analysis, "bi"), tmp_path / "claim.zip", generated_at=STAMP))
    cover_page = " ".join(pdf_text(files["statement.pdf"], tmp_path).split("\f")[0].split())
    assert "Insured ____" in cover_page and "Policy number ____" in cover_page and "Prepared by ____" in cover_page
    assert "None" not in cover_page


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


# ---------------------------------------------------------------------------------------------------------------
# The workbook as a working paper: change an input, the claim follows in every column


class OwnEngine:
    """The test's small evaluator over the workbook as openpyxl reads it; set() writes a value into a cell."""

    def __init__(self, path):
        self.wb = openpyxl.load_workbook(path)
        self.ev = Evaluator(self.wb)

    def set(self, sheet: str, ref: str, value: float) -> None:
        self.wb[sheet][ref].value = value

    def get(self, sheet: str, ref: str) -> float:
        return float(self.ev.cell(sheet, ref))


class PycelEngine:
    """pycel, an independent Excel formula engine (a test dependency in requirements.txt, never the app's)."""

    def __init__(self, path):
        import pycel  # only these tests need it, and importing it pulls in networkx

        self.xl = pycel.ExcelCompiler(filename=str(path))

    def set(self, sheet: str, ref: str, value: float) -> None:
        self.xl.set_value(f"{sheet}!{ref}", value)

    def get(self, sheet: str, ref: str) -> float:
        return float(self.xl.evaluate(f"{sheet}!{ref}"))


def row_of(ws, label: str) -> int:
    return next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith(label))


def bi_claim(std: float, actual: float, share: float, rate: float, rec: float, deductible: float) -> float:
    """docs/claims.md's business-interruption arithmetic, by hand, at the cent."""
    shortfall = cents((std - actual) * share)
    lgp = cents(rate * shortfall)
    return max(0.0, cents(lgp - cents(max(0.0, rec)) - deductible))


@pytest.mark.parametrize("engine", [OwnEngine, PycelEngine])
@pytest.mark.parametrize(
    "label, change",
    [
        ("Standard turnover", 150.0),
        ("Actual turnover", -40.0),
        ("Rate of gross profit", 0.05),
        ("Deductible", 60.0),
    ],
)
def test_changing_an_input_recomputes_the_bi_claim_in_every_column(tmp_path, analysis, engine, label, change):
    """Standard turnover, actual turnover, the rate of gross profit or the deductible changed in the Inputs sheet:
    the claim cell of each column (central, low, high) becomes the hand-worked claim of the new inputs."""
    st = statement(analysis, "bi", deductible=50.0)
    files = members(write_pack(st, tmp_path / "claim.zip", generated_at=STAMP))
    (tmp_path / "w.xlsx").write_bytes(files["workbook.xlsx"])
    eng = engine(tmp_path / "w.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "w.xlsx")
    inputs, policy = wb["Inputs"], wb["Policy"]
    names = (
        "Standard turnover",
        "Actual turnover",
        "Share of the shortfall",
        "Rate of gross profit",
        "Gross profit rec",
    )
    rows = {k: row_of(inputs, k) for k in names}
    ded_row, claim_row = row_of(inputs, "Deductible"), row_of(policy, "Claim")
    claim = st["windows"][0]["claim"]
    for col, key in zip("BCD", ("value", "low", "high"), strict=True):
        assert eng.get("Policy", f"{col}{claim_row}") == pytest.approx(claim[key], abs=0.005)
    # The deductible is one policy term (column B); a window's input has a central, low and high column.
    for col in ("B",) if label == "Deductible" else ("B", "C", "D"):
        ref = f"{col}{ded_row if label == 'Deductible' else rows[label]}"
        eng.set("Inputs", ref, inputs[ref].value + change)
    for col, key in zip("BCD", ("value", "low", "high"), strict=True):

        def value(name, c=col):
            ref = f"{c}{rows[name]}"
            v = inputs[ref].value
            return v + change if name == label else v

        deductible = inputs[f"B{ded_row}"].value + (change if label == "Deductible" else 0.0)
        want = bi_claim(
            value("Standard turnover"),
            value("Actual turnover"),
            value("Share of the shortfall"),
            value("Rate of gross profit"),
            value("Gross profit rec"),
            deductible,
        )
        assert want != pytest.approx(claim[key], abs=0.005) or claim[key] == 0.0
        assert eng.get("Policy", f"{col}{claim_row}") == pytest.approx(want, abs=0.005), (label, key)


def test_pdf_pages_hold_what_the_adjusters_checklist_says(tmp_path, analysis):
    """docs/claims.md's checklist: page 1 the cover, page 2 the summary, terms, method and base period, one page of
    workings per window, then the assumptions, the index of exhibits and the declaration."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    for kind, terms in (("bi", {}), ("cyber", {}), ("parametric", {"hourly_sum": 500.0})):
        files = members(write_pack(statement(analysis, kind, **terms), tmp_path / f"{kind}.zip", generated_at=STAMP))
        pages = [" ".join(p.split()) for p in pdf_text(files["statement.pdf"], tmp_path).split("\f")[:-1]]
        assert len(pages) == 4, kind
        assert all(w in pages[0] for w in ("Insured", "Policy number", "Claim period", "Date prepared")), kind
        assert all(w in pages[1] for w in ("Summary", "Policy terms", "Method", "Base period")), kind
        assert (
            "Workings, window 1" in pages[2]
            and "Sales per hour" in pages[2]
            and "Less deductible" in pages[2]
            or (kind == "parametric" and "Payout minus measured loss" in pages[2])
        ), kind
        assert all(w in pages[3] for w in ("Assumptions", "Index of exhibits", "Declaration", "Signed")), kind


def test_workbook_text_cells_are_written_as_given(tmp_path, analysis):
    """Text goes into string cells exactly as written (a string cell never runs), so a SKU or a formula-looking
    name shows no added quote in a spreadsheet."""
    from impact.claim.workbook import _Book

    book = _Book.__new__(_Book)
    buf = io.BytesIO()
    import xlsxwriter

    book.wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.wb.add_worksheet("T")
    for r, text in enumerate(["-BLUE-XL", '=HYPERLINK("http://evil.example")']):
        book.text(ws, r, 0, text)
    book.wb.close()
    cells = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))["T"]
    assert [(c.value, c.data_type) for c in cells["A"]] == [
        ("-BLUE-XL", "s"),
        ('=HYPERLINK("http://evil.example")', "s"),
    ]


def test_a_german_browser_gets_an_english_pdf(tmp_path, analysis):
    """The statement is written in English: with the browser's locale de_DE its dates are still English (never
    'Mo. 20 Okt.'), and so is its money."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    from impact import present

    try:
        present.use_locale("de_DE")
        st = statement(analysis, "cyber")
        files = members(write_pack(st, tmp_path / "claim.zip", generated_at=STAMP, tz="America/New_York"))
    finally:
        present.use_locale(None)
    flat = " ".join(pdf_text(files["statement.pdf"], tmp_path).split())
    assert "Claim period Mon 20 Oct 2025 02:48 to 17:20 America/New_York (14.5 h)" in flat
    assert "Date prepared 03 November 2025" in flat
    assert "Outage: Mon 20 Oct 2025 02:48 to 17:20 America/New_York" in flat
    assert "Claim $129.83" in flat and "129,83" not in flat
    assert not re.search(r"\b(?:Mo|Di|Okt|Oktober)\.?\s", flat)
