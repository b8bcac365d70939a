# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: demo test install lint messages benchmarks clean

demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --port $(PORT)
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) -c "import sys, django, wagtail; print('Python', sys.version.split()[0], '| Django', django.get_version(), '| Wagtail', wagtail.__version__)"
	$(PY) -m pytest
	$(PY) -m pytest example_site/tests -p no:cacheprovider --ds=example_site.settings

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,example]"
	touch $@

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) -m django makemigrations --check --dry-run

# Regenerate and compile translation catalogues after changing strings.
# Run from each directory so each catalogue holds only its own strings; the gate in
# tests/i18n/test_catalogues.py fails when one is incomplete or out of date.
messages: $(VENV)/.installed
	cd heretostay_wagtail && ../$(PY) ../manage.py makemessages -l es --no-obsolete --add-location file
	cd heretostay_wagtail && ../$(PY) ../manage.py compilemessages -l es
	cd example_site && ../$(PY) ../manage.py makemessages -l es --no-obsolete --add-location file
	cd example_site && ../$(PY) ../manage.py compilemessages -l es

benchmarks: $(VENV)/.installed
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .venv-pg example_site.sqlite3 var
