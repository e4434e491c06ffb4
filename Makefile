# Two commands for a newcomer: `make lecture` and `make test`.
# Both create .venv on first use and reinstall only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: lecture readme test lab notebooks lint clean help bench

help:
	@echo "make lecture    execute every notebook; write build/html (index.html), build/slides, build/results.json"
	@echo "make readme     rewrite README's run-time table from build/results.json (after make lecture)"
	@echo "make test       unit tests, notebook checks (nbval), hygiene and lint"
	@echo "make lab        start JupyterLab on notebooks/"
	@echo "make notebooks  re-execute notebooks and store their outputs (developers)"
	@echo "make bench      time notebooks, training loop, data, imports; build/bench.json + README"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

lecture: $(STAMP)
	$(BIN)/python -m course_utils.lecture

readme: $(STAMP)
	$(BIN)/python -m course_utils.lecture --readme

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile --durations=15 $(PYTEST_ARGS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

notebooks: $(STAMP)
	$(BIN)/python -m course_utils.lecture --store --no-html $(NB)

# BENCH_ARGS=--quick for fewer repeats; full MNIST offline: $(BIN)/python benchmarks/full_mode.py
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --readme $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check course_utils tests notebooks benchmarks

clean:
	rm -rf build
