# dvc-assistant — `make run` starts everything, `make test` runs the tests. `make help` lists targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

APP_VENV  := .venv
RASA_VENV := .venv-rasa
APP_PY    := $(APP_VENV)/bin/python
RASA_PY   := $(RASA_VENV)/bin/python
RASA      := $(RASA_VENV)/bin/rasa
MODEL     := models/dvc.tar.gz
PY310      = $(shell scripts/find-python310.sh)
RASA_DATA := data/nlu data/rules data/stories
EVAL_DIR  := data/eval/nlu
RASA_INPUTS := config.yml domain.yml $(shell find $(RASA_DATA) data/lexicon -name '*.yml' 2>/dev/null) $(wildcard bot/nlu/*.py)

export PYTHONPATH := $(CURDIR)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup env db lookups train eval eval-dev run lint test test-unit test-rasa test-app browsers lock clean

help: ## List targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(APP_VENV)/.installed: requirements/app.in requirements/app.lock
	test -x $(APP_PY) || $(PY310) -m venv $(APP_VENV)
	$(APP_PY) -m pip install -q --upgrade pip
	$(APP_PY) -m pip install -q -r requirements/app.in -c requirements/app.lock
	touch $@

$(RASA_VENV)/.installed: requirements/rasa.in requirements/rasa.lock
	test -x $(RASA_PY) || $(PY310) -m venv $(RASA_VENV)
	$(RASA_PY) -m pip install -q --upgrade pip
	$(RASA_PY) -m pip install -q -r requirements/rasa.in -c requirements/rasa.lock
	touch $@

setup: $(APP_VENV)/.installed $(RASA_VENV)/.installed ## Create both Python environments (pinned)

.env:
	python3 scripts/ensure_env.py .env

env: .env ## Create .env with per-install secrets if missing

db: $(APP_VENV)/.installed .env ## Migrate the database and load the catalogue from data/catalogue/
	$(APP_PY) -m cli db upgrade
	$(APP_PY) -m cli catalogue import data/catalogue

LOOKUPS := data/lexicon/services.yml data/lexicon/provinces.yml

$(LOOKUPS) &: data/catalogue/services.yaml data/reference/provinces.yaml core/lookups.py | $(APP_VENV)/.installed
	$(APP_PY) -m cli nlu lookups
# Files are rewritten only when their content changes, so a fee or note edit does not retrain.

lookups: $(LOOKUPS) ## Regenerate NLU lookup data from the catalogue

$(MODEL): $(RASA_INPUTS) $(LOOKUPS) | $(RASA_VENV)/.installed
	@mkdir -p models
	time \
	  $(RASA) train --data $(RASA_DATA) --fixed-model-name dvc --out models --quiet --force
	@touch $@

train: $(MODEL) ## Train the Rasa model if its data or config changed

eval: $(MODEL) ## Evaluate NLU on the held-out set by variant; writes reports/nlu_eval.json (+ _summary)
	$(RASA_PY) -m bot.evaluate --model $(MODEL) --heldout $(EVAL_DIR)/heldout --out reports/nlu_eval.json

eval-dev: $(MODEL) ## Evaluate on the two dev sets (data/eval/nlu/dev, dev2): tune here, report with `make eval`
	$(RASA_PY) -m bot.evaluate --model $(MODEL) --heldout $(EVAL_DIR)/dev --out reports/nlu_eval_dev.json
	$(RASA_PY) -m bot.evaluate --model $(MODEL) --heldout $(EVAL_DIR)/dev2 --out reports/nlu_eval_dev2.json

.PHONY: eval-catalogue bench-catalogue
eval-catalogue: ## Procedure search on data/eval/catalogue/{dev,dev2,dev3,heldout}*.yaml: top-1, right-or-clarified, wrong, out-of-scope recall
	$(APP_PY) bench/catalogue.py eval -v

eval-dialogue: setup train ## The same queries through the whole assistant (NLU, actions, API): what a citizen gets
	$(APP_PY) bench/dialogue.py -v

bench-catalogue: ## The same with the portal's 5,670 real names indexed too (../shared/reference/tthc), plus build time, memory, latency
	$(APP_PY) bench/catalogue.py scale

run: setup db train ## Set up, train, and start actions + Rasa + API on http://127.0.0.1:8000
	@echo "Starting: API http://127.0.0.1:8000  (Rasa 127.0.0.1:5005, actions 127.0.0.1:5055). Ctrl-C stops all."
	python3 scripts/ensure_env.py .env  # adds secrets introduced since .env was written
	$(APP_VENV)/bin/honcho start --env .env --procfile Procfile

WORKERS ?= 2
.PHONY: run-prod bench
run-prod: setup db train ## Production layout: actions + WORKERS Rasa + WORKERS API workers (PostgreSQL/Redis: docs/deployment.md)
	$(APP_PY) scripts/run_prod.py --workers $(WORKERS)

bench: setup train ## Load figures (loopback, bounded): SQLite/1 worker and PostgreSQL+Redis/WORKERS -> reports/bench.json
	$(APP_PY) bench/run.py --workers $(WORKERS)

browsers: ## Install Debian's Chromium for the browser tests if missing
	scripts/ensure-chromium.sh

.PHONY: miniapp
miniapp: ## Build the Zalo Mini App (miniapp/dist, served by the API at /miniapp/)
	cd miniapp && npm ci --no-audit --no-fund && npm run build

LINTED := api core actions cli bot bench devtools migrations scripts tests

lint: $(APP_VENV)/.installed ## ruff (lint + format check), mypy, import boundaries
	$(APP_VENV)/bin/ruff check $(LINTED)
	$(APP_VENV)/bin/ruff format --check $(LINTED)
	$(APP_VENV)/bin/mypy api core actions cli
	$(APP_VENV)/bin/lint-imports --no-cache

FAST := not stack and not rasa_env and not redis and not postgres

test-unit: $(APP_VENV)/.installed ## The fast tests: no training, no Rasa, no Redis/PostgreSQL (< 2 min)
	$(APP_PY) -m pytest -q -m "$(FAST)" tests/unit

test-rasa: $(RASA_VENV)/.installed $(MODEL)
	$(RASA_PY) -m pytest -q tests/rasa_runtime

test-app: $(APP_VENV)/.installed $(RASA_VENV)/.installed $(MODEL)
	$(APP_PY) -m pytest -q tests/unit tests/integration

test: setup train browsers miniapp test-rasa test-app ## Set up, train if needed, run all tests

lock: ## Re-resolve both environments and rewrite the lock files
	rm -rf /tmp/dvc-lock-app /tmp/dvc-lock-rasa
	$(PY310) -m venv /tmp/dvc-lock-app && /tmp/dvc-lock-app/bin/pip install -q -r requirements/app.in
	/tmp/dvc-lock-app/bin/pip freeze --exclude-editable > requirements/app.lock
	$(PY310) -m venv /tmp/dvc-lock-rasa && /tmp/dvc-lock-rasa/bin/pip install -q -r requirements/rasa.in
	/tmp/dvc-lock-rasa/bin/pip freeze --exclude-editable > requirements/rasa.lock

clean: ## Remove environments, models and local data
	rm -rf $(APP_VENV) $(RASA_VENV) models var .pytest_cache
