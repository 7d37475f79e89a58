PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STATIC_ROOT ?= staticfiles
# Keep in step with conftest.DAPHNE_WEBSOCKET_FLAGS (see the README's Scale-out section).
DAPHNE_WEBSOCKET_FLAGS := --websocket-max-message-size=2097152 --websocket-max-frame-size=16384 \
	--ping-interval=10 --ping-timeout=20 --websocket_timeout=14400

.PHONY: install setup dev-setup run test lint lock migrations-check messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The requirements and the compiled Dutch messages: what the app and its tests both need.
install: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	@command -v msgfmt >/dev/null || { echo "GNU gettext is missing (msgfmt): install it, e.g. apt-get install gettext" >&2; exit 1; }
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv

## Set up to serve: install, migrate the database and collect the static files
setup: install
	$(BIN)/python manage.py migrate -v0
	@$(MAKE) --no-print-directory $(STATIC_ROOT)/staticfiles.json

# The static files whitenoise serves with DEBUG off: hashed names, gzip and brotli. Compressing them all takes about
# a minute, so they are collected again only when a static file or a requirement changed.
$(STATIC_ROOT)/staticfiles.json: $(shell find static */static -type f 2>/dev/null) requirements.txt
	$(BIN)/python manage.py collectstatic --noinput -v0
	@touch $@

## Set up from nothing, load the demo and serve it on http://127.0.0.1:$(PORT) (SQLite + in-memory layer)
run: setup
	$(BIN)/python manage.py load_demo
	DEBUG=$${DEBUG:-false} $(BIN)/daphne -b 127.0.0.1 -p $(PORT) $(DAPHNE_WEBSOCKET_FLAGS) config.asgi:application

# The test and lint tools. Tests need no migrated database and no collected static files: each test makes its own.
dev-setup: install
	$(BIN)/pip install -q -r requirements-dev.txt

## Set up from nothing and run every test, browser and scale-out tests included
test: dev-setup
	./scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest -n 4 --dist loadfile  # four on two cores: browser tests wait on pages half the time

## Pin every dependency, transitive ones included, from requirements.in and requirements-dev.in
lock: dev-setup
	$(BIN)/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links \
		-o requirements.txt requirements.in
	$(BIN)/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links \
		-o requirements-dev.txt requirements-dev.in

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports

migrations-check:
	$(BIN)/python manage.py makemigrations --check --dry-run

## Collect new interface texts into locale/nl/LC_MESSAGES/django.po (translate them, then `make setup` compiles)
messages:
	$(BIN)/python manage.py makemessages -l nl --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=bench

## Live board latency figures, then 3 daphne processes against 1 with 600 sockets (PostgreSQL and Redis on loopback)
bench: setup dev-setup
	$(BIN)/python bench/bench_live.py
	$(BIN)/python bench/bench_scaleout.py

clean:
	rm -rf $(VENV) db.sqlite3* test_db.sqlite3* staticfiles
