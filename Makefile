# Two commands on a fresh machine with Python 3.11+ and make: `make plan` and `make test`.
PYTHON ?= python3
STACK ?= dev
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: plan plan-all test clean

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

clean:
	rm -rf build $(VENV)
