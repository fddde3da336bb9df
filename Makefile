# One command per task; each installs what it needs on first use.
# Without make, run the command shown in each target's comment (see README, "Without make").
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
NB ?=                     # optional notebook or folder for check, test and check-strength, e.g. NB=modules/01-math
M ?=                      # capstone-check: only these milestones, e.g. M=3 or M="1 2"
TORCH ?=                  # torch build: cpu (default), cuda (PyPI's CUDA build) or e.g. cu126
INSTALLER ?=              # auto (default: uv, falling back to pip), uv or pip
WORKERS ?= 2
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: FORCE help install lab check progress test lint format strip lock bench capstone capstone-check serve mlflow-ui grade release clean check-strength

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# Naming TORCH or INSTALLER re-runs the install; otherwise it runs when the lock changes.
$(BIN)/.installed: requirements.txt pyproject.toml $(if $(TORCH)$(INSTALLER),FORCE,)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed, found " + sys.version.split()[0] + ": set PYTHON=python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m mlcourse.install $(if $(TORCH),--torch $(TORCH),) $(if $(INSTALLER),--installer $(INSTALLER),)
	touch $@

FORCE:

install: $(BIN)/.installed  ## create .venv and install the pinned environment, CPU-only torch (python -m mlcourse.install)

lab: install  ## open JupyterLab on the course (python -m jupyter lab)
	$(PY) -m jupyter lab --ServerApp.ip=127.0.0.1 $(ROOT_FLAG)

check: install  ## run your notebooks and tabulate exercise outcomes (python -m mlcourse check NB)
	$(PY) -m mlcourse check $(NB)

check-strength: install  ## authors: mutants of each reference solution vs its check (NB=...)
	$(PY) -m mlcourse check-strength $(NB)

progress: install  ## your course-wide progress table, instantly (VERIFY=1 re-runs the notebooks)
	$(PY) -m mlcourse progress $(if $(VERIFY),--verify,)

lint: install  ## ruff over code and notebooks (python -m ruff check .)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check mlcourse tests benchmarks

format: install  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format mlcourse tests benchmarks
	$(BIN)/ruff check --fix .

test: install lint  ## the whole suite (NB=notebook: its runs and integrity tests only; FAST=1: -m "not slow")
	$(PY) -m pytest -n $(WORKERS) --dist loadfile $(if $(FAST),-m "not slow",) \
	  $(if $(NB),$(NB) tests/test_course_integrity.py -k "$(basename $(notdir $(NB)))",)

strip: install  ## remove notebook outputs before committing (python -m mlcourse strip)
	$(PY) -m mlcourse strip

lock: install  ## re-resolve requirements.in into requirements.txt and environment.yml
	rm -rf build/lock-venv && $(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m mlcourse.install -r requirements.in --resolve --no-project --torch cpu
	{ echo "# Pinned lock of requirements.in, made by \`make lock\` on Python 3.11 (linux x86_64)."; \
	  echo "# Install with: pip install -r requirements.txt -e . --no-deps"; \
	  build/lock-venv/bin/pip freeze --all --exclude pip --exclude uv --exclude-editable | sed -E 's/^torch==([0-9.]+)\+cpu$$/torch==\1/'; \
	} > requirements.txt
	@! grep -iE '^(nvidia-|triton)' requirements.txt || { echo "the lock has CUDA packages: torch did not come from PyTorch's CPU index"; exit 1; }
	$(PY) -m mlcourse.environment

grade: install  ## grade a cohort: make grade ASSIGNMENT=nb.ipynb SUBMISSIONS=dir OUT=dir [HIDDEN=dir ROSTER=... DUE=...]
	@test -n "$(ASSIGNMENT)" -a -n "$(OUT)" || { \
	  echo "usage: make grade ASSIGNMENT=modules/01-math/01_vectors_matrices.ipynb SUBMISSIONS=folder OUT=folder [HIDDEN=folder]"; \
	  echo "  [ROSTER=roster.csv] [STUDENT='s03 s17'] [DUE=2025-03-07T23:59+01:00] [LATE_PENALTY=10%/day] [EXTENSIONS=csv] [OVERRIDES=csv]"; \
	  echo "  [WORKERS=2] [CELL_TIMEOUT=60] [TIMEOUT=600] [MEMORY_MB=2048] [BUDGET=0] [NO_SANDBOX=1]"; exit 2; }
	$(PY) -m mlcourse grade $(ASSIGNMENT) --out '$(OUT)' $(if $(SUBMISSIONS),--submissions '$(SUBMISSIONS)',) \
	  $(if $(HIDDEN),--hidden '$(HIDDEN)',) $(if $(ROSTER),--roster '$(ROSTER)',) \
	  $(foreach id,$(STUDENT),--student '$(id)') \
	  $(if $(DUE),--due '$(DUE)',) $(if $(LATE_PENALTY),--late-penalty '$(LATE_PENALTY)',) \
	  $(if $(EXTENSIONS),--extensions '$(EXTENSIONS)',) $(if $(OVERRIDES),--overrides '$(OVERRIDES)',) \
	  --workers $(WORKERS) $(if $(CELL_TIMEOUT),--cell-timeout $(CELL_TIMEOUT),) \
	  $(if $(TIMEOUT),--timeout $(TIMEOUT),) $(if $(MEMORY_MB),--memory-mb $(MEMORY_MB),) \
	  $(if $(BUDGET),--budget $(BUDGET),) $(if $(filter 1 yes true,$(NO_SANDBOX)),--no-sandbox,)

release: install  ## cohort copy without solution code (expected values ship): make release MODULES="modules/01-math capstone ..." OUT=dir
	@test -n "$(MODULES)" -a -n "$(OUT)" || { echo "usage: make release MODULES=\"modules/01-math modules/02-programming\" OUT=folder"; exit 2; }
	$(PY) -m mlcourse release $(MODULES) --out '$(OUT)'

capstone: install  ## the capstone end to end: train, track, register, serve, monitor, retrain
	MLFLOW_DISABLE_TELEMETRY=true $(PY) -m capstone story

capstone-check: install  ## the capstone's tests on your package, a row per milestone (M=3, FAST=1 skips slow ones)
	MLFLOW_DISABLE_TELEMETRY=true $(PY) -m mlcourse check capstone --workers $(WORKERS) \
	  $(foreach m,$(M),--milestone $(m)) $(if $(FAST),--fast,)

serve: install  ## the capstone's prediction API on 127.0.0.1:8000 (docs at /docs)
	MLFLOW_DISABLE_TELEMETRY=true $(PY) -m capstone serve --host 127.0.0.1 --port 8000

mlflow-ui: install  ## the MLflow UI over the capstone's tracking store, on 127.0.0.1:5000
	MLFLOW_DISABLE_TELEMETRY=true $(BIN)/mlflow ui --host 127.0.0.1 --port 5000 \
	  --backend-store-uri sqlite:///capstone/runs/mlflow.db

bench: install  ## measure check latency, notebook run times and the capstone API
	$(PY) benchmarks/check_latency.py
	$(PY) benchmarks/suite_times.py
	$(PY) benchmarks/capstone_serving.py
	$(PY) benchmarks/grading_overhead.py

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) build .pytest_cache .ruff_cache
