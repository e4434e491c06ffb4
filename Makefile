# Two commands for a newcomer: `make lecture` and `make test`.
# Both create .venv on first use and reinstall only when pyproject.toml or constraints.txt change.
# Installs are pinned by constraints.txt (the versions the stored outputs were made with);
# pyproject.toml stays loose for students (`pip install .`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# pip unpacks one wheel at a time on one core, and on Linux PyPI's torch is a CUDA build: ~3 GB
# of wheels. So first two pips at once install the exact wheels that constraints.txt pins
# (--no-deps, eight per pip, the CUDA ones first), then one pip installs the project and checks that
# nothing is missing (it installs whatever the first two could not, e.g. the nvidia-* pins on macOS;
# their log: .venv/prefetch.log). Measured on 2 cores: 94 s -> 49 s. `make lecture` prefetches
# only the torch stack, `make test` everything it needs.
PIP      := $(BIN)/python -m pip install --quiet --no-compile -c constraints.txt
STACK    := ^(nvidia|torch|triton|cuda)
ALL_PINS := { grep -E '$(STACK)' constraints.txt; grep -vE '$(STACK)|^\#' constraints.txt; }
prefetch = $(1) | xargs -P 2 -n 8 $(PIP) --no-deps > $(VENV)/prefetch.log 2>&1 \
	|| echo "some pinned wheels are not for this machine; pip installs the rest next ($(VENV)/prefetch.log)"
# pip would also byte-compile every module, on one core; compileall does it on every core, without
# the 3,400 modules of the installed packages' own test suites, which nothing imports (33 s -> 22 s),
# and for `make test`, whose prefetch installed everything, while the last pip resolves and installs
# the project on one core. A module or two that only newer Pythons parse (torch/testing) cannot
# compile; that is harmless, and logged.
COMPILE = $(BIN)/python -m compileall -q -j 0 -x 'site-packages/.*/tests?/' $(VENV)/lib > $(VENV)/compileall.log \
	  || echo "byte-compiled; skipped what only newer Pythons parse: $(VENV)/compileall.log"
# the last pip and compileall side by side; fails if pip fails
PIP_AND_COMPILE = { $(COMPILE); } & $(PIP) -e '.[lecture,test]'; status=$$?; wait; exit $$status
PYTEST_ARGS ?=
TEST_RESULTS := build/test-results
# pytest-xdist workers; each runs its notebook kernels with 1 thread (tests/conftest.py)
WORKERS ?= 2

.PHONY: lecture handouts readme test check-repeat claims browser lab notebooks lint clean help bench lock

help:
	@echo "make lecture       execute every notebook; write build/html (index.html), build/slides, build/student, build/results.json"
	@echo "make handouts      print every deck to build/pdf/NN_name.pdf, one slide a page (needs Chromium: make browser)"
	@echo "make test          unit tests, every notebook once under nbval, goal tests, the offline site, lint"
	@echo "make check-repeat  every notebook twice (numbers repeat), from a read-only tree with empty data/, with its exercise solutions;"
	@echo "                   the student edition outside the repo; all handouts; the explorers in JupyterLab; timing"
	@echo "make claims        every claim over other splits, seeds and data sizes: build/claims.json + CONTRIBUTING.md"
	@echo "make browser       install Chromium for the browser tests (Debian, as root; CI does this)"
	@echo "make lab           start JupyterLab on notebooks/"
	@echo "make lint          ruff on the package, the build, the tests, the notebooks and the benchmarks"
	@echo "make readme        rewrite README's run-time table from build/results.json (after make lecture)"
	@echo "make notebooks     re-execute notebooks and store their outputs (developers; NB=02 for one)"
	@echo "make bench         time notebooks, training loop, data, imports; build/bench.json + CONTRIBUTING.md"
	@echo "make lock          re-pin constraints.txt to what is installed now (see CONTRIBUTING.md)"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# what the notebooks import (+ JupyterLab) and the lecture build
$(VENV)/.lecture: pyproject.toml constraints.txt | $(VENV)/bin/python
	@$(call prefetch,grep -E '$(STACK)' constraints.txt)
	$(PIP) -e '.[lecture]'
	@$(COMPILE)
	@touch $@

