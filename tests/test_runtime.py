"""The llama.cpp runtime is built for a portable instruction set, and the build says so.

The build machine's CPU may have AVX-512 or AMX; a user's may not (or may advertise AMX and
fault on it).  So what is tested is what the *installed library* reports, not this CPU.
"""

from __future__ import annotations

import importlib.util
import platform
import sys
from pathlib import Path

import pytest

from llm_extract.core.errors import ModelError
from llm_extract.llm.build import build_stamp, check_cpu, missing_cpu_flags, parse_system_info, system_info

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_runtime  # noqa: E402

X86 = platform.machine().lower() in ("x86_64", "amd64")


def test_system_info_is_parsed_into_features():
    info = parse_system_info("CPU : SSE3 = 1 | AVX2 = 1 | AVX512 = 0 | OPENMP = 1 | REPACK = 1 |")
    assert info == {"SSE3": "1", "AVX2": "1", "AVX512": "0", "OPENMP": "1", "REPACK": "1"}


@pytest.mark.skipif(not X86, reason="the portable profiles are x86-64 instruction sets")
def test_installed_runtime_is_the_portable_build_and_reports_no_avx512_or_amx():
    assert importlib.util.find_spec("llama_cpp") is not None, "llama-cpp-python is not installed: run make setup"
    stamp = build_stamp()
    assert stamp is not None, "no build stamp in the venv: llama.cpp was not built by scripts/build_runtime.py"
    assert stamp["profile"] in ("x86-64-v3", "x86-64-v2")
    assert "-DGGML_NATIVE=OFF" in stamp["cmake_args"]
    info = system_info()
    enabled = {k for k, v in info.items() if v == "1"}
    assert not {k for k in enabled if k.startswith(("AVX512", "AMX", "AVX_VNNI"))}, info
    if stamp["profile"] == "x86-64-v3":
        assert {"AVX", "AVX2", "FMA", "F16C"} <= enabled, info


def test_a_cpu_lacking_the_builds_instructions_is_one_line_with_the_fix():
    stamp = {"profile": "x86-64-v3", "required_cpu_flags": ["sse4_2", "avx", "avx2", "fma"]}
    assert missing_cpu_flags(stamp, {"sse4_2", "avx"}) == ["avx2", "fma"]
    with pytest.raises(ModelError) as info:
        check_cpu(stamp, {"sse4_2", "avx"})
    assert "lacks avx2, fma" in info.value.one_line() and "make setup" in info.value.one_line()
    check_cpu(stamp, {"sse4_2", "avx", "avx2", "fma", "f16c"})  # all there: no error


def test_the_build_script_falls_back_without_avx2_and_keys_wheels_by_flags(monkeypatch):
    monkeypatch.delenv("LLM_EXTRACT_RUNTIME_PROFILE", raising=False)
    if X86:
        monkeypatch.setattr(build_runtime, "cpu_flags", lambda: {"sse4_2", "avx"})
        assert build_runtime.default_profile() == "x86-64-v2"
        monkeypatch.setattr(build_runtime, "cpu_flags", lambda: {"sse4_2", "avx", "avx2", "fma", "f16c", "bmi2",
                                                                  "avx512f", "amx_tile"})
        assert build_runtime.default_profile() == "x86-64-v3"  # AVX-512/AMX on the builder change nothing
    v3, v2 = build_runtime.wanted("x86-64-v3"), build_runtime.wanted("x86-64-v2")
    assert v3["key"] != v2["key"] and "-DGGML_AMX_TILE=OFF" in v3["cmake_args"]
    assert "-DGGML_AVX512=OFF" in v3["cmake_args"] and "-DGGML_NATIVE=OFF" in v2["cmake_args"]


def test_an_unstamped_or_foreign_build_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setattr(build_runtime, "stamp_path", lambda: tmp_path / "llama-runtime.json")
    monkeypatch.setattr(build_runtime, "installed_version", lambda: build_runtime.VERSION)
    installed = []
    monkeypatch.setattr(build_runtime, "install", lambda want, cache: installed.append(want["key"]))
    assert build_runtime.main(["--profile", "x86-64-v3", "--check"]) == 1  # no stamp: an old native build
    build_runtime.main(["--profile", "x86-64-v3"])
    assert installed == [build_runtime.wanted("x86-64-v3")["key"]]
    (tmp_path / "llama-runtime.json").write_text('{"key": "native-0000"}')
    build_runtime.main(["--profile", "x86-64-v3"])
    assert len(installed) == 2
