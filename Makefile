# emr-iam: `make modules` renders the spec, `make test` runs every test with a real engine.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TOOLS ?= .tools
SPEC ?= specs/platform.yaml
OUT ?= modules
PYTEST_ARGS ?= -n auto

export TF_CLI_CONFIG_FILE := $(abspath $(TOOLS))/tofurc
export EMR_IAM_TOOLS := $(abspath $(TOOLS))

.PHONY: help venv test-deps modules check validate schema managed-policies iam-actions tools plan-tools test golden inventories lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

venv: $(VENV)/.installed ## create the virtual environment with the generator

test-deps: $(VENV)/.installed-test

modules: venv ## render $(SPEC) into $(OUT)/ (writes only changed files)
	$(PY) -m generator render --spec $(SPEC) --out $(OUT)

check: venv ## exit 1 when the committed modules are stale against the spec
	$(PY) -m generator check --spec $(SPEC) --out $(OUT)

validate: venv ## validate the spec only
	$(PY) -m generator validate --spec $(SPEC)

schema: venv ## write the spec's JSON Schema for editors and the spec reference in README.md
	$(PY) -m generator schema > specs/emr-iam-spec.schema.json
	$(PY) -m generator schema --format markdown --readme README.md

managed-policies: test-deps ## rewrite generator/data/aws_managed_policies.json from the AWS managed policies moto ships
	$(PY) -m scripts.aws_managed_policies

iam-actions: iamlint-env ## rewrite generator/data/iam_actions.json.gz (IAM actions, condition keys) from the pinned policy_sentry and parliament
	$(IAMLINT_VENV)/bin/python scripts/iam_actions.py

tools: test-deps ## install OpenTofu, the Terraform matrix and the hashicorp/aws provider offline into $(TOOLS)/ (what the tests use)
	$(PY) -m scripts.install_tools $(TOOLS)

plan-tools: venv ## install only what a workspace needs to plan offline: OpenTofu and the hashicorp/aws provider mirror
	$(PY) -m scripts.install_tools --plan-only $(TOOLS)

test: test-deps tools cdktn-env cdktf-env mermaid iamlint-env cloudsplaining-env ## run every test (unit, golden, HCL, fmt/validate, plans) with the real engine
	$(PY) -m generator check --spec $(SPEC) --out $(OUT)
	$(PY) -m pytest $(PYTEST_ARGS)

golden: test-deps ## rewrite the golden files under tests/golden/ from tests/specs/
	$(PY) -m tests.golden

inventories: test-deps tools ## rewrite the plan inventories under tests/plan/ from real plans (review the diff)
	$(PY) -m tests.plan.regenerate $(CASE)

lint: test-deps ## ruff and mypy
	$(VENV)/bin/ruff check generator tests scripts bench/run.py bench/specgen.py bench/profile_render.py bench/cdktf_app.py bench/compare.py
	$(VENV)/bin/mypy

clean: ## remove environments, toolchain and engine caches
	rm -rf $(VENV) $(TOOLS) .pytest_cache
	find . -name .terraform -type d -prune -exec rm -rf {} +

# A real Mermaid parser for the diagrams of the team READMEs: mermaid's own, run by Node.js (jsdom stands in for
# the browser it expects). npm packages, pinned, in their own folder.
MERMAID_VERSION ?= 11.17.2
JSDOM_VERSION ?= 25.0.1
MERMAID_DIR := $(TOOLS)/mermaid
$(MERMAID_DIR)/.installed-$(MERMAID_VERSION)-$(JSDOM_VERSION):
	mkdir -p $(MERMAID_DIR)
	cd $(MERMAID_DIR) && npm install --no-audit --no-fund --silent --no-save 'mermaid@$(MERMAID_VERSION)' 'jsdom@$(JSDOM_VERSION)'
	touch $@

mermaid: $(MERMAID_DIR)/.installed-$(MERMAID_VERSION)-$(JSDOM_VERSION) ## install the Mermaid parser the diagram tests use into $(TOOLS)/mermaid
.PHONY: mermaid

