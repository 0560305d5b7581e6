# Two commands from a fresh machine: `make run` (the app on the demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench-accuracy bench-perf bench-venv demo-data

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

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

# The accuracy benchmark's anchors (MSTL, CausalImpact) need pandas < 3 and TensorFlow: their own venv, inside the
# checkout, never the app's. Then: .venv-bench/bin/python -m bench.accuracy --mstl on --causalimpact 30
BENCH_VENV := .venv-bench

$(BENCH_VENV)/.installed: requirements-bench.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -r requirements-bench.txt
	touch $@

bench-venv: $(BENCH_VENV)/.installed
