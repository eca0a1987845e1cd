# Two entry points (see README): `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := data/samples/2023_suixian-gxj.txt

.PHONY: demo test app lab bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-notebook: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[notebook]"
	touch $@ $(VENV)/.installed

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[app]"
	touch $@ $(VENV)/.installed

# the audit memo of the bundled sample: reports/<stem>.html, its path printed
demo: $(VENV)/.installed
	$(BIN)/xxgk-audit memo $(SAMPLE) --out-dir reports

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

# the audit notebook as a web app (Voilà) on 127.0.0.1:$(APP_PORT) for auditors who do not code: it prints
# its URL with the access token; APP_ARGS for more (e.g. APP_ARGS="--allow /data/reports --max-kernels 8")
APP_PORT ?= 8866
APP_ARGS ?=
app: $(VENV)/.installed-app
	$(BIN)/xxgk-audit app --port $(APP_PORT) $(APP_ARGS)

# the audit notebook in JupyterLab, as a working copy under reports/notebooks/ (the tracked notebook
# stays as committed: no outputs); NOTEBOOK=batch_overview for the batch overview
NOTEBOOK ?= audit_report
lab: $(VENV)/.installed-notebook
	$(BIN)/xxgk-audit lab --notebook $(NOTEBOOK)

# the speed targets, measured on this machine (not part of the test suite; the batch and OCR runs take minutes)
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_memo.py
	$(BIN)/python benchmarks/bench_batch.py --reports 10000 --jobs 2
	$(BIN)/python benchmarks/bench_ocr.py --reports 4

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
