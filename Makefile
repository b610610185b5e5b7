# Two commands do everything: `make run` (the whole platform) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
LOCAL := .local
STAMP_VENV := $(VENV)/.installed
STAMP_JARS := $(LOCAL)/kafka/libs/.resolved
# Every Python dependency, pinned: `make lock` regenerates both files from pyproject.toml.
LOCK := requirements.lock
PROD_LOCK := requirements-prod.lock
UV_VERSION := 0.13.8
LOCK_PYTHON := 3.11
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version $(LOCK_PYTHON) --generate-hashes pyproject.toml

export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export KAFKA_PORT ?= 9092
export KAFKA_CONTROLLER_PORT ?= 9093
export MONGO_PORT ?= 27017
export INTAKE_PORT ?= 8001
export SESSIONS_PORT ?= 8002
export OUTCOMES_PORT ?= 8003
export NOTIFICATIONS_PORT ?= 8004
# Local stand-ins for the outside world: an SMTP sink writing every e-mail into the Maildir
# .local/mail/, and an SMS provider writing every text message into .local/sms/.
export SMTP_PORT ?= 1025
export SMS_PORT ?= 8025
export MAIL_DIR ?= $(CURDIR)/$(LOCAL)/mail
export SMS_DIR ?= $(CURDIR)/$(LOCAL)/sms
# Monitoring (Debian's prometheus and prometheus-alertmanager, installed by deploy/local/monitoring-deps.sh).
# Alertmanager is not on its usual 9093: that is KAFKA_CONTROLLER_PORT.
export PROMETHEUS_PORT ?= 9090
export ALERTMANAGER_PORT ?= 9094
export KAFKA_BOOTSTRAP_SERVERS ?= 127.0.0.1:$(KAFKA_PORT)
export MONGO_URI ?= mongodb://127.0.0.1:$(MONGO_PORT)/
export METRICS_DIR ?= $(CURDIR)/$(LOCAL)/run/metrics
export PYTHONUNBUFFERED := 1

.PHONY: help install lock lint format kafka-jars run test test-unit test-integration test-e2e test-browser bench chaos docs reset clean

help:
	@echo "make run    start the whole platform locally (Ctrl-C stops it)"
	@echo "make test   run the whole test suite (starts its own Kafka and database)"
	@echo "make chaos  kill the broker, workers, web processes and the database under load; count what was lost"
	@echo "make reset  delete local data (Kafka logs and the database)"
	@echo "make lint   ruff and mypy (part of make test); make format fixes what it can"

install: $(STAMP_VENV) $(STAMP_JARS)

kafka-jars: $(STAMP_JARS)

# Exactly what the lock pins (hashes checked), then the project itself without resolving anything.
$(STAMP_VENV): pyproject.toml $(LOCK)
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r $(LOCK)
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

# Re-resolve after changing dependencies in pyproject.toml; commit both lock files.
lock:
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	test -x $(VENV)/bin/uv && $(VENV)/bin/uv --version | grep -qF ' $(UV_VERSION)' \
	  || $(VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	$(UV_COMPILE) --extra local --extra test -o $(LOCK)
	$(UV_COMPILE) -o $(PROD_LOCK)

$(STAMP_JARS): deploy/kafka/pom.xml
	@java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' || { echo "Kafka needs Java 17 or newer" >&2; exit 1; }
	@command -v mvn >/dev/null || { echo "Maven (mvn) is needed to fetch Kafka from Maven Central" >&2; exit 1; }
	rm -rf $(LOCAL)/kafka/libs
	mvn --quiet --batch-mode -f deploy/kafka/pom.xml dependency:copy-dependencies \
	  -DincludeScope=runtime -DoutputDirectory=$(CURDIR)/$(LOCAL)/kafka/libs
	touch $@

# WORKERS=2: two of each service's worker (intake_worker_1, intake_worker_2, …) sharing its consumer group.
WORKERS ?= 1
run: install
	bash deploy/local/monitoring-deps.sh
	WORKERS=$(WORKERS) ipt check-ports
	ipt supervise -f deploy/local/Procfile --scale worker=$(WORKERS)

# Faults injected while the simulator runs (see README "Reliability"): writes chaos/report.json and .md.
chaos: install
	python -m tests.chaos

test: install lint
	bash deploy/local/monitoring-deps.sh
	bash deploy/local/browser-deps.sh
	bandit -q -c pyproject.toml -r shared services
	bash deploy/local/audit-dependencies.sh
	pytest tests

# Style and types: ruff (lint and format) everywhere, mypy (strict on shared/ and every domain/).
lint: install
	ruff check .
	ruff format --check .
	mypy

format: install
	ruff check --fix .
	ruff format .

# A longer search of every API against its OpenAPI document than make test's (FUZZ_EXAMPLES=5 on the
# apps with fake storage, FUZZ_LIVE_EXAMPLES=3 against the running stack).
.PHONY: fuzz
fuzz: install
	bash deploy/local/monitoring-deps.sh
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} pytest tests/unit/shared/test_service_contract_fuzz.py
	FUZZ_LIVE_EXAMPLES=$${FUZZ_LIVE_EXAMPLES:-20} pytest tests/e2e/test_contract_fuzz_live.py

test-unit: install
	bash deploy/local/monitoring-deps.sh
	pytest tests/unit

test-integration: install
	pytest tests/integration

test-e2e: install
	bash deploy/local/monitoring-deps.sh
	pytest tests/e2e

test-browser: install
	bash deploy/local/monitoring-deps.sh
	bash deploy/local/browser-deps.sh
	pytest tests/browser

# Benchmarks against their ceilings, measured in one run on a broker, database and stack of their own:
# bench/results.json and bench/results.md (the table, printed at the end). BENCH_QUICK=1: a short smoke run.
bench: install
	bash deploy/local/monitoring-deps.sh
	bash deploy/local/bench-deps.sh
	python -m tests.bench

docs: install
	python -m shared.catalog > docs/events.md

reset:
	rm -rf $(LOCAL)/data $(LOCAL)/run

clean: reset
	rm -rf $(VENV) $(LOCAL)
