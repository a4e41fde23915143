# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export LITELLM_LOCAL_MODEL_COST_MAP ?= True

.PHONY: demo test lint typecheck format bench screenshots install install-dev probe-simulator probe-client

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files make re-runs skip the install unless pyproject.toml changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/resync-flows demo

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# The product packages (listed in pyproject's [tool.mypy] files) must type-check clean.
typecheck: install-dev
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Each bench/<name>.py runs as the module bench.<name> from the repository root (helper
# packages such as bench/tws_probe/ are not benchmarks).
bench: install-dev
	for script in bench/*.py; do \
		name=$$(basename $$script .py); \
		[ "$$name" = __init__ ] && continue; \
		$(BIN)/python -m bench.$$name || exit 1; \
	done

# README pictures from a real run (a local Prefect server, the demo, headless Chromium).
# Needs Debian's chromium; installed here when missing (as root, or through sudo).
screenshots: install
	command -v chromium >/dev/null || $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -q chromium
	bash scripts/screenshots.sh

# Schemathesis against the TWS simulator with the product's OpenAPI spec (../shared/tws-api);
# prints operations, cases and failures, fails on any failure beyond the documented quirks.
probe-simulator: install-dev
	$(BIN)/python scripts/spec_probe.py $(PROBE_ARGS)

# The TWS client and poller against Stoplight Prism mocks of the product's spec (installed
# here under .probe/ with npm; needs node and the local PostgreSQL). Fails on any problem.
PRISM := .probe/node_modules/.bin/prism
$(PRISM):
	npm install --prefix .probe --no-audit --no-fund --loglevel=error @stoplight/prism-cli@5.14.2

probe-client: install-dev $(PRISM)
	$(BIN)/python -m bench.prism_probe --gate $(PROBE_CLIENT_ARGS)
