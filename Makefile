# cellpipe: two commands for a newcomer — `make lab` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
PIP := $(PY) -m pip
S := .make
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
JLAB_VERSION := 4.6.6
TS_SOURCES := $(filter-out %.generated.ts,$(shell find src style schema scripts -type f 2>/dev/null)) $(wildcard cellpipe/runtime/*.py) package.json tsconfig.json webpack.config.js

.PHONY: lab test lint test-js test-py test-ui test-install installed build install bench clean chromium

## make lab: create .venv, install, build, start JupyterLab with the extension on the example notebook
lab: install
	@echo "Starting JupyterLab with cellpipe: open the URL printed below."
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR)/examples $(ROOT_FLAG) $(LAB_ARGS) $(CURDIR)/examples/pipeline.ipynb

# Jupyter refuses to run as root; containers (and this project's CI machine) often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root --no-browser,)

## make test: install what is missing and run every suite (lint, jest, pytest, Galata)
## every suite runs even when an earlier one fails; the summary names the failed ones
SUITES := lint test-js test-py test-install test-ui
test: install chromium
	@failed=""; for suite in $(SUITES); do \
	  echo "==== $$suite"; start=$$(date +%s); \
	  $(MAKE) --no-print-directory $$suite || failed="$$failed $$suite"; \
	  echo "==== $$suite took $$(( $$(date +%s) - start ))s"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAILED suites:$$failed"; exit 1; fi; echo "all suites passed: $(SUITES)"

$(S)/venv: pyproject.toml
	@mkdir -p $(S)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "jupyterlab==$(JLAB_VERSION)" "setuptools>=70.1" wheel "hatchling>=1.21" "hatch-nodejs-version>=0.3.2" "hatch-jupyter-builder>=0.9" editables
	@touch $@

$(S)/node: package.json package-lock.json
	@mkdir -p $(S)
	npm ci --no-audit --no-fund
	@touch $@

$(S)/build: $(S)/node $(S)/venv $(TS_SOURCES)
	npm run build:lib
	npm run build:cli
	jupyter labextension build --development True .
	@touch $@

$(S)/install: $(S)/build pyproject.toml
	$(PIP) install -q --no-build-isolation -e ".[test]"
	jupyter labextension develop --overwrite .
	jupyter server extension enable --sys-prefix cellpipe
	@touch $@

build: $(S)/build
install: $(S)/install

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## lint: ESLint + Prettier (package.json "lint"), Ruff (rules in pyproject.toml), mypy on cellpipe/ (strict on
## server and local; [tool.mypy] in pyproject.toml)
lint: $(S)/install
	npm run --silent lint
	ruff check cellpipe tests bench
	ruff format --check cellpipe tests bench
	mypy

test-js: $(S)/install
	npx jest --ci

test-py: $(S)/install
	pytest -q tests

## the installed extension is seen by Jupyter, and a wheel carries the production labextension once
## (minified, no source maps; built to build/labextension, apart from the development build) and the compiler
test-install: installed
	rm -rf dist && npm run build:prod && $(PIP) wheel -q --no-deps --no-build-isolation -w dist .
	$(PY) scripts/check_wheel.py dist/cellpipe-*.whl

## Jupyter lists cellpipe as enabled (each list printed whole). Printed by awk on make's stdout, never
## `tee /dev/stderr`: that reopens the log `make test > log 2>&1` writes, with O_TRUNC, and empties it.
installed: $(S)/install
	jupyter labextension list 2>&1 | awk '{ print } /cellpipe .*enabled.*OK/ { found = 1 } END { exit !found }'
	jupyter server extension list 2>&1 | awk '{ print } /cellpipe .*enabled/ { found = 1 } END { exit !found }'

## the JupyterLab suite, then the Notebook 7 one (playwright.notebook.config.ts); both run, either failing fails
test-ui: $(S)/install chromium
	cd ui-tests && status=0; npx playwright test || status=1; \
	  npx playwright test --config playwright.notebook.config.ts || status=1; exit $$status

## make docs-images: the pictures of docs/user-guide.md and the README, taken by a Galata spec from the
## example notebook (ui-tests/docs/, its own config: `make test` never rewrites docs/images)
.PHONY: docs-images
docs-images: $(S)/install chromium
	cd ui-tests && npx playwright test --config docs/playwright.config.ts

## make bench NAME=<name>: run bench/<name>/run, which ends with one JSON line
bench: install
	@test -n "$(NAME)" || { echo "usage: make bench NAME=<$$(ls bench | tr '\n' ' ')>"; exit 2; }
	bash bench/$(NAME)/run

clean:
	rm -rf $(S) lib cellpipe/labextension build dist tsconfig.tsbuildinfo
