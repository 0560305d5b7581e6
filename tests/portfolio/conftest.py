"""The portfolio fixtures (tests/portfolios.py) for every test in this folder."""

from portfolios import portfolio, sellers  # noqa: F401
