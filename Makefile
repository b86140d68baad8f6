# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app.py
# `make run` is for development: mail to instance/mail/, demo data, no Secure cookies.
export VINK_ENV ?= development
CHROMIUM ?= /usr/bin/chromium
# The W3C Nu HTML checker, from the npm registry, run with the machine's Java by the tests.
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/vnu-$(VNU_VERSION)/node_modules/vnu-jar/build/dist/vnu.jar
# panva's oidc-provider, from the npm registry: the OpenID Connect provider the login tests sign
# in at (tests/oidc/provider.mjs); tests/oidc/package-lock.json pins what it pulls in.
OIDC_PROVIDER_VERSION := 9.13.3
OIDC_PROVIDER_DIR := $(VENV)/oidc-provider-$(OIDC_PROVIDER_VERSION)

.PHONY: run test lint format vendor bench translations browser mail clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when the pinned requirements change.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d portal/translations 2>&1 | tail -n 1

run: $(VENV)/.runtime translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data --first-run
	$(BIN)/flask run --host 127.0.0.1 --port 5000

browser:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Debian's 'chromium' package at $(CHROMIUM)."; \
		echo "Install it with: sudo apt-get install chromium (or set CHROMIUM=/path/to/chromium)"; \
		exit 1; \
	fi

$(VNU_JAR):
	@if ! command -v npm >/dev/null || ! command -v java >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing npm and Java for the HTML checker (apt-get)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm default-jre-headless >/dev/null; \
		else \
			echo "The HTML checker needs npm and Java: sudo apt-get install npm default-jre-headless"; \
			exit 1; \
		fi; \
	fi
	npm install --silent --no-save --no-package-lock --no-audit --no-fund \
		--prefix $(VENV)/vnu-$(VNU_VERSION) vnu-jar@$(VNU_VERSION)

# npm ci installs exactly the lock file; the stamp reinstalls when tests/oidc/package*.json change.
# After the checker's rule, which installs npm where it is missing.
$(OIDC_PROVIDER_DIR)/.installed: tests/oidc/package.json tests/oidc/package-lock.json | $(VNU_JAR)
	@grep -q '"oidc-provider": "$(OIDC_PROVIDER_VERSION)"' tests/oidc/package.json || { \
		echo "tests/oidc/package.json does not pin oidc-provider $(OIDC_PROVIDER_VERSION)"; exit 1; }
	mkdir -p $(OIDC_PROVIDER_DIR)
	cp tests/oidc/package.json tests/oidc/package-lock.json $(OIDC_PROVIDER_DIR)/
	npm ci --silent --no-audit --no-fund --prefix $(OIDC_PROVIDER_DIR)
	touch $@

test: $(VENV)/.dev translations browser $(VNU_JAR) $(OIDC_PROVIDER_DIR)/.installed
	CHROMIUM=$(CHROMIUM) VNU_JAR=$(VNU_JAR) OIDC_PROVIDER_DIR=$(OIDC_PROVIDER_DIR) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

vendor:
	scripts/vendor.sh

# Refresh the translation catalogue after adding strings: extract, then merge into en.
# pybabel skips folders starting with "_" by default, and templates/_macros holds strings too.
BABEL_DIRS := --ignore-dirs ".* __pycache__"
messages: $(VENV)/.runtime
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext $(BABEL_DIRS) -o portal/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -w 100 -i portal/translations/messages.pot -d portal/translations

mail: $(VENV)/.runtime
	$(BIN)/flask send-mail --loop

# Pages over HTTP (gunicorn, wrk) at 100x demo data beside a bare Flask page; BENCH_ARGS to change.
bench: $(VENV)/.dev translations
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's wrk for the benchmark (apt-get)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else echo "The benchmark needs wrk: sudo apt-get install wrk"; exit 1; fi; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean-venv:
	rm -rf $(VENV)
