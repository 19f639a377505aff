# The doors: `make run` (the app on SQLite with demo data), `make test` (everything CI runs),
# `make lint`, `make bench`. See README.md.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo /root/.pyenv/versions/3.12.1/bin/python)
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
UV := $(PYTHON) -m uv
VENV := .venv
MANAGE := $(VENV)/bin/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and calendar entries point where the app runs (make run PORT=8080).
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint format install messages bench docs production-check

$(VENV)/.installed: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.installed

run: install
	@scripts/debian-packages.sh gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
	DEBUG=1 $(MANAGE) compilemessages --ignore=.venv -v0
	DEBUG=1 $(MANAGE) migrate --noinput -v0
	DEBUG=1 $(MANAGE) createcachetable
	DEBUG=1 SITE_URL=$(SITE_URL) $(MANAGE) load_demo --if-empty
	@echo "Yhdyspinta: http://$(HOST):$(PORT)/ and its task worker (stop both with Ctrl+C)"
	@DEBUG=1 SITE_URL=$(SITE_URL) $(MANAGE) db_worker --queue-name '*' --interval 2 & trap 'kill $$! 2>/dev/null' EXIT; \
	  DEBUG=1 SITE_URL=$(SITE_URL) $(MANAGE) runserver $(HOST):$(PORT)

test: install
	scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	cd src && ../$(VENV)/bin/lint-imports --config ../.importlinter
	DEBUG=1 $(VENV)/bin/mypy
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet --site-dir $$(mktemp -d)

docs: install
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	cd src/yhdyspinta && DEBUG=1 ../../$(VENV)/bin/python ../../manage.py makemessages -l fi -l sv -l en --no-obsolete --no-wrap --ignore=.venv
	DEBUG=1 $(MANAGE) compilemessages --ignore=.venv -v0

# The production stack from deploy/ on loopback (nginx, gunicorn, the workers, PostgreSQL,
# an SMTP sink), upgraded from the previous release: see deploy/README.md.
production-check: install
	@scripts/debian-packages.sh nginx postgresql openssl gettext
	scripts/with-postgres.sh $(VENV)/bin/python scripts/production_check.py

bench: install
	@scripts/debian-packages.sh postgresql
	DEBUG=1 $(VENV)/bin/python bench/run.py
	DEBUG=1 $(VENV)/bin/python bench/hostile.py
	DEBUG=1 scripts/with-postgres.sh $(VENV)/bin/python bench/sotkanet.py
	DEBUG=1 scripts/with-postgres.sh $(VENV)/bin/python bench/national.py
