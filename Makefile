# Two commands on a fresh machine with Python 3.11+ and make: `make plan` and `make test`.
#
# `make plan STACK=<name>` renders Pulumi.<name>.yaml offline into build/plan/<name>/. The stack name reaches the
# program as an environment variable, never as shell text, and the program checks it against Pulumi's rules.
# GNU make itself exits 0 or 2; the program's own status is in make's last line ("Error 2": a configuration
# error, "Error 1": anything else). `.venv/bin/python -m offline plan --stack <name>` returns it directly.
PYTHON ?= python3
STACK ?= dev
# $(value ...) takes the name as written: a `$(shell ...)` in it is text, not a command.
export PLAN_STACK := $(value STACK)
unexport STACK
# `make diff` compares with BASE: a git ref or a folder (plan folder or project checkout).
BASE ?= origin/main
export DIFF_BASE := $(value BASE)
unexport BASE
VENV := .venv
BIN := $(VENV)/bin
PLAN_INSTALLED := $(VENV)/.installed-plan
TEST_INSTALLED := $(VENV)/.installed-test
PIP := $(BIN)/python -m pip install --disable-pip-version-check --progress-bar on

CI_VENV := .venv-ci
CI_INSTALLED := $(CI_VENV)/.installed
# promtool for the alert-rule tests (tests/observability): from the distribution's `prometheus` package, unpacked
# into .tools/ (no service started, no root needed to unpack); a promtool already on PATH is linked instead.
PROMTOOL := .tools/usr/bin/promtool
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo -n)

.PHONY: plan plan-all waits test test-long benchmark diff scan lint-workflows clean python-version promtool dashboards

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "deepseek-acs needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>/dev/null || echo 'missing')." >&2; \
		echo "Install Python 3.11+ or point make at one: make plan PYTHON=python3.12" >&2; exit 1; }

# The same .venv Pulumi itself uses (Pulumi.yaml: toolchain pip, virtualenv .venv). Rendering needs the program's
# dependencies only; the test toolchain comes with `make test`.
$(PLAN_INSTALLED): pyproject.toml requirements.txt | python-version
	@echo "Installing the program's dependencies into $(VENV) (first run only)..."
	$(PYTHON) -m venv $(VENV)
	$(PIP) .
	@touch $@

$(TEST_INSTALLED): pyproject.toml $(PLAN_INSTALLED)
	@echo "Installing the test toolchain into $(VENV) (first run only)..."
	$(PIP) '.[test]'
	@touch $@

## Render one stack offline under Pulumi's mock engine: build/plan/$(STACK)/
plan: python-version $(PLAN_INSTALLED)
	@$(BIN)/python -m offline plan --stack "$$PLAN_STACK"

## What a change does to $(STACK) against $(BASE): resources, LWS groups recreated, downtime, GPU-hours, cost.
diff: python-version $(PLAN_INSTALLED)
	@$(BIN)/python -m offline diff --stack "$$PLAN_STACK" --base "$$DIFF_BASE"

## Median of 10 warm runs of `make plan STACK=$(STACK)` (a measurement; the target is < 3 s for prod on 2 cores).
benchmark: python-version $(PLAN_INSTALLED)
	@$(BIN)/python -m offline.benchmark --stack "$$PLAN_STACK" --runs 10

## Render every Pulumi.<stack>.yaml in the project root.
plan-all: python-version $(PLAN_INSTALLED)
	@$(BIN)/python -m offline plan --all

## The waits of one `pulumi up` of $(STACK), its job timeout and the runner it needs (offline/waits.py).
waits: python-version $(PLAN_INSTALLED)
	@$(BIN)/python -m offline waits --stack "$$PLAN_STACK"

test: python-version $(TEST_INSTALLED) $(PROMTOOL)
	$(BIN)/python -m pytest

promtool: $(PROMTOOL)

# `apt-get download` needs the package lists: on a fresh runner they are fetched once (sudo -n: never prompts).
$(PROMTOOL):
	@mkdir -p $(@D)
	@if command -v promtool >/dev/null 2>&1; then ln -sf "$$(command -v promtool)" $@; else \
		echo "Fetching promtool (package 'prometheus') into .tools/ (first run only)..."; \
		cd .tools && { apt-get download prometheus >/dev/null 2>&1 || \
			{ $(SUDO) apt-get update -qq && apt-get download prometheus; }; } && \
		dpkg-deb --fsys-tarfile prometheus_*.deb | tar -x ./usr/bin/promtool && rm -f prometheus_*.deb; \
	fi
	@$@ --version | head -1

## Rewrite monitoring/dashboards/<engine>.json after an intended dashboard change (review the diff).
dashboards: python-version $(PLAN_INSTALLED)
	$(BIN)/python -m monitoring dashboards

## The generated-input tests with many more examples and a fresh seed (minutes; `make test` runs a fixed few).
test-long: python-version $(TEST_INSTALLED)
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests/generated --hypothesis-show-statistics

$(CI_INSTALLED): requirements-ci.txt | python-version
	$(PYTHON) -m venv $(CI_VENV)
	$(CI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-ci.txt
	@touch $@

## Security scan of every stack's rendered objects (skips and their reasons: .checkov.yaml).
scan: plan-all $(CI_INSTALLED)
	$(CI_VENV)/bin/checkov -d build/plan --config-file .checkov.yaml

## Validate the GitHub workflows against the vendored (offline) workflow schema.
lint-workflows: $(CI_INSTALLED)
	$(CI_VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

clean:
	rm -rf build $(VENV) $(CI_VENV) .tools
