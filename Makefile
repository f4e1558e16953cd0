# Two commands: `make run` and `make test`. Both create .venv when missing and
# install the pinned dependencies (requirements.lock) only when they changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck bench lock clean pages smoke

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/motcua serve --seed-if-empty

test: $(STAMP) lint typecheck
	$(BIN)/pytest

# The public pages and the printable forms (Mẫu 01–07, for test and demo dossiers) in
# Debian's Chromium (apt-get install chromium; never `playwright install`); also
# refreshes the screenshots in docs/screenshots/.
pages: $(STAMP)
	$(BIN)/pytest tests/api/test_pages.py tests/api/test_form_pages.py tests/api/test_demo_form_pages.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/deptry .

# The package without extras in a fresh virtual environment: `motcua serve` must start
# and answer a query (CI runs it too).
smoke:
	bash .ci/smoke-install

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench.read_path

# Re-pin every dependency from a clean environment.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
	.lock-venv/bin/python -m pip freeze --exclude motcua > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) build *.egg-info
