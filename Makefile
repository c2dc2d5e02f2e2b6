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
# Extra options for `make audit` (e.g. --runbook-base-url https://github.com/OWNER/REPO/blob/COMMIT/).
AUDIT_ARGS ?=
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := help
.PHONY: help setup setup-gate setup-browser test lint format audit gate render serve clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled at install time: where PYTHONDONTWRITEBYTECODE is set (as on CI machines),
# Python would otherwise compile pulumi_aws's large modules from source in every process.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

# Checkov pins old boto3 and friends: it gets an environment of its own, never the project's.
$(CHECKOV_VENV)/.synced: $(UV) policies/requirements-checkov.txt
	rm -rf $(CHECKOV_VENV)
	$(UV) venv --quiet --python $(PYTHON) $(CHECKOV_VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(CHECKOV_VENV)/bin/python --require-hashes \
		-r policies/requirements-checkov.txt
	@touch $@

# The project itself is installed editable (its sources, not a copy): its bytecode is compiled here,
# at every setup (unchanged modules are skipped), or each command line would compile ~90 modules first.
PACKAGES := compliance_checks infra policies sandbox runbooks benchmarks

setup: $(VENV)/.synced ## install the project's environment (.venv) from uv.lock
	@$(VENV)/bin/python -m compileall -q -j 0 $(PACKAGES) >/dev/null

setup-gate: $(CHECKOV_VENV)/.synced ## install Checkov's own environment (.venv-checkov) from its hash-pinned lock

# The HTML report's tests drive a real headless browser (Debian's chromium) and read its PDF (poppler).
setup-browser: ## install headless Chromium and poppler-utils (the HTML report's browser tests) when absent
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    --no-install-recommends chromium poppler-utils >/dev/null; }

test: setup setup-gate setup-browser ## run the whole test suite
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup ## apply ruff fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The main job. The target ends with the audit's own exit code (0 nothing failed, 1 a FAIL, 2 the
# audit could not run, 3 an ERROR and no FAIL), so it fails on any FAIL or ERROR: make prints
# "Error N" with that code and, being make, exits 2 itself. AUDIT_EXPECT=N accepts exactly the
# code N instead (CI states what the shipped stack gives, in .ci/run); any other code still fails.
AUDIT_EXPECT ?= 0
audit: setup ## deploy STACK into the offline sandbox (moto), audit it, write reports/ (HTML, JSON)
	@$(VENV)/bin/python -m compliance_checks audit --sandbox --stack $(STACK) \
		--format table,html,json,markdown --output-dir $(REPORTS) $(AUDIT_ARGS); code=$$?; \
	case $$code in \
	  0) echo "audit: exit 0, no FAIL and no ERROR (MANUAL items need a person's evidence); reports in $(REPORTS)/" ;; \
	  1|3) echo "audit: exit $$code (1: a check failed, 3: a check could not be asserted; see the report); reports in $(REPORTS)/" ;; \
	  *) echo "audit: exit $$code, the audit could not run (see the error above)" ;; \
	esac; \
	if [ "$$code" = "$(AUDIT_EXPECT)" ]; then exit 0; fi; \
	if [ "$(AUDIT_EXPECT)" != 0 ]; then echo "audit: expected exit $(AUDIT_EXPECT), got $$code"; fi; \
	exit $$(( code == 0 ? 1 : code ))

gate: setup setup-gate ## the CI gate: Checkov (built-in and Leadping checks) on every stack, SARIF/JUnit in reports/gate
	$(VENV)/bin/python -m policies gate --stack all --format cli,junit,sarif --output-dir $(REPORTS)/gate

render: setup ## render a stack offline (STACK=dev|prod) and print its resources as JSON
	$(VENV)/bin/python -m infra.render --stack $(STACK)

serve: setup ## serve STACK deployed in a moto server on 127.0.0.1 (PORT=5000) for the AWS CLI or other tools
	$(VENV)/bin/python -m sandbox serve --stack $(STACK) $(if $(PORT),--port $(PORT))

clean: ## remove the environments and generated reports
	rm -rf $(TOOLS) $(VENV) $(CHECKOV_VENV) $(REPORTS)
