# Inkwell: `make run` to try it, `make test` to check it. See README.md.
VENV := .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install run test lint format demo bench

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

run: install
	DEBUG=$${DEBUG:-1} $(PYTHON) manage.py migrate --noinput
	@echo
	@echo "  Inkwell is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Sign in at http://127.0.0.1:$(PORT)/login/ with any email: the sign-in code is printed below."
	@echo "  Staff admin: $(PYTHON) manage.py createsuperuser, then http://127.0.0.1:$(PORT)/admin/"
	@echo
	DEBUG=$${DEBUG:-1} $(PYTHON) manage.py runserver 127.0.0.1:$(PORT)

test: install
	tests/with_database.sh $(PYTHON) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The whole journey offline: sign up, generate, hit the limit, upgrade through a fake Stripe
# Checkout, come back as Pro, cancel in the fake Portal. No keys, no internet (see README).
demo: install
	DEBUG=1 $(PYTHON) -m tests.demo

# Quota, API and streaming throughput on PostgreSQL (BENCH_DATABASE_URL, default inkwell_bench on 127.0.0.1).
bench: install
	$(PYTHON) -m bench.quota
	$(PYTHON) -m bench.generate
	$(PYTHON) -m bench.streams
