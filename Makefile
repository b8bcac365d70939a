# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: demo test install lint messages bench benchmarks clean browser browser-install screenshots production scaleout

# The demo runs with DEBUG on (demo secret key, static files served by runserver); the
# example site's settings default to DEBUG off, as in production (docs/deploying.md).
demo: export DJANGO_DEBUG = 1
demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --port $(PORT)
	# The task worker (emails: printed here; PDFs; alerts) runs beside the web server and
	# stops with it (Ctrl+C stops both).
	$(PY) manage.py db_worker --interval 0.5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) -c "import sys, django, wagtail; print('Python', sys.version.split()[0], '| Django', django.get_version(), '| Wagtail', wagtail.__version__)"
	$(PY) -m pytest
	$(PY) -m pytest example_site/tests -p no:cacheprovider --ds=example_site.settings

install: $(VENV)/.installed

# The real-browser suite (tests/browser, not part of `make test`): Playwright driving
# Debian's Chromium (apt-get install chromium; CHROMIUM=/path overrides), axe-core from
# npm. It starts its own demo server on a free port. See docs/browser-tests.md.
BROWSER_DEPS := $(VENV)/.browser-installed tests/browser/node_modules/axe-core/axe.min.js

browser: $(BROWSER_DEPS)
	$(PY) -m pytest -c tests/browser/pytest.ini tests/browser $(PYTEST_ARGS)

# Screenshots of the main pages at 360px and 1280px into docs/screenshots/.
screenshots: $(BROWSER_DEPS)
	$(PY) tests/browser/screenshots.py

browser-install: $(BROWSER_DEPS)

$(VENV)/.browser-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[test,example,browser]"
	touch $@

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund
	touch $@

# The production profile (docs/deploying.md, "Production profile"): `make production`
# prints the processes to run; `make scaleout` runs two gunicorn app servers, a worker and
# Varnish on PostgreSQL and Redis and checks they act as one site (tests/scaleout/run.py;
# needs Debian's varnish). SCALEOUT_DATABASE_URL, SCALEOUT_REDIS_URL: see the script.
production: $(VENV)/.production-installed
	@echo "Set the environment of docs/deploying.md (secrets, DATABASE_URL, REDIS_URL, ...), then:"
	@echo "  $(PY) manage.py migrate --noinput && $(PY) manage.py collectstatic --noinput"
	@echo "  $(VENV)/bin/gunicorn -c example_site/gunicorn.conf.py   # each app server"
	@echo "  $(PY) manage.py db_worker   # one or more task workers"
	@echo "  varnishd -a :6081 -f $(CURDIR)/deploy/varnish.vcl -s malloc,256m   # FRONTEND_CACHE_URL=http://127.0.0.1:6081"

scaleout: $(VENV)/.production-installed
	$(PY) tests/scaleout/run.py

$(VENV)/.production-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[test,example,production]"
	touch $@

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,example]"
	touch $@

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	# The test project is no production site (its SMS backend is in-memory): migrations only.
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) -m django makemigrations --check --dry-run --skip-checks

# Regenerate and compile translation catalogues after changing strings.
# Run from each directory so each catalogue holds only its own strings; the gate in
# tests/i18n/test_catalogues.py fails when one is incomplete or out of date.
messages: $(VENV)/.installed
	cd heretostay_wagtail && DJANGO_DEBUG=1 ../$(PY) ../manage.py makemessages -l es --no-obsolete --add-location file
	cd heretostay_wagtail && DJANGO_DEBUG=1 ../$(PY) ../manage.py compilemessages -l es
	cd example_site && DJANGO_DEBUG=1 ../$(PY) ../manage.py makemessages -l es --no-obsolete --add-location file
	cd example_site && DJANGO_DEBUG=1 ../$(PY) ../manage.py compilemessages -l es

# Every benchmark at full size, one after the other; writes docs/benchmarks.md (ratios
# against baselines measured in the same run). DATABASE_URL=postgres://... for PostgreSQL.
bench: $(VENV)/.installed
	$(PY) benchmarks/run_all.py

benchmarks: bench

clean:
	rm -rf $(VENV) .venv-pg example_site.sqlite3 example_site.sqlite3-* var tests/browser/node_modules
