# Fresh-machine entry points: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
DB ?= eventwatch.duckdb
SAMPLES := src/eventwatch/data/samples

.PHONY: install install-spark demo test lint bench bench-spark accuracy clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The Spark extra (PySpark, which needs Java 17) for `eventwatch spark` and its tests; `make demo` and
# the core never need it.
$(SPARK_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(SPARK_STAMP)

install: $(STAMP)

install-spark: $(SPARK_STAMP)

demo: $(STAMP)
	$(BIN)/eventwatch ingest $(SAMPLES) --db $(DB)
	$(BIN)/eventwatch summary --db $(DB)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

test: $(SPARK_STAMP) lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/api.py

bench-spark: $(SPARK_STAMP)
	$(BIN)/python benchmarks/spark.py

accuracy: $(STAMP)
	$(BIN)/python benchmarks/accuracy.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .ruff_cache
