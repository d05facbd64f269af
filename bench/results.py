"""Where every benchmark writes its machine-readable result (``--json PATH``), read by ``run_all.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional


def save_json(path: Optional[Path], data: Any) -> None:
    """Write ``data`` to ``path`` as UTF-8 JSON (nothing when no path was asked for)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
