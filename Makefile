# adguide — `make run` opens the app, `make test` runs every check. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8501

.PHONY: install run test lint typecheck pytest browser postgres index bench eval learn clean help

help:
	@echo "make run    - install if needed, then open the adguide app on http://$(HOST):$(PORT)"
	@echo "make test   - install if needed, then ruff + mypy (every package) + pytest + the gated eval suites"
	@echo "make bench  - run the benchmarks and print the figures"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "adguide needs Python >= 3.11; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian chromium + chromedriver for the real-browser test; needs root (as on CI) or sudo.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
	  echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	    || { echo "could not install chromium"; [ -z "$$CI" ] || exit 1; }; \
	elif command -v sudo >/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
	    || echo "could not install chromium: the browser test will be skipped"; \
	else \
	  echo "chromium not installed and not root: the browser test will be skipped"; \
	fi

# Debian postgresql (server binaries only are used: the tests start a throwaway cluster on a Unix socket, as the
# postgres system user when root); needs root (as on CI) or sudo. Without it and without root, those tests skip.
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "postgresql: $$(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
	    || { echo "could not install postgresql"; [ -z "$$CI" ] || exit 1; }; \
	elif command -v sudo >/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
	    || echo "could not install postgresql: the PostgreSQL tests will be skipped"; \
	else \
	  echo "postgresql not installed and not root: the PostgreSQL tests will be skipped"; \
	fi

run: install
	@echo "adguide: opening http://$(HOST):$(PORT) (offline mode unless OPENAI_API_KEY is set)"
	$(BIN)/streamlit run ui/app.py --server.address $(HOST) --server.port $(PORT) \
	  --browser.gatherUsageStats false --server.headless $(if $(DISPLAY),false,true)

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy core corpus assistant evals ui

pytest: install browser postgres
	$(BIN)/pytest -n 2

# The offline golden suite gates too: any critical failure, a pass rate under the threshold, or a
# regression against evals/baseline.json fails `make test`. Reports land in runs/make-test/.
eval: install
	$(BIN)/adguide eval run --mode offline --out runs/make-test/golden -q
	@# the held-out suites (written blind, then fixed by family) gate too: no critical failure, >= 95%;
	@# heldout4 stays out: the standing blind measurement, never tuned against
	@for suite in heldout heldout2 heldout3 blind9 blind9b blind9c blind9d blind9e blind9h blind9i blind9j blind9k blind9l blind9m blind9n blind9o blind10d; do \
	  $(BIN)/adguide eval run --suite evals/$$suite --no-baseline --mode offline --out runs/make-test/$$suite -q \
	    || exit 1; \
	done
	@# retrieval gates against its committed baseline (evals/retrieval_baseline.json): recall@1/3, MRR,
	@# false abstains and false answers may not get worse; raise the baseline with --update-baseline
	@mkdir -p runs/make-test
	@for set in evals/retrieval_blind evals/retrieval_blind2 evals/retrieval_blind3 evals/retrieval_blind4 \
	           evals/retrieval_blind5 evals/retrieval_offtopic evals/golden; do \
	  out=runs/make-test/retrieval-$$(basename $$set).txt; \
	  $(BIN)/adguide eval retrieval --set $$set --gate evals/retrieval_baseline.json --html $${out%.txt}.html > $$out \
	    || { cat $$out; exit 1; }; \
	  echo "$$set: $$(head -1 $$out)"; \
	done

test: lint typecheck pytest eval

index: install
	$(BIN)/adguide index

# retrain the retriever's learned term-passage model from the blind retrieval sets already scored at first run
learn: install
	$(BIN)/adguide eval learn

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
