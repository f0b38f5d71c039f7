# Wanbiao: `make run` starts everything on embedded defaults; `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)

.PHONY: run demo test lint typecheck translations extract-messages train-models lac clean

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

# Baidu's pretrained LAC for deid's recall profile: read out of PyPI's LAC 2.1.2 source
# distribution (fetched from the index's simple API, SHA-256 checked; nothing installed).
LAC_WEIGHTS := deid/model/lac.npz
$(LAC_WEIGHTS): | $(VENV)/.installed
	$(BIN)/python -m deid.training.lac_weights --out $@

lac: $(LAC_WEIGHTS)

run: $(VENV)/.installed translations $(LAC_WEIGHTS)
	$(BIN)/python -m app.supervisor run

demo: $(VENV)/.installed translations $(LAC_WEIGHTS)
	$(BIN)/python -m app.supervisor demo

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

test: $(VENV)/.dev-installed translations $(LAC_WEIGHTS) lint typecheck
	$(BIN)/python -m pytest

# Retrain deid's name models into deid/model/ (about 13 minutes of CPU on two idle cores;
# never needed by `make run` or `make test`; the judge's curves and the benchmark run the
# default and `recall` profiles, which read LAC). PyTorch, for the character CNN only, gets a
# virtualenv of its own so that the engine's stays numpy-only.
TRAIN_VENV := .venv-train
$(TRAIN_VENV)/.installed: requirements.txt requirements-train.txt
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/pip install --quiet -r requirements.txt -r requirements-train.txt
	touch $@

train-models: $(TRAIN_VENV)/.installed $(LAC_WEIGHTS)
	$(TRAIN_VENV)/bin/python -m deid.training.famous_people
	$(TRAIN_VENV)/bin/python -m deid.training.trained_names
	nice -n 5 $(TRAIN_VENV)/bin/python -m deid.training.name_tagger & tagger=$$!; \
	OMP_NUM_THREADS=1 nice -n 5 $(TRAIN_VENV)/bin/python -m deid.training.char_cnn \
		&& wait $$tagger
	OMP_NUM_THREADS=1 nice -n 5 $(TRAIN_VENV)/bin/python -m deid.training.span_judge
	$(TRAIN_VENV)/bin/python benchmarks/deid.py

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) $(TRAIN_VENV) .pytest_cache .mypy_cache .ruff_cache
