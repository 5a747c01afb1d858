# 决算看板: `make run` opens the dashboard on the bundled samples, `make test` runs every test.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python

.PHONY: setup build run demo test test-fast lint format bench bench-pages clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -r requirements.txt
	touch $@

# Incremental: unchanged files are not parsed again.
build: setup
	$(PY) -m etl build

run: setup
	$(PY) -m etl build || echo "（部分文件未能载入，原因见上方；看板照常打开）"
	$(PY) -m streamlit run dashboard.py

# A few hundred synthetic reports (示例数据，非真实) in their own warehouse, then the dashboard on it.
DEMO_DB ?= warehouse/demo.duckdb
demo: setup
	$(PY) -m etl demo --db $(DEMO_DB)
	JUESUAN_DB=$(DEMO_DB) JUESUAN_AUTOBUILD=0 $(PY) -m streamlit run dashboard.py

test: setup
	$(PY) -m pytest -q

# The in-process tests alone: no browser, no CLI build (tests marked e2e); `make test` runs all.
test-fast: setup
	$(PY) -m pytest -q -m "not browser and not e2e"

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff format .

# ETL at scale (100 / 1,000 synthetic PDFs, cold, --jobs 1/2, re-run, peak memory) and page
# query medians; the corpus is generated once into bench/.cache.  Then per-page PDF parse speed.
bench: setup
	$(PY) bench/bench_scale.py
	$(PY) bench/bench_etl.py

# Page query and browser render medians on the fixture and a 1,200-report warehouse (needs Chromium).
bench-pages: setup
	$(PY) bench/bench_pages.py

clean:
	rm -rf .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
