# Madoguchi — the commands a developer and CI run. `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the test suite needs: the browser, Japanese fonts for it, and PostgreSQL's server binaries.
TEST_DEBS := chromium fonts-noto-cjk postgresql

.PHONY: help install run serve migrate seed test test-fast lint e2e system-deps clean messages

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) was not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install the app and its tools

migrate: install ## apply database migrations
	$(BIN)/madoguchi migrate

seed: install ## create the sections and the demo accounts (prints their passwords)
	$(BIN)/madoguchi seed-demo

run: install ## set up everything and serve on SQLite with demo data at http://127.0.0.1:8000
	$(BIN)/madoguchi migrate
	$(BIN)/madoguchi seed-demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")
	$(BIN)/madoguchi serve --no-migrate

system-deps: ## install the Debian packages the tests need (as root), or say which are missing
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list :lang=ja 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "The tests need these Debian packages:$$missing"; \
	    echo "Install them with: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

LINT_PATHS := $(wildcard server sync tests bench)

lint: install ## ruff and mypy (strict for sync/)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy -p server $(if $(wildcard sync),-p sync)

test: install system-deps lint ## everything: lint, unit and server tests on SQLite and PostgreSQL, browser tests
	$(BIN)/pytest

test-fast: install ## the tests without the browser
	$(BIN)/pytest -m "not e2e"

e2e: install system-deps ## only the browser tests
	$(BIN)/pytest tests/e2e

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var

messages: install ## re-extract translatable messages and merge them into the Japanese catalog
	$(BIN)/pybabel extract -F server/locale/babel.cfg -k N_ --no-location --sort-output -o server/locale/messages.pot .
	$(BIN)/pybabel update -i server/locale/messages.pot -d server/locale -D messages -l ja --omit-header
