# Two entry points: `make demo` (set up, then run verify on the bundled fixtures)
# and `make test` (set up, then run the whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := fixtures-demo.db

.PHONY: setup demo test lint

$(BIN)/verify: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, CPU build: anything that pulls plain torch would fetch a CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/verify

setup: $(BIN)/verify

demo: setup
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/verify --db $(DB) ingest fixtures/saraqeb
	$(BIN)/verify --db $(DB) claims --by-source --story saraqeb

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check verify tests bench
	$(BIN)/ruff format --check verify tests bench
