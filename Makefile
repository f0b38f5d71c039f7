# Wanbiao: `make run` starts everything on embedded defaults; `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)

.PHONY: run demo test lint typecheck translations extract-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Compiled catalogs are build output, made from the committed .po files. Babel resolves
# zh_CN to zh_Hans_CN, so the Chinese catalog is compiled under that name.
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations -f >/dev/null
	mkdir -p app/translations/zh_Hans_CN/LC_MESSAGES
	$(BIN)/pybabel compile -f -i app/translations/zh_CN/LC_MESSAGES/messages.po \
		-o app/translations/zh_Hans_CN/LC_MESSAGES/messages.mo >/dev/null

run: $(VENV)/.installed translations
	$(BIN)/python -m app.supervisor run

demo: $(VENV)/.installed translations
	$(BIN)/python -m app.supervisor demo

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

test: $(VENV)/.dev-installed translations lint typecheck
	$(BIN)/python -m pytest

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