# ... and the test tools
$(VENV)/.test: pyproject.toml constraints.txt | $(VENV)/bin/python
	@$(call prefetch,$(ALL_PINS))
	$(PIP_AND_COMPILE)
	@touch $@ $(VENV)/.lecture

lecture: $(VENV)/.lecture
	$(BIN)/python -m lecture

readme: $(VENV)/.lecture
	$(BIN)/python -m lecture --readme

# Decks from build/slides (make lecture); one that is missing, or older than its notebook, is
# rendered first from the outputs make lecture or the notebook stored (nothing is executed).
# Playwright drives Chromium, so this needs the test tools.
handouts: $(VENV)/.test
	$(BIN)/python -m lecture.handouts

# One execution per notebook: nbval runs each notebook once and the kernels record their numbers
# in $(TEST_RESULTS); then the goal tests read them and the site test renders the notebooks.
# The two passes together are pyproject's default selection (`python -m pytest` runs the same tests).
# A pass that selects no test (pytest's exit 5) fails, unless PYTEST_ARGS asked for a subset, and
# then the subset must select something in one of the two passes.
PASS1 := not notebook_results and not repeat and not exercises and not timing
PASS2 := notebook_results and not repeat and not exercises and not timing
SUBSET := $(if $(strip $(PYTEST_ARGS)),yes,)
test: $(VENV)/.test
	rm -rf $(TEST_RESULTS)
	@s1=0; s2=0; \
	COURSE_RESULTS_DIR=$(CURDIR)/$(TEST_RESULTS) $(BIN)/python -m pytest -n $(WORKERS) --dist loadfile --durations=10 -m "$(PASS1)" $(PYTEST_ARGS) || s1=$$?; \
	[ $$s1 = 0 ] || [ $$s1 = 5 -a -n "$(SUBSET)" ] || exit $$s1; \
	$(BIN)/python -m pytest -n $(WORKERS) --dist load --durations=5 -m "$(PASS2)" $(PYTEST_ARGS) || s2=$$?; \
	[ $$s2 = 0 ] || [ $$s2 = 5 -a -n "$(SUBSET)" ] || exit $$s2; \
	if [ $$s1 = 5 ] && [ $$s2 = 5 ]; then echo "PYTEST_ARGS selects no test"; exit 5; fi

# The timing tests run last and alone (no second kernel on the other core), so their seconds
# mean what the goal means: one notebook on an otherwise idle 2-core machine.
check-repeat: $(VENV)/.test
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile --durations=10 -m "(repeat or exercises) and not timing" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -p no:xdist -m timing $(PYTEST_ARGS)

claims: $(VENV)/.lecture
	$(BIN)/python benchmarks/claims.py --readme $(CLAIMS_ARGS)

browser:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then \
	  echo "Chromium is installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }; \
	else \
	  echo "install Debian's chromium package (sudo apt-get install chromium) or set CHROMIUM=/path/to/chrome"; exit 1; \
	fi

# JupyterLab refuses to start as root (containers) unless told
lab: $(VENV)/.lecture
	$(BIN)/jupyter lab notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

notebooks: $(VENV)/.lecture
	$(BIN)/python -m lecture --store --no-html $(NB)

# BENCH_ARGS=--quick for fewer repeats; full MNIST offline: $(BIN)/python benchmarks/full_mode.py
bench: $(VENV)/.test
	$(BIN)/python benchmarks/bench.py --readme $(BENCH_ARGS)
	$(MAKE) check-repeat

lint: $(VENV)/.test
	$(BIN)/ruff check course_utils lecture tests notebooks benchmarks

lock: $(VENV)/.test
	( echo '# Exact versions that make installs (pip -c): the stored notebook outputs were made with these.'; \
	  echo '# Regenerate with make lock (see CONTRIBUTING.md, Refreshing the pins); pyproject.toml stays loose for students.'; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^course-utils' ) > constraints.txt
	@echo "constraints.txt re-pinned; now run 'make notebooks' and 'make test' and commit both"

clean:
	rm -rf build
