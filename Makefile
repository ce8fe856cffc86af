# calcminer: `make demo` sets up .venv and runs the miner on sample_reports/; `make test` runs the checks.
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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow the editable install's import hook: give it the package through a link.
typecheck: $(STAMP)
	rm -rf .mypy_path && mkdir -p .mypy_path/calcminer
	for f in __init__.py cli.py py.typed nlp; do ln -s ../../$$f .mypy_path/calcminer/$$f; done
	MYPYPATH=.mypy_path $(BIN)/mypy --package calcminer

test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .mypy_path
