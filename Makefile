# Two commands matter: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Loopback only: another address needs sign-in ([auth] in .streamlit/secrets.toml).
ADDRESS ?= 127.0.0.1

.PHONY: run test lint format bench serve clean messages

# The interface's translations (docs/ARCHITECTURE.md, "Languages"): the .po files are the
# source, committed; their compiled .mo files are built here, never committed, so a .mo
# can never lag behind its .po (tests/test_i18n.py checks the .mo loaded is current).
LOCALE_DIR := nps_core/locale
LANGUAGES := ru
CATALOGUES := $(LANGUAGES:%=$(LOCALE_DIR)/%/LC_MESSAGES/messages.mo)

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

$(LOCALE_DIR)/%/LC_MESSAGES/messages.mo: $(LOCALE_DIR)/%/LC_MESSAGES/messages.po | $(VENV)/.runtime
	$(BIN)/pybabel -q compile -d $(LOCALE_DIR) -D messages -l $*

# After changing interface texts: extract them into messages.pot and merge it into each
# language's .po, whose new entries then need translating (tests/test_i18n.py lists them).
messages: $(VENV)/.dev
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output --project=nps-dashboard \
		--version=0.1.0 -o $(LOCALE_DIR)/messages.pot .
	$(BIN)/pybabel -q update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages \
		--no-fuzzy-matching --ignore-obsolete

# The launcher refuses to listen beyond this machine unless sign-in is configured.
run: $(VENV)/.runtime $(CATALOGUES)
	$(BIN)/python -m nps_core.ui.launch app.py --server.headless true \
		--server.port $(PORT) --server.address $(ADDRESS)

# The PostgreSQL tests start a throwaway cluster from Debian's server; never a download.
/usr/bin/pg_ctlcluster:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql

test: lint /usr/bin/chromium /usr/bin/pg_ctlcluster $(CATALOGUES)
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
bench: $(VENV)/.dev /usr/bin/chromium /usr/bin/pg_ctlcluster $(CATALOGUES)
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
