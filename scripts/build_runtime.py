"""Build and install llama-cpp-python (llama.cpp) for any x86-64 CPU, not for this one.

llama.cpp's default CMake build is ``GGML_NATIVE=ON`` (``-march=native``): it turns on every
instruction set the *building* CPU advertises (AVX-512, AMX …).  The result crashes with SIGILL,
or with a general-protection fault in the AMX kernels, on a machine whose CPU lacks them or
advertises them without enabling them (seen on a cloud VM).  This script builds a fixed,
portable instruction set instead and records it in a stamp inside the virtualenv:

* profile ``x86-64-v3`` (default on CPUs with AVX2 + FMA + F16C + BMI2): SSE4.2, AVX, AVX2, FMA,
  F16C, BMI2; no AVX-512, no AVX-VNNI, no AMX;
* profile ``x86-64-v2`` (chosen automatically on a CPU without AVX2, or asked for): SSE4.2 only;
  slower, but it runs instead of crashing;
* profile ``native`` only when asked for (``LLM_EXTRACT_RUNTIME_PROFILE=native``), for benchmarks.

Usage (the Makefile calls it; safe to run again — it does nothing when the stamp matches)::

    python scripts/build_runtime.py            # build + install if the stamp differs or is missing
    python scripts/build_runtime.py --check    # exit 1 if the installed build is not the wanted one
    python scripts/build_runtime.py --wheel-only DIR --profile native   # build a wheel, don't install

Wheels are kept in ``~/.cache/llm-extract/llama-wheels/<profile>-<flags hash>/`` (``$XDG_CACHE_HOME``
respected) so a second virtualenv does not compile again; the key is the package version plus the
exact CMake flags.  pip's own wheel cache is bypassed because its key ignores CMAKE_ARGS (a natively
built wheel would otherwise be reused for a portable request).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

PACKAGE = "llama-cpp-python"
VERSION = "0.3.36"
STAMP_NAME = "llama-runtime.json"

_COMMON_OFF = [
    "-DGGML_NATIVE=OFF",
    "-DGGML_AVX512=OFF",
    "-DGGML_AVX512_VBMI=OFF",
    "-DGGML_AVX512_VNNI=OFF",
    "-DGGML_AVX512_BF16=OFF",
    "-DGGML_AVX_VNNI=OFF",
    "-DGGML_AMX_TILE=OFF",
    "-DGGML_AMX_INT8=OFF",
    "-DGGML_AMX_BF16=OFF",
]

PROFILES: dict[str, list[str]] = {
    "x86-64-v3": _COMMON_OFF
    + ["-DGGML_SSE42=ON", "-DGGML_AVX=ON", "-DGGML_AVX2=ON", "-DGGML_FMA=ON", "-DGGML_F16C=ON", "-DGGML_BMI2=ON"],
    "x86-64-v2": _COMMON_OFF
    + ["-DGGML_SSE42=ON", "-DGGML_AVX=OFF", "-DGGML_AVX2=OFF", "-DGGML_FMA=OFF", "-DGGML_F16C=OFF", "-DGGML_BMI2=OFF"],
    "native": ["-DGGML_NATIVE=ON"],
}

# CPU flags (as /proc/cpuinfo spells them) each profile's code needs at run time.
REQUIRED_FLAGS: dict[str, tuple[str, ...]] = {
    "x86-64-v3": ("sse4_2", "avx", "avx2", "fma", "f16c", "bmi2"),
    "x86-64-v2": ("sse4_2",),
    "native": (),
}


def _load_cpu_module():
    """``llm_extract/core/cpu.py`` by path: it imports nothing, and the package's dependencies may not be installed yet."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "llm_extract" / "core" / "cpu.py"
    spec = importlib.util.spec_from_file_location("_llm_extract_cpu", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


cpu_flags = _load_cpu_module().cpu_flags


def default_profile() -> str:
    """``x86-64-v3`` on a CPU that can run it, else ``x86-64-v2``; non-x86 CPUs build natively."""
    asked = os.environ.get("LLM_EXTRACT_RUNTIME_PROFILE", "").strip()
    if asked:
        if asked not in PROFILES:
            sys.exit(f"error: LLM_EXTRACT_RUNTIME_PROFILE={asked!r} is not one of {', '.join(PROFILES)}")
        return asked
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return "native"  # ARM etc.: llama.cpp's defaults there are baseline-safe
    flags = cpu_flags()
    return "x86-64-v3" if all(f in flags for f in REQUIRED_FLAGS["x86-64-v3"]) else "x86-64-v2"


def wanted(profile: str) -> dict:
    args = " ".join(PROFILES[profile])
    digest = hashlib.sha256(f"{PACKAGE}=={VERSION} {args}".encode()).hexdigest()[:12]
    return {
        "package": PACKAGE,
        "version": VERSION,
        "profile": profile,
        "cmake_args": args,
        "key": f"{profile}-{digest}",
        "required_cpu_flags": list(REQUIRED_FLAGS[profile]),
        "machine": platform.machine(),
    }


def stamp_path() -> Path:
    return Path(sys.prefix) / STAMP_NAME


def read_stamp() -> dict | None:
    try:
        return json.loads(stamp_path().read_text())
    except (OSError, ValueError):
        return None


def installed_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return None


def build_wheel(want: dict, wheel_dir: Path) -> Path:
    """Compile the wheel for ``want`` into ``wheel_dir`` (reused if already there)."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    found = sorted(wheel_dir.glob("llama_cpp_python-*.whl"))
    if found:
        return found[-1]
    env = dict(os.environ, CMAKE_ARGS=want["cmake_args"], FORCE_CMAKE="1")
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
    print(f"building {PACKAGE}=={VERSION} for profile {want['profile']} ({want['cmake_args']}); "
          "this compiles llama.cpp and takes several minutes", file=sys.stderr, flush=True)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--no-binary", PACKAGE,
           "-w", str(wheel_dir), f"{PACKAGE}=={VERSION}"]
    done = subprocess.run(cmd, env=env)
    found = sorted(wheel_dir.glob("llama_cpp_python-*.whl"))
    if done.returncode != 0 or not found:
        sys.exit(f"error: building {PACKAGE} failed (exit {done.returncode}); it needs a C/C++ compiler and cmake "
                 "(Debian: apt-get install build-essential cmake)")
    return found[-1]


def install(want: dict, cache: Path) -> None:
    wheel = build_wheel(want, cache / want["key"])
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel)]
    if subprocess.run(cmd).returncode != 0:
        sys.exit(f"error: installing {wheel.name} failed")
    stamp_path().write_text(json.dumps(want, indent=2) + "\n")
    print(f"installed {PACKAGE}=={VERSION} built for {want['profile']}; stamp {stamp_path()}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--profile", choices=sorted(PROFILES), default=None, help="instruction-set profile")
    ap.add_argument("--check", action="store_true", help="only report whether the installed build matches")
    ap.add_argument("--wheel-only", metavar="DIR", help="build the wheel into DIR and stop (benchmarks)")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "llm-extract" / "llama-wheels"
    ap.add_argument("--cache", default=str(cache), help="where built wheels are kept, one folder per flag set")
    args = ap.parse_args(argv)
    want = wanted(args.profile or default_profile())
    if args.wheel_only:
        print(build_wheel(want, Path(args.wheel_only) / want["key"]))
        return 0
    have = read_stamp()
    current = have is not None and have.get("key") == want["key"] and installed_version() == VERSION
    if args.check:
        print(json.dumps({"wanted": want, "installed": have, "matches": current}, indent=2))
        return 0 if current else 1
    if current:
        return 0
    if have is None and installed_version():
        print(f"found {PACKAGE} without a build stamp (possibly built for this CPU only): rebuilding portably",
              file=sys.stderr)
    install(want, Path(args.cache))
    return 0


if __name__ == "__main__":
    sys.exit(main())
