# 决算看板: `make run` opens the dashboard on the bundled samples, `make test` runs every test.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python

.PHONY: setup build run demo test test-fast lint format bench bench-pages soak ocr-eval clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -r requirements.txt
	touch $@

# Incremental: unchanged files are not parsed again.
build: setup
	$(PY) -m etl build

# Where the dashboard listens: this machine only by default; HOST=0.0.0.0 opens it to the network.
HOST ?= 127.0.0.1
PORT ?= 8501

run: setup
	$(PY) -m etl build || echo "（部分文件未能载入，原因见上方；看板照常打开）"
	$(PY) -m streamlit run dashboard.py --server.address $(HOST) --server.port $(PORT)

# A few hundred synthetic reports (示例数据，非真实) in their own warehouse, then the dashboard on it.
DEMO_DB ?= warehouse/demo.duckdb
demo: setup
	$(PY) -m etl demo --db $(DEMO_DB)
	JUESUAN_DB=$(DEMO_DB) JUESUAN_AUTOBUILD=0 $(PY) -m streamlit run dashboard.py --server.address $(HOST) --server.port $(PORT)

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

# ETL at scale on mixed synthetic reports (BENCH_SIZES, default 1,000 and 10,000: cold build,
# unchanged re-run, re-run after adding 10 files, peak memory with the parse workers, warehouse
# size, checks full vs incremental, the 100,000-report projection) and page query medians; the
# corpus is generated once into bench/.cache.  Then per-page PDF parse speed against pdfplumber
# and pypdfium2, and OCR seconds per scanned page.  A small run: make bench BENCH_SIZES=50,100
BENCH_SIZES ?= 1000,10000
bench: setup
	$(PY) bench/bench_scale.py --sizes $(BENCH_SIZES)
	$(PY) bench/bench_etl.py
	$(PY) bench/bench_ocr.py

# OCR evaluation: reference and dev PDFs rasterised (150/200 dpi, ±1°, JPEG noise) and scored
# against tests/fixtures/expected; table pages only by default (OCR_EVAL="--pages=all": every page, slow).
OCR_EVAL ?=
ocr-eval: setup
	$(PY) bench/eval_ocr.py $(OCR_EVAL)

# Page query and browser medians on the fixture and synthetic 1,200- and 10,000-report warehouses
# (cached in bench/.cache/pages), and the first page after start (needs Chromium).
BENCH_PAGES ?=
bench-pages: setup
	$(PY) bench/bench_pages.py $(BENCH_PAGES)

# Rebuild a warehouse 20 times while Chromium cycles every page; prints errors / page loads.
soak: setup
	$(PY) bench/soak.py

clean:
	rm -rf .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
