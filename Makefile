# One setup path for a fresh machine that has python3, pip and git.
# Every target installs what it needs first; `make help` lists them.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
CHECKOV_VENV := .venv-checkov
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

STACK ?= prod
REPORTS ?= reports

.DEFAULT_GOAL := help
.PHONY: help setup test lint format render clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced ## install the project's environment (.venv) from uv.lock

test: setup ## run the whole test suite
	$(VENV)/bin/pytest -n auto

lint: setup ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

render: setup ## render a stack offline (STACK=dev|prod) and print its resources as JSON
	$(VENV)/bin/python -m infra.render --stack $(STACK)

clean: ## remove the environments and generated reports
	rm -rf $(TOOLS) $(VENV) $(CHECKOV_VENV) $(REPORTS)
