# Two entry points: `make demo` (set up, then run verify on the bundled fixtures)
# and `make test` (set up, then run the whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := fixtures-demo.db

.PHONY: setup demo test test-fast lint browser docs

$(BIN)/verify: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, CPU build: anything that pulls plain torch would fetch a CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,ray]'
	touch $(BIN)/verify

setup: $(BIN)/verify

demo: setup
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/verify --db $(DB) ingest fixtures/saraqeb/sana.txt --outlet sana --story saraqeb --published 2020-02-27
	$(BIN)/verify --db $(DB) ingest fixtures/saraqeb/nlf-statement.md --outlet nlf --story saraqeb --published 2020-02-27
	$(BIN)/verify --db $(DB) ingest fixtures/saraqeb/afp-dispatch.txt --outlet afp --story saraqeb --published 2020-02-27
	$(BIN)/verify --db $(DB) ingest fixtures/saraqeb/wire-relay.html --outlet reuters --story saraqeb --published 2020-02-28
	$(BIN)/verify --db $(DB) ingest fixtures/saraqeb/alaraby.jsonl --story saraqeb
	$(BIN)/verify --db $(DB) claims --by-source --story saraqeb
	$(BIN)/verify --db $(DB) report --story saraqeb

# The HTML report is tested in a real headless browser: Debian's chromium and its driver.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		(apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null)

test: setup browser
	$(BIN)/python -m pytest -q

# The fast tier alone: no model loads, whole outputs compared with committed ones (under a minute).
test-fast: setup
	$(BIN)/python -m pytest -q tests/fast

lint: setup
	$(BIN)/ruff check verify tests bench
	$(BIN)/ruff format --check verify tests bench
	$(BIN)/mypy
	$(BIN)/cog --check README.md docs/cli-reference.md docs/how-it-works.md bench/README.md

# Regenerate the command reference (from the commands' --help), the thresholds table (from Thresholds)
# and bench/README.md's figure tables (from bench/results/*.json, through bench/tables.py).
docs: setup
	$(BIN)/cog -r README.md docs/cli-reference.md docs/how-it-works.md bench/README.md
