# Two commands from a fresh machine: `make run` (the app on the demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench-venv bench-ci-venv bench-accuracy bench-perf demo-data

# requirements.txt pins what the app and the tests run on; the project itself goes in editable, which gives the
# `impact` command (pyproject.toml's console script) and keeps it reading data/ from this checkout.
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# The benchmarks' anchors (statsforecast, CausalImpact) need pandas < 3: their own venv, inside the checkout.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -r requirements-bench.txt
	touch $@

bench-venv: $(BENCH_VENV)/.installed

# Google's tfp-causalimpact has the module name of tfcausalimpact (`causalimpact`): a venv of its own.
CI_VENV := .venv-ci
$(CI_VENV)/.installed: requirements-bench-ci.txt
	$(PYTHON) -m venv $(CI_VENV)
	$(CI_VENV)/bin/python -m pip install -q --upgrade pip
	$(CI_VENV)/bin/python -m pip install -q -r requirements-bench-ci.txt
	touch $@

bench-ci-venv: $(CI_VENV)/.installed

run: $(VENV)/.installed
	$(VENV)/bin/streamlit run app.py

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

demo-data: $(VENV)/.installed
	$(PY) scripts/make_demo_data.py

bench-accuracy: $(VENV)/.installed
	$(PY) -m bench.accuracy

bench-perf: $(VENV)/.installed
	$(PY) -m bench.perf
