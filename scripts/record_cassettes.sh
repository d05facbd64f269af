#!/usr/bin/env bash
# Re-record every LLM cassette against the real embedded model (called by `make cassettes`).
#
# Each test marked `llm_cassette` runs with LLM_EXTRACT_RECORD=all: its cassette is deleted and
# written anew from a live Qwen2.5-Coder-1.5B server that tests/conftest.py starts once for the
# session. Cassettes are never edited by hand. A full run starts from an empty cassettes/ so
# cassettes of deleted tests do not linger; a run narrowed with pytest arguments (-k …) only
# replaces what it records.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3

if [ $# -eq 0 ]; then
    find cassettes -name '*.yaml' -delete 2>/dev/null || true
fi

# Recording must use the defaults (embedded 1.5B, no hosted endpoint, no key).
unset LLM_EXTRACT_LLM_BASE_URL LLM_EXTRACT_LLM_MODEL LLM_EXTRACT_LLM_API_KEY LLM_EXTRACT_LLM_MODE \
      LLM_EXTRACT_EMBEDDED_MODEL LLM_EXTRACT_SERVER_URL OPENAI_API_KEY || true

"$PYTHON" - <<'PY'
from llm_extract.llm.weights import ensure_model
print("weights:", ensure_model())
PY

LLM_EXTRACT_RECORD=all "$PYTHON" -m pytest tests -m llm_cassette -p no:cacheprovider -q "$@"

# Replay once with record mode `none` to prove the fresh cassettes are complete.
"$PYTHON" -m pytest tests -m llm_cassette -p no:cacheprovider -q "$@"
