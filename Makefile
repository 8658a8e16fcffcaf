# Waymark developer commands. Everything bootstraps itself: a fresh clone needs only
# `make dev` (run locally on an embedded AWS) and `make test` (the whole suite).

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
# This machine's pip configuration names local indexes that may be absent; their warnings are noise.
QUIET_PIP := 2>&1 | { grep -v "^WARNING: Location 'file:" || true; }
.DEFAULT_GOAL := help

# Python 3.12, the Lambda runtime's version: from PATH, else from pyenv's install folder.
PY312 := $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 && { "$$p" -c 'import sys; print(sys.executable)'; break; }; done)

VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .venv-sam
CHECKS_VENV := .venv-checks
PORT ?= 3000
DEMO_PORT ?= 3001
# DEMO=0: only what a fresh deployment holds (the bootstrap's program and operator), no demo.
DEMO ?= 1

.PHONY: help dev test tools lint static format validate build bench load invoke browser clean

help:
	@echo "make dev        run Waymark locally on http://127.0.0.1:$(PORT) (embedded AWS), its demo shop on :$(DEMO_PORT)"
	@echo "                (PORT=3100 DEMO_PORT=3101: a second stack beside the first; DEMO=0: no demo, as freshly deployed)"
	@echo "make test       ruff, bandit, checkov, template checks, unit/integration/e2e/packaging tests"
	@echo "make static     bandit on shared/ functions/ devstack/, checkov on template.yaml"
	@echo "make bench      benchmark figures as JSON (bench/results.json)"
	@echo "make load       20k clicks and 2k postbacks through the local stack, then a reconciliation"
	@echo "make invoke FN=remarketing_sender   fire a scheduled function on the running local stack (DATE=YYYY-MM-DD: for that day)"
	@echo "make build      sam build (ARCH=x86_64 to build for this machine)"

# uv installs the pinned files into the three environments in seconds where pip takes minutes (it
# resolves, unpacks and links in parallel; Python compiles modules as they are first imported).
# It lives in its own small environment, pinned here; it does not read pip's configuration.
UV_VERSION := 0.13.9
UV_VENV := .venv-uv
UV := $(UV_VENV)/bin/uv
UV_INSTALL = $(UV) pip install --quiet --python $(1)/bin/python -r $(2)

$(UV):
	@test -n "$(PY312)" || { echo "Python 3.12 is required (e.g. 'pyenv install 3.12')." >&2; exit 1; }
	@test -x $(UV_VENV)/bin/python || $(PY312) -m venv $(UV_VENV)
	$(UV_VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) $(QUIET_PIP)

# An environment is made once (`uv venv`, from Python 3.12) and brought to its pinned file when that changes.
$(VENV)/.installed: requirements-dev.txt | $(UV)
	@test -x $(PY) || $(UV) venv --quiet --python $(PY312) $(VENV)
	$(call UV_INSTALL,$(VENV),requirements-dev.txt)
	@touch $@

$(SAM_VENV)/.installed: requirements-sam.txt | $(UV)
	@test -x $(SAM_VENV)/bin/python || $(UV) venv --quiet --python $(PY312) $(SAM_VENV)
	$(call UV_INSTALL,$(SAM_VENV),requirements-sam.txt)
	@touch $@

# bandit and checkov pin versions (boto3, pydantic...) Waymark's environment does not match.
$(CHECKS_VENV)/.installed: requirements-checks.txt | $(UV)
	@test -x $(CHECKS_VENV)/bin/python || $(UV) venv --quiet --python $(PY312) $(CHECKS_VENV)
	$(call UV_INSTALL,$(CHECKS_VENV),requirements-checks.txt)
	@touch $@

dev: $(VENV)/.installed
	$(PY) -m devstack serve --port $(PORT) --demo-port $(DEMO_PORT)$(if $(filter 0,$(DEMO)), --no-seed)

invoke: $(VENV)/.installed
	@test -n "$(FN)" || { echo "usage: make invoke FN=<function>, e.g. FN=remarketing_sender" >&2; exit 2; }
	$(PY) -m devstack invoke $(FN) --port $(PORT) $(if $(DATE),--date $(DATE))

# The e2e suite's page audits: axe-core and Lighthouse, pinned in tests/e2e/package-lock.json.
AUDITS := tests/e2e/node_modules/.installed
$(AUDITS): tests/e2e/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node 20) is required for the page audits of the e2e tests." >&2; exit 1; }
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	@touch $@

browser: $(AUDITS)
	@scripts/ensure-chromium

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# bandit warns once per line of a multi-line statement that carries a `# nosec`: noise, dropped.
# BC_SKIP_MAPPING: checkov would fetch guideline links from its vendor's platform.
static: $(CHECKS_VENV)/.installed
	$(CHECKS_VENV)/bin/bandit -q -c pyproject.toml -r shared functions devstack 2>&1 | { grep -v "nosec encountered" || true; }
	BC_SKIP_MAPPING=TRUE $(CHECKS_VENV)/bin/checkov --config-file .checkov.yaml

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

validate: $(SAM_VENV)/.installed
	$(SAM_VENV)/bin/cfn-lint template.yaml
	SAM_CLI_TELEMETRY=0 $(SAM_VENV)/bin/sam validate --lint --region eu-west-1

# Two workers, one per core: the suite waits on browsers, subprocess stacks and sam build as much as
# it computes. Whole files go to one worker (module fixtures start stacks once).
JOBS ?= 2
# The three environments install side by side: a fresh clone waits for the slowest, not for their sum.
tools:
	@$(MAKE) --no-print-directory -j3 $(VENV)/.installed $(SAM_VENV)/.installed $(CHECKS_VENV)/.installed

test: tools browser lint static
	$(PY) -m pytest -n $(JOBS) --dist loadfile --durations=25

ARCH ?= arm64
build: $(SAM_VENV)/.installed
	PATH="$(dir $(PY312)):$$PATH" PIP_NO_DEPS=1 SAM_CLI_TELEMETRY=0 \
		$(SAM_VENV)/bin/sam build --parameter-overrides Architecture=$(ARCH)

bench: $(VENV)/.installed $(SAM_VENV)/.installed
	$(PY) -m bench

load: $(VENV)/.installed
	$(PY) -m bench.traffic --clicks 20000 --postbacks 2000

clean:
	rm -rf .aws-sam .pytest_cache .ruff_cache test-artifacts .devstack tests/e2e/node_modules
