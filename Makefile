# The two commands of the README: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run dev test lint bench bench-ui bench-measure loadtest install install-dev install-measure browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The measure extra: torch and torchvision (about a minute from PyPI; the venv keeps them).
$(VENV)/.installed-measure: requirements-measure.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-measure.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-measure: $(VENV)/.installed-measure

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is missing: install the 'chromium' package (browser tests need /usr/bin/chromium)"; fi

run: install
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Like run, but reloads on code changes.
dev: install
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.fileWatcherType auto --server.runOnSave true

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-dev install-measure browser lint
	$(BIN)/python -m pytest

bench: install-dev
	$(BIN)/python benchmarks/parse_benchmark.py

bench-ui: install-dev browser
	$(BIN)/python benchmarks/ui_benchmark.py

bench-measure: install-dev install-measure
	$(BIN)/python benchmarks/measure_benchmark.py

loadtest: install-dev browser
	$(BIN)/python benchmarks/load_test.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts out
