"""python -m impact claim: the statement as JSON with analyze's figures, a human summary, and one line on stderr with
exit code 2 for every input it cannot use."""

import json

import pytest
from readable import program_output
from testdata import ROOT

from impact.__main__ import main

D = [str(ROOT / "data/demo/amazon_all_orders.txt"), str(ROOT / "data/demo/shopify_orders_export.csv")]
W = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "amazon"]
COSTS = ["--costs", str(ROOT / "data/demo/product_costs.csv"), "--fees", "amazon=15%"]


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_claim_json_figures_equal_analyze_json(capsys):
    """claim --json holds analyze --json's result (profit block included) for the same options."""
    code, out, err = run(capsys, ["analyze", *D, *W, *COSTS, "--json"])
    assert code == 0, err
    analyzed = json.loads(out)
    code, out, err = run(
        capsys, ["claim", *D, *W, *COSTS, "--policy", "cyber", "--waiting-hours", "12", "--deductible", "100", "--json"]
    )
    assert code == 0, err
    st = json.loads(out)
    assert st["analysis"] == {k: v for k, v in analyzed.items() if k not in ("ingest", "zone")}  # what analyze adds
    assert st["windows"][0]["profit"] == analyzed["windows"][0]["profit"]
    assert st["policy"]["waiting_mode"] == "qualifying" and st["policy"]["deductible"] == 100.0
    k = st["windows"][0]["workings"]
    assert k["claim"]["value"] == pytest.approx(k["loss"]["value"] - 100, abs=0.001)
    assert st["total"]["claim"] == st["windows"][0]["claim"]


def test_human_summary(capsys):
    """Without --json: the policy, the workings and the claim in a few lines."""
    code, out, err = run(
        capsys, ["claim", *D, *W, "--policy", "parametric", "--hourly-sum", "100", "--waiting-hours", "12"]
    )
    assert code == 0, err
    assert "Parametric cloud-outage cover claim" in out and "Hours paid: 2.5 h" in out and "Payout: $" in out
    assert program_output(out) == []


def test_cover_page_particulars_reach_the_pdf(capsys, tmp_path):
    """--insured, --policy-number, --incident-ref, --incident-source and --prepared-by fill the cover page."""
    import shutil
    import subprocess
    import zipfile

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    out = tmp_path / "claim.zip"
    cover = ["--insured", "Demo Goods Ltd", "--policy-number", "P-7", "--incident-ref", "AWS-2025-10-20"]
    cover += ["--incident-source", "https://health.aws.amazon.com/", "--prepared-by", "A. Seller"]
    args = ["claim", *D, *W, "--policy", "cyber", "--gross-profit-rate", "30", *cover, "--out", str(out)]
    code, _, err = run(capsys, args)
    assert code == 0, err
    (tmp_path / "s.pdf").write_bytes(zipfile.ZipFile(out).read("statement.pdf"))
    text = " ".join(
        subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True).stdout.split()
    )
    for value in ("Demo Goods Ltd", "P-7", "AWS-2025-10-20", "https://health.aws.amazon.com/", "A. Seller"):
        assert value in text


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--policy", "bi", "--hourly-sum", "10"], "--hourly-sum does not apply to a bi policy"),
        (["--policy", "cyber", "--waiting-mode", "retention"], "--waiting-mode needs --waiting-hours"),
        (["--policy", "cyber", "--deductible", "-5"], "--deductible must be an amount of 0 or more"),
        (["--policy", "cyber", "--deductible", "lots"], "--deductible expects an amount"),
        (["--policy", "bi"], "give the product costs (--costs"),
        (["--policy", "parametric"], "give --hourly-sum"),
        (["--policy", "cyber", "--gross-profit-rate", "x"], "--gross-profit-rate expects a percentage"),
        (["--policy", "cyber", "--gross-profit-rate", "30", "--out", "."], "is a directory"),
    ],
)
def test_bad_policy_input_is_one_line_and_exit_2(capsys, tmp_path, extra, message):
    """Each contradicting or invalid option: exit 2, one line on stderr, nothing on stdout."""
    code, out, err = run(capsys, ["claim", *D, *W, *extra])
    assert code == 2
    assert message in err and err.count("\n") == 1 and out == ""


