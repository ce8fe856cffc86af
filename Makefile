# calcminer: `make demo` sets up .venv and runs the miner, review, figures and follow-up audit on
# sample_reports/; `make test` runs the checks (and installs Chromium for the browser test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT := out

.PHONY: demo test lint typecheck install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/calcminer extract sample_reports -o $(OUT)/reports.csv \
		--findings-out $(OUT)/findings.csv --flagged-out $(OUT)/flagged.csv
	$(BIN)/calcminer review sample_reports -o $(OUT)/review.html
	$(BIN)/calcminer figures $(OUT)/reports.csv --from-table -o $(OUT)/figures
	$(BIN)/calcminer audit sample_reports/audit/archive.jsonl -o $(OUT)/audit.csv \
		--summary-out $(OUT)/audit_summary.csv --overdue-out $(OUT)/audit_overdue.csv \
		--plot-out $(OUT)/audit.png

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow the editable install's import hook: give it the package through a link.
typecheck: $(STAMP)
	rm -rf .mypy_path && mkdir -p .mypy_path/calcminer
	for f in __init__.py cli.py py.typed nlp; do ln -s ../../$$f .mypy_path/calcminer/$$f; done
	MYPYPATH=.mypy_path $(BIN)/mypy --package calcminer

test: $(STAMP) lint typecheck
	sh tests/setup_browser.sh
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .mypy_path
