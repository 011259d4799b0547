# Two commands matter: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Loopback only: another address needs sign-in ([auth] in .streamlit/secrets.toml).
ADDRESS ?= 127.0.0.1

.PHONY: run test lint format bench serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
# The project itself is installed editable, so tests and benchmarks import it as is.
$(VENV)/.runtime: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.runtime

# Browser tests drive Debian's Chromium; a browser download is never used.
/usr/bin/chromium:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core

# The launcher refuses to listen beyond this machine unless sign-in is configured.
run: $(VENV)/.runtime
	$(BIN)/python -m nps_core.ui.launch app.py --server.headless true \
		--server.port $(PORT) --server.address $(ADDRESS)

test: lint /usr/bin/chromium
	$(BIN)/python -m pytest

# Style, the layer rules (import-linter, pyproject.toml) and the type checker.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benches run as modules from the root, so they import the shared tests/support helpers.
bench: $(VENV)/.dev /usr/bin/chromium
	$(BIN)/python -m bench.metrics
	$(BIN)/python -m bench.text
	$(BIN)/python -m bench.themes
	$(BIN)/python -m bench.fetch
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.fuzz
	$(BIN)/python -m bench.writers
	$(BIN)/python -m bench.faults

# The bundled server on its own, over a demo database (self-host example).
serve: $(VENV)/.runtime
	$(BIN)/python -m nps_core.server demo --db .nps/server.sqlite3
	$(BIN)/python -m nps_core.server serve --db .nps/server.sqlite3

clean:
	rm -rf $(VENV) .nps .pytest_cache .ruff_cache .hypothesis