# CDKTF lives in its own environment: it needs Node.js and jsii, which the generator does not.
CDKTF_VENV ?= .venv-cdktf
$(CDKTF_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(CDKTF_VENV)
	$(CDKTF_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CDKTF_VENV)/bin/python -m pip install --quiet -e '.[cdktf]'
	touch $@

cdktf-env: $(CDKTF_VENV)/.installed ## create the separate CDKTF environment (.venv-cdktf)
.PHONY: cdktf-env

# CDK Terrain, the maintained fork of CDKTF: an environment of its own, so each flavour is tested alone.
CDKTN_VENV ?= .venv-cdktn
$(CDKTN_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(CDKTN_VENV)
	$(CDKTN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CDKTN_VENV)/bin/python -m pip install --quiet -e '.[cdktn]'
	touch $@

cdktn-env: $(CDKTN_VENV)/.installed ## create the separate CDK Terrain environment (.venv-cdktn)
.PHONY: cdktn-env

bench: test-deps tools cdktf-env ## time render scale, no-op render, CDKTF synth and plan overhead (offline and after an apply to moto); writes bench/results.md
	$(PY) bench/run.py $(BENCH_ARGS)
.PHONY: bench

# checkov pins old versions of common packages, so it gets an environment of its own.
CHECKOV_VENV ?= .venv-checkov
CHECKOV_VERSION ?= 3.3.30
# Offline: nothing from the vendor's platform, no update check; a file checkov cannot parse fails the scan.
# PYTHONHASHSEED: checkov lists a module called with `count` under `x`, `x[0]` or both depending on Python's
# hash order, so without a fixed seed its passed-check counts change from run to run (586 to 684 passed on
# modules/ for the same files; with seeds 0, 1 and 2 every module's resources were checked, only the duplicates differed).
CHECKOV_ENV := BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=true CKV_PARSE_ERROR_FAIL=true PYTHONHASHSEED=0
$(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $@

scan: $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION) iamlint-env cloudsplaining-env test-deps tools ## checkov on modules/ and examples/; parliament and policy_sentry on every policy the modules create; cloudsplaining on the shared accounts
	for folder in modules examples; do echo "checkov: $$folder/"; $(CHECKOV_ENV) $(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml -d $$folder || exit 1; done
	$(PY) -m tests.effective --dump $(SCAN_DOCUMENTS)
	$(IAMLINT_VENV)/bin/python scripts/lint_policies.py $(SCAN_DOCUMENTS)
	$(PY) -m scripts.cloudsplaining_scan --cloudsplaining $(CLOUDSPLAINING_VENV)/bin/cloudsplaining --out $(SCAN_DIR)/cloudsplaining
.PHONY: scan

# cloudsplaining, on the account authorization details of the specs whose teams share an account; its own environment.
CLOUDSPLAINING_VENV ?= .venv-cloudsplaining
CLOUDSPLAINING_VERSION ?= 0.9.1
SCAN_DIR ?= .scan
$(CLOUDSPLAINING_VENV)/.installed-$(CLOUDSPLAINING_VERSION):
	$(PYTHON) -m venv $(CLOUDSPLAINING_VENV)
	$(CLOUDSPLAINING_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CLOUDSPLAINING_VENV)/bin/python -m pip install --quiet 'cloudsplaining==$(CLOUDSPLAINING_VERSION)'
	touch $@

cloudsplaining-env: $(CLOUDSPLAINING_VENV)/.installed-$(CLOUDSPLAINING_VERSION) ## create the separate cloudsplaining environment (.venv-cloudsplaining)
.PHONY: cloudsplaining-env

# IAM policy linters, each with its own bundled action database; kept apart like checkov.
IAMLINT_VENV ?= .venv-iamlint
PARLIAMENT_VERSION ?= 1.6.4
POLICY_SENTRY_VERSION ?= 0.15.2
SCAN_DOCUMENTS ?= .scan/policies.json
$(IAMLINT_VENV)/.installed-$(PARLIAMENT_VERSION)-$(POLICY_SENTRY_VERSION):
	$(PYTHON) -m venv $(IAMLINT_VENV)
	$(IAMLINT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(IAMLINT_VENV)/bin/python -m pip install --quiet 'parliament==$(PARLIAMENT_VERSION)' 'policy-sentry==$(POLICY_SENTRY_VERSION)'
	touch $@

iamlint-env: $(IAMLINT_VENV)/.installed-$(PARLIAMENT_VERSION)-$(POLICY_SENTRY_VERSION) ## create the separate IAM linter environment (.venv-iamlint)
.PHONY: iamlint-env
