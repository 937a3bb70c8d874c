# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app journal
NHSUK := static/vendor/nhsuk
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup install assets db demo browser lint clean

run: setup db ## Set up, migrate, load demo data if the database is empty, and serve on :5000
	$(FLASK) demo --if-empty
	$(FLASK) retally
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup browser lint ## Set up, then run the whole test suite
	$(BIN)/pytest

setup: install assets

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

assets: $(NHSUK)/.built

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# NHS.UK frontend, copied from npm (never committed). Its CSS points at /assets/ and at web fonts on
# another host: we point the images at our copy and drop the fonts, so no page makes a request
# anywhere but here (the CSP would block it anyway).
$(NHSUK)/.built: node_modules/.package-lock.json
	rm -rf $(NHSUK) && mkdir -p $(NHSUK)
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js $(NHSUK)/
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets $(NHSUK)/assets
	sed -E -e 's#url\(/assets/#url(assets/#g' -e 's#@font-face\{[^}]*\}##g' \
		-e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
		node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css > $(NHSUK)/nhsuk-frontend.min.css
	sed -i -e 's#//\# sourceMappingURL=.*##' $(NHSUK)/nhsuk-frontend.min.js
	touch $@

db: install ## Create or upgrade the database to the latest migration
	$(FLASK) db upgrade

demo: db ## Load the demo accounts and entries (again: changes nothing)
	$(FLASK) demo

# The browser journeys drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else echo "Install Debian's chromium package (sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

lint: install
	$(BIN)/ruff check journal tests bench

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .ruff_cache
