# The documented entry points. `make run` and `make test` build .venv themselves.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: install run test dev lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@mkdir -p $(DAGSTER_HOME)
	@touch $(STAMP)

run: install
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/csi run

test: install
	$(BIN)/pytest

dev: install
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/dagster dev -w workspace.yaml

# Benchmark on 10,000 and 100,000 synthetic documents; writes bench/results.json + RESULTS.md.
bench: install
	$(BIN)/python bench/run_bench.py --sizes 10000 100000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) data .dagster dbt_project/target dbt_project/logs
