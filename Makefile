# 决算看板: `make run` opens the dashboard on the bundled samples, `make test` runs every test.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python

.PHONY: setup build run test lint format bench clean

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

test: setup
	$(PY) -m pytest -q

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff format .

bench: setup
	$(PY) bench/bench_etl.py
	$(PY) bench/bench_pages.py

clean:
	rm -rf .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path "./$(VENV)/*" -exec rm -rf {} +
