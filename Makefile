# Comunitas: `make demo` and `make test` work from a clean clone; both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := comunitas.settings

.PHONY: demo test bench lint format messages clean

# A development checkout runs with DEBUG=true; production sets its variables in the environment.
.env:
	printf '# Development settings of this checkout (untracked); see README for production.\nDEBUG=true\n' > .env

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# `make demo PORT=8080` serves on another port.
PORT ?= 8000

demo: $(STAMP) .env
	$(BIN)/comunitas demo --port $(PORT)

test: $(STAMP) .env
	$(BIN)/python -m django makemigrations --check --dry-run
	$(BIN)/lint-imports
	# One worker per CPU (the suite is CPU-bound); loadgroup keeps the tests that share a loaded
	# demo (tests/demo/conftest.py) on one worker.
	$(BIN)/python -m pytest -n auto --dist loadgroup

bench: $(STAMP) .env
	$(BIN)/python bench/run.py $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Recompile translations after editing a .po file (the .mo files are committed).
messages: $(STAMP)
	cd src/comunitas && DEBUG=true ../../$(BIN)/python -m django makemessages -l it --no-obsolete
	cd src/comunitas && DEBUG=true ../../$(BIN)/python -m django compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
