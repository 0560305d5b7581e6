# Two commands from a fresh machine: `make run` (the app on the demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test lint bench-accuracy bench-perf demo-data

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
