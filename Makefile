# calcminer: `make demo` sets up .venv and runs the miner, review, figures and follow-up audit on
# sample_reports/; `make test` runs the checks (and installs Chromium for the browser test);
# `make test-pythons` runs mypy and pytest on every supported Python found on the machine.
#
# The interpreter (tools/pythons.sh pick): PYTHON if set, else the newest working python3.13,
# python3.12, python3.11 or python3 on PATH; it must be CPython 3.11, 3.12 or 3.13. .venv is
# rebuilt when it was made by another interpreter (.venv/.installed-stamp names it).
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT := out
# "<version> <path>" of the interpreter, or the sentence saying why there is none.
PICKED := $(shell PYTHON='$(PYTHON)' $(SHELL) tools/pythons.sh pick 2>&1)
PICK_STATUS := $(.SHELLSTATUS)
PY_VERSION := $(firstword $(PICKED))
PY := $(wordlist 2,$(words $(PICKED)),$(PICKED))
# Versions `make test-pythons` leaves out (CI runs the default one through `make test` first).
PYTHONS_SKIP ?=

.PHONY: demo test test-pythons pytest lint typecheck install clean FORCE

# The stamp holds the interpreter's identity: another interpreter (or none) remakes it.
ifneq ($(shell cat $(STAMP) 2>/dev/null),$(PICKED))
$(STAMP): FORCE
endif

$(STAMP): pyproject.toml
	@if [ "$(PICK_STATUS)" != 0 ]; then printf '%s\n' "$(PICKED)" >&2; exit 1; fi
	@if [ -e $(VENV) ]; then \
		made_by=$$($(SHELL) tools/pythons.sh identity $(BIN)/python 2>/dev/null); \
		if [ "$$made_by" != "$(PICKED)" ]; then \
			was="Python $${made_by%% *} ($${made_by#* })"; \
			[ -n "$$made_by" ] || was="a Python that no longer runs"; \
			echo "calcminer: $(VENV) was made by $$was; rebuilding it with Python $(PY_VERSION) ($(PY))."; \
			rm -rf $(VENV); \
		fi; \
	fi
	@echo "calcminer: installing into $(VENV) with Python $(PY_VERSION) ($(PY))"
	"$(PY)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	@# setuptools says "Editable installation ... be careful with folders ... named as your package"
	@# on every editable install of a package whose folder is the repository: information, hidden.
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e '.[dev]'
	@printf '%s\n' "$(PICKED)" > $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/calcminer extract sample_reports -o $(OUT)/reports.csv \
		--findings-out $(OUT)/findings.csv --flagged-out $(OUT)/flagged.csv
	$(BIN)/calcminer review sample_reports -o $(OUT)/review.html
	$(BIN)/calcminer figures $(OUT)/reports.csv --from-table -o $(OUT)/figures
	$(BIN)/calcminer audit sample_reports/audit/archive.jsonl -o $(OUT)/audit.csv \
		--summary-out $(OUT)/audit_summary.csv --overdue-out $(OUT)/audit_overdue.csv \
		--plot-out $(OUT)/audit.png --report-out $(OUT)/audit.html --worklist $(OUT)/worklist.csv
	@echo
	@echo "calcminer is installed in $(VENV), not on your PATH: run $(BIN)/calcminer --help, or activate the environment first (. $(BIN)/activate) and run calcminer --help."

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow the editable install's import hook: give it the package through a link.
# Each environment keeps its own cache (numpy, spaCy and pandas differ between Pythons).
typecheck: $(STAMP)
	rm -rf .mypy_path && mkdir -p .mypy_path/calcminer
	for f in __init__.py cli.py py.typed nlp; do ln -s ../../$$f .mypy_path/calcminer/$$f; done
	MYPYPATH=.mypy_path $(BIN)/mypy --cache-dir $(VENV)/.mypy_cache --package calcminer

# PYTEST_ARGS: a part of the suite (make test-pythons PYTEST_ARGS="tests/test_packaging.py").
pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: $(STAMP) lint typecheck
	sh tests/setup_browser.sh
	$(BIN)/python -m pytest

# mypy and pytest on each supported Python that tools/pythons.sh finds (on PATH, then in pyenv),
# in .venv-3.11, .venv-3.12 and .venv-3.13; PYTHONS_SKIP="3.11" leaves a version out.
test-pythons:
	sh tests/setup_browser.sh
	@MAKE='$(MAKE)' PYTHONS_SKIP='$(PYTHONS_SKIP)' $(SHELL) tools/test_pythons.sh

clean:
	rm -rf $(VENV) .venv-3.1[123] $(OUT) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .mypy_path

FORCE:
