# Two commands on a fresh machine: `make run` (install, demo, nightly DAG, summary) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export SURVEILLANCE_HOME ?= $(CURDIR)/var
export AIRFLOW_HOME ?= $(SURVEILLANCE_HOME)/airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__UNIT_TEST_MODE := False
DEMO_END ?= $(shell date -d yesterday +%F)
NIGHTS ?= 14

CONSOLE_PORT ?= 8765
AIRFLOW_PORT ?= 8780

.PHONY: install install-celery run serve airflow test check lint lock lock-celery clean

# uv installs the locked versions (the same wheels pip would take) in seconds where pip takes minutes
UV_VERSION := 0.13.9

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m surveillance.signals.methods.farrington_compiled
	touch $@

install: $(VENV)/.installed

# the demo may hash its made-up patients with the placeholder key; a real installation sets SURVEILLANCE_PII_SALT
run: export SURVEILLANCE_ALLOW_PLACEHOLDER_SALT = 1
# the demo's digests link each signal to the local console (`make serve`)
run: export SURVEILLANCE_BASE_URL ?= http://127.0.0.1:$(CONSOLE_PORT)
run: install
	surveillance db upgrade
	@mkdir -p $(AIRFLOW_HOME)/runs
	airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (tail -20 $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	surveillance demo-data --end $(DEMO_END)
	@# the history arrives the night before the first demo night: old results are history, not news
	@for s in injury inspection food; do \
		surveillance ingest --source $$s --day $$(date -d "$(DEMO_END) -$(NIGHTS) days" +%F) \
			$(SURVEILLANCE_HOME)/landing/$$s/history/*.csv || exit 1; done
	@for n in $$(seq $$(( $(NIGHTS) - 1 )) -1 0); do \
		day=$$(date -d "$(DEMO_END) -$$n days" +%F); run=$$(date -d "$$day +1 day" +%F); \
		log=$(AIRFLOW_HOME)/runs/nightly-$$day.log; \
		echo "nightly DAG for $$day (airflow dags test surveillance_nightly $$run) ... log: $$log"; \
		airflow dags test surveillance_nightly $$run > $$log 2>&1 || { tail -30 $$log; exit 1; }; \
	done
	surveillance summary
	surveillance demo-check
	@echo
	@surveillance users demo
	@echo "open the web console: make serve, then http://127.0.0.1:$(CONSOLE_PORT)/ in a browser (Ctrl-C stops it)"

# The web console over the same warehouse (log in with the users `make run` printed).
serve: export SURVEILLANCE_BASE_URL ?= http://127.0.0.1:$(CONSOLE_PORT)
serve: install
	surveillance serve --port $(CONSOLE_PORT)

# Airflow's own UI, scheduler and DAG processor over the same var/ (airflow standalone): the DAGs are there,
# paused; an analyst triggers a night or a backfill from the UI. Log in as `analyst` with the password Airflow
# writes to $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated (its log server keeps 8793/8794).
airflow: export SURVEILLANCE_ALLOW_PLACEHOLDER_SALT = 1
airflow: export SURVEILLANCE_BASE_URL ?= http://127.0.0.1:$(CONSOLE_PORT)
airflow: export AIRFLOW__API__HOST ?= 127.0.0.1
airflow: export AIRFLOW__API__PORT ?= $(AIRFLOW_PORT)
airflow: export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS ?= analyst:admin
airflow: install
	surveillance db upgrade
	@mkdir -p $(AIRFLOW_HOME)
	@echo "Airflow UI: http://127.0.0.1:$(AIRFLOW_PORT)/ (user analyst, password in $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated once it has started; Ctrl-C stops it)"
	airflow standalone

# The 60-day Airflow backfill test (mostly waiting on the scheduler) runs beside the others. Only two
# processes: the other tests share one PostgreSQL database, which they reset.
test: install
	@mkdir -p var
	@$(BIN)/pytest -q -ra -p no:cacheprovider -m backfill > var/test-backfill.log 2>&1 & backfill=$$!; \
	$(BIN)/pytest -q -ra --durations=25 -m "not backfill"; others=$$?; \
	wait $$backfill; bf=$$?; \
	echo "--- tests marked backfill (run beside the others; full log: var/test-backfill.log):"; \
	tail -n 30 var/test-backfill.log; \
	exit $$(( others || bf ))

# The development lane: lint, the architecture guards and every test that needs neither R, PostgreSQL, a
# browser, Airflow runs nor the slow fixtures, on both cores (make test runs everything, as CI does).
check: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q -p no:cacheprovider -x tests/test_architecture.py
	$(BIN)/pytest -q -p no:cacheprovider -n 2 -m "not slow and not r and not postgres and not browser and not airflow and not backfill"

lint: install
	$(BIN)/ruff check .

# Re-lock after changing dependencies in pyproject.toml (run inside a fresh venv).
lock:
	$(BIN)/pip freeze --exclude-editable --exclude uv > requirements.lock

# Celery workers (docs/operations.md, "Scaling out on Celery"): their packages on top of the lock, no locked
# version changed (celery held at 5.6.3: the provider imports what 5.7 removed)
install-celery: install
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock -r requirements-celery.lock
	$(BIN)/uv pip check --python $(BIN)/python

lock-celery: install
	$(BIN)/uv pip compile --quiet --python-version 3.11 requirements-celery.in -c requirements.lock -o var/celery-closure.txt
	@$(BIN)/python -c "import re; norm=lambda n: re.sub(r'[-_.]+', '-', n.lower()); \
	locked={norm(l.split('==')[0]) for l in open('requirements.lock') if '==' in l}; \
	rows=[l.split()[0] for l in open('var/celery-closure.txt') if '==' in l and not l.startswith('#')]; \
	head=[l for l in open('requirements-celery.lock') if l.startswith('#')]; \
	open('requirements-celery.lock','w').writelines(head + [r + '\n' for r in sorted(rows, key=norm) if norm(r.split('==')[0]) not in locked])"

clean:
	rm -rf var
