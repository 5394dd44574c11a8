# Inkwell: `make run` to try it, `make test` to check it. See README.md.
VENV := .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8000
# --no-compile: Python compiles a module when it is first imported, so pip need not compile all
# ~11,000 files up front (most are never imported by the app); it halves the install.
PIP_INSTALL := $(PYTHON) -m pip install --quiet --no-compile

.PHONY: install run test lint format demo bench

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@echo "make: installing Python packages into $(VENV) (first run, and after requirements.txt changes; about 40 s)..."
	@started=$$(date +%s); \
	python3 -m venv $(VENV) && \
	$(PIP_INSTALL) --upgrade pip && \
	$(PIP_INSTALL) -r requirements.txt && \
	touch $@ && \
	echo "make: packages installed ($$(( $$(date +%s) - started )) s)"

run: install
	@echo "make: migrating the database (db.sqlite3 unless DATABASE_URL is set; a new SQLite one takes a few seconds)..."
	DEBUG=$${DEBUG:-1} $(PYTHON) manage.py migrate --noinput --skip-checks  # runserver runs the checks next
	@echo
	@echo "  Inkwell is starting at http://127.0.0.1:$(PORT)/ (it answers once Django prints \"Starting development server\", in a few seconds)"
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
	DEBUG=1 PORT=$(PORT) $(PYTHON) -m tests.demo

# Quota, API and streaming throughput, and the founder metrics over 100,000 generations, on
# PostgreSQL (BENCH_DATABASE_URL, default inkwell_bench on 127.0.0.1).
bench: install
	$(PYTHON) -m bench.quota
	$(PYTHON) -m bench.generate
	$(PYTHON) -m bench.streams
	$(PYTHON) -m bench.metrics
