# Two commands on a fresh machine with Python 3.11+ and make: `make plan` and `make test`.
PYTHON ?= python3
STACK ?= dev
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

CI_VENV := .venv-ci
CI_INSTALLED := $(CI_VENV)/.installed

.PHONY: plan plan-all test scan lint-workflows clean

# The same .venv Pulumi itself uses (Pulumi.yaml: toolchain pip, virtualenv .venv).
$(INSTALLED): pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check '.[test]'
	touch $@

## Render one stack offline under Pulumi's mock engine: build/plan/$(STACK)/
plan: $(INSTALLED)
	$(BIN)/python -m offline plan --stack $(STACK)

## Render every Pulumi.<stack>.yaml in the project root.
plan-all: $(INSTALLED)
	@set -e; for file in Pulumi.*.yaml; do \
		stack=$${file#Pulumi.}; stack=$${stack%.yaml}; \
		$(BIN)/python -m offline plan --stack $$stack; \
	done

test: $(INSTALLED)
	$(BIN)/python -m pytest

$(CI_INSTALLED): requirements-ci.txt
	$(PYTHON) -m venv $(CI_VENV)
	$(CI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-ci.txt
	touch $@

## Security scan of every stack's rendered objects (skips and their reasons: .checkov.yaml).
scan: plan-all $(CI_INSTALLED)
	$(CI_VENV)/bin/checkov -d build/plan --config-file .checkov.yaml

## Validate the GitHub workflows against the vendored (offline) workflow schema.
lint-workflows: $(CI_INSTALLED)
	$(CI_VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

clean:
	rm -rf build $(VENV) $(CI_VENV)
