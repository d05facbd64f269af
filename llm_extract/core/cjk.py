"""What counts as a CJK ideograph, shared by the normalizer and its detectors.

Kept apart from :mod:`llm_extract.text.normalize` because the placeholder detector
needs it too, and normalize imports that detector: defining the class here
lets both import it without a cycle.
"""

from __future__ import annotations

import re

__all__ = ["CJK_RANGES", "CJK_RE", "is_cjk"]

# BMP, extension A, compatibility ideographs and the supplementary planes.
CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_RE = re.compile(f"[{CJK_RANGES}]")


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (BMP, extension A and the supplementary planes)."""
    return bool(ch) and CJK_RE.match(ch) is not None
