# nianbao — set up, run, test. Everything the project needs is installed from here.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: setup demo test lint bench accuracy clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# The main job on the embedded default: the bundled example reports (invented agencies) read,
# checked and stored in the SQLite file ./nianbao.db, then listed and compared across years;
# the roster of agencies that must report, their coverage for 2024 and the 通报.
demo: setup
	$(BIN)/nianbao ingest examples/reports
	$(BIN)/nianbao list
	-$(BIN)/nianbao check examples/reports/qinglan-caizheng-2024.txt
	$(BIN)/nianbao compare 青岚县人民政府 2023 2024
	$(BIN)/nianbao roster import examples/roster.csv
	$(BIN)/nianbao coverage --year 2024
	$(BIN)/nianbao summary --year 2024 --region 青岚县 -o 青岚县2024年度年报审核情况通报.docx

# the suite in two worker processes (pytest-xdist); `$(BIN)/pytest` alone runs it in one
test: setup
	$(BIN)/pytest -n 2

lint: setup
	$(BIN)/ruff check src tests bench fuzz
	$(BIN)/ruff format --check src tests bench fuzz
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: setup
	$(BIN)/python bench/parse_speed.py

accuracy: setup
	$(BIN)/python -m tests.accuracy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
