"""A small generated portfolio shared by the portfolio tests (tests/portfolio, tests/commands, tests/ui): five sellers
of mixed sizes and one broken seller, with the helpers and fixtures that build it."""

import shutil
from pathlib import Path

import pytest
from testdata import DATA

from bench.portfolio import make_portfolio, outage_window
from bench.synth import START
from impact.windows import window_from_strings

WINDOW = outage_window(START)


def window():
    return window_from_strings(*WINDOW, ["amazon"])


def costs_csv(path: Path, n_sku: int = 300) -> Path:
    """A product cost file covering every generated SKU at 40% of a nominal price."""
    path.write_text("sku,unit_cost\n" + "".join(f"SKU-{k},{5 + k % 20:.2f}\n" for k in range(n_sku)))
    return path


@pytest.fixture(scope="session")
def sellers(tmp_path_factory) -> Path:
    """sellers/seller-000..004 (Amazon reports), sellers/broken (a binary file beside a good export)."""
    root = tmp_path_factory.mktemp("portfolio") / "sellers"
    make_portfolio(root, 5, seed=3, low=20, high=200)
    broken = root / "broken"
    broken.mkdir()
    shutil.copy(root / "seller-000" / "all_orders.txt", broken / "all_orders.txt")
    shutil.copy(DATA / "bad" / "binary.csv", broken / "binary.csv")
    return root


@pytest.fixture
def portfolio(sellers, tmp_path) -> Path:
    """A private copy of the shared portfolio, for tests that add or change files."""
    dest = tmp_path / "sellers"
    shutil.copytree(sellers, dest)
    return dest
