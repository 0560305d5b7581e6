"""Tests for impact.portfolio.sources: the folder and manifest forms, file sorting by header, root confinement."""

import os
import shutil

import pytest
from portfolios import costs_csv
from testdata import DATA

from impact.errors import InputError
from impact.portfolio import OutsideRootError, discover


def test_folder_form_one_seller_per_sub_folder(portfolio):
    """Each sub-folder is a seller named after it; a loose file is counted as skipped, never read."""
    (portfolio / "notes.txt").write_text("not a seller")
    jobs, report = discover(portfolio)
    assert [j.seller_id for j in jobs] == ["broken", *(f"seller-{i:03d}" for i in range(5))]
    assert report.lines == 7 and report.used == 6 and report.skipped == {"not in a seller's folder": 1}
    assert len(jobs[0].files) == 2 and all(len(j.files) == 1 for j in jobs[1:])


def test_cost_and_ad_files_are_told_apart_by_header(portfolio):
    """A cost file and an ad file in a seller's folder go to costs and ads, the export to files."""
    costs_csv(portfolio / "seller-001" / "my_costs.csv")
    shutil.copy(DATA / "costs" / "ad_spend_generic.csv", portfolio / "seller-001" / "ads.csv")
    job = {j.seller_id: j for j in discover(portfolio)[0]}["seller-001"]
    assert [os.path.basename(p) for p in job.files] == ["all_orders.txt"]
    assert [os.path.basename(p) for p in job.costs] == ["my_costs.csv"]
    assert [os.path.basename(p) for p in job.ads] == ["ads.csv"]


def test_costs_dir_layout(portfolio, tmp_path):
    """--costs-dir DIR/<seller_id>/ adds that seller's cost files; a non-cost file there is left out with a note."""
    d = tmp_path / "costs" / "seller-002"
    d.mkdir(parents=True)
    costs_csv(d / "c.csv")
    shutil.copy(portfolio / "seller-002" / "all_orders.txt", d / "stray.txt")
    job = {j.seller_id: j for j in discover(portfolio, tmp_path / "costs")[0]}["seller-002"]
    assert [os.path.basename(p) for p in job.costs] == ["c.csv"]
    assert "stray.txt" in job.notes[0]


def test_manifest_rows_are_all_accounted_for(portfolio):
    """Several rows per seller add up; blank lines are skipped, rows without a seller id or path rejected with
    their line, a missing path becomes the seller's problem: lines = used + skipped + rejected."""
    m = portfolio / "manifest.csv"
    m.write_text(
        "seller_id,path\n"
        "a,seller-000/all_orders.txt\n"
        "a,seller-001\n"
        "\n"
        ",seller-002/all_orders.txt\n"
        "b,missing.txt\n"
        "c,\n"
        "a,seller-000/all_orders.txt\n"
    )
    jobs, report = discover(m)
    by = {j.seller_id: j for j in jobs}
    assert sorted(by) == ["a", "b"]
    assert len(by["a"].files) == 2  # the repeated row does not read a file twice
    assert by["b"].problems == ("manifest line 6: missing.txt does not exist",)
    assert report.lines == 7 and report.used == 4 and report.skipped == {"blank line": 1}
    assert report.rejected == [{"line": 5, "reason": "no seller_id"}, {"line": 7, "reason": "no path"}]
    assert report.lines == report.used + sum(report.skipped.values()) + len(report.rejected)


def test_manifest_without_its_columns_is_an_input_error(tmp_path):
    """A manifest missing seller_id or path is refused naming the missing column."""
    m = tmp_path / "m.csv"
    m.write_text("seller,file\na,b\n")
    with pytest.raises(InputError, match="missing seller_id, path"):
        discover(m)


def test_root_confinement_refuses_dotdot_and_symlinks(portfolio, tmp_path):
    """Under a root nothing outside it is read: a source outside, a manifest row with .., a symlinked file or
    seller folder pointing outside are all refused or left out."""
    root = portfolio
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(portfolio / "seller-000" / "all_orders.txt", outside / "secret.txt")
    with pytest.raises(OutsideRootError):
        discover(outside, root=root)
    with pytest.raises(OutsideRootError):
        discover(root / ".." / "outside", root=root)
    os.symlink(outside / "secret.txt", portfolio / "seller-003" / "link.txt")
    os.symlink(outside, portfolio / "zz-linked-seller")
    m = portfolio / "manifest.csv"
    m.write_text("seller_id,path\nx,../outside/secret.txt\ny,seller-003\n")
    jobs, _ = discover(m, root=root)
    by = {j.seller_id: j for j in jobs}
    assert by["x"].files == () and "outside the portfolio folder" in by["x"].problems[0]
    assert [os.path.basename(p) for p in by["y"].files] == ["all_orders.txt"]  # link.txt not followed
    jobs, report = discover(root, root=root)
    assert "zz-linked-seller" not in {j.seller_id for j in jobs}
    assert report.rejected[0]["entry"] == "zz-linked-seller"
    every = [p for j in jobs for p in (*j.files, *j.costs, *j.ads)]
    assert every and all(os.path.realpath(p).startswith(str(root.resolve())) for p in every)


def test_a_source_that_is_neither_folder_nor_file(tmp_path):
    """A source that does not exist is one InputError."""
    with pytest.raises(InputError, match="neither a folder"):
        discover(tmp_path / "nope")


def test_a_seller_id_leading_out_of_the_costs_dir_is_that_sellers_error(portfolio, tmp_path):
    """A manifest row `../../outside` with --costs-dir gives that seller an error row (its costs unread) and the
    other sellers run; nothing outside the costs folder is read."""
    outside = tmp_path / "outside"
    outside.mkdir()
    costs_csv(outside / "secret_costs.csv")
    (tmp_path / "costs" / "nested").mkdir(parents=True)
    manifest = portfolio / "manifest.csv"
    manifest.write_text("seller_id,path\nseller-001,seller-001\n../../outside,seller-002\n")
    jobs, report = discover(manifest, tmp_path / "costs" / "nested")
    by_id = {j.seller_id: j for j in jobs}
    assert report.used == 2 and by_id["seller-001"].problems == ()
    assert by_id["../../outside"].problems == (
        "the seller id '../../outside' leads outside the costs folder; its costs were not read",
    )
    assert by_id["../../outside"].costs == ()