def test_bad_ledger_rows_are_refused(capsys, tmp_path):
    """An extra-expenses ledger with bad rows: exit 2, the rejected lines named, nothing printed."""
    led = tmp_path / "expenses.csv"
    led.write_text("date,description,amount,receipt\n2025-10-20,Overtime,240,INV-1\n2025-10-20,,12,INV-2\n")
    code, out, err = run(
        capsys, ["claim", *D, *W, "--policy", "bi", "--gross-profit-rate", "35%", "--extra-expenses", str(led)]
    )
    assert code == 2 and out == ""
    assert "1 of 2 expense rows rejected" in err and "line 3: no description" in err and err.count("\n") == 1


def test_window_outside_the_history_is_refused(capsys):
    """A window the orders cannot speak to: exit 2 with one line."""
    code, out, err = run(
        capsys,
        [
            "claim",
            *D,
            "--window",
            "2024-01-01T00:00Z",
            "2024-01-01T05:00Z",
            "--policy",
            "cyber",
            "--gross-profit-rate",
            "30",
        ],
    )
    assert code == 2 and out == "" and err.count("\n") == 1


def test_out_pack_hashes_the_inputs_and_lists_the_affected_orders(capsys, tmp_path):
    """The pack's manifest holds the SHA-256 of each input file; its affected orders are the late shipments of the
    affected channels bought before the outage ended: on Shopify 17 of the 19 late orders (two were bought after it,
    one 39 hours after), on Amazon none (its export has no ship times), never Shopify's orders for Amazon's outage."""
    import hashlib
    import zipfile

    out = tmp_path / "claim.zip"
    code, _, err = run(capsys, ["claim", *D, *W, "--policy", "cyber", "--gross-profit-rate", "30", "--out", str(out)])
    assert code == 0, err
    pack = zipfile.ZipFile(out)
    manifest = json.loads(pack.read("manifest.json"))
    text = json.dumps(manifest)
    for f in D:
        assert hashlib.sha256(open(f, "rb").read()).hexdigest() in text
    assert pack.read("affected_orders.csv").decode("utf-8-sig").strip().splitlines()[1:] == []
    shop = ["--window", "2025-10-20T06:48Z", "2025-10-20T21:20Z", "--channels", "shopify"]
    code, _, err = run(
        capsys, ["claim", *D, *shop, "--policy", "cyber", "--gross-profit-rate", "30", "--out", str(out)]
    )
    assert code == 0, err
    rows = zipfile.ZipFile(out).read("affected_orders.csv").decode("utf-8-sig").strip().splitlines()[1:]
    assert len(rows) == 17 and all(",shopify," in r for r in rows)
    assert max(r.split(",")[2] for r in rows) <= "2025-10-20 21:20:00"


def test_out_writes_the_whole_pack(capsys, tmp_path):
    """--out writes claim.zip with the PDF statement, the workbook, both CSVs and the manifest."""
    import zipfile

    out = tmp_path / "claim.zip"
    code, _, err = run(capsys, ["claim", *D, *W, "--policy", "cyber", "--gross-profit-rate", "30", "--out", str(out)])
    assert code == 0, err
    names = set(zipfile.ZipFile(out).namelist())
    assert {"statement.pdf", "workbook.xlsx", "affected_orders.csv", "hourly.csv", "manifest.json"} <= names


def test_a_recapture_below_zero_is_not_given_a_range_it_lies_outside(capsys, monkeypatch):
    """A real Etsy window whose next day ran below normal: the recapture line gives the ends that go with the claim's
    as such, not as a 90% range that its own figure lies outside."""
    monkeypatch.delenv("IMPACT_DEFAULT_TZ")
    window = ["--window", "2022-12-28T14:00Z", "2022-12-28T20:00Z", "--policy", "bi", "--gross-profit-rate", "40%"]
    assert main(["claim", str(ROOT / "tests" / "data" / "real" / "etsy_sold_orders_2022.csv"), *window]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("  Gross profit recaptured"))
    assert line.startswith(
        "  Gross profit recaptured after the outage: -$117.61 (at the claim's low and high: -$77.84 and $0.00)"
    )
