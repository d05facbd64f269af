"""When and how a figure is stated, read from the words before it: target and estimate cues (力争, 预计), the year its
sentence names (ignoring comparison years and price bases), the year a sentence opening its paragraph names, quarters.

Used by the rules extractor (:mod:`.rules`); works on folded, simplified text.
"""

from __future__ import annotations

import re
from typing import Optional

from .clauses import YEAR_IN_RE

__all__ = ["SECURED_RE", "QUARTER_RE", "QUARTER_TOPIC_RE", "LAST_YEAR_RE", "statement_kind", "sentence_period",
           "topic_years"]

# 争取 obtaining funds or support (争取中央预算内投资…, 争取设备更新资金…) is something done, not aimed at,
# and 计划 as a noun (行动计划, 完成年计划的…, 科技计划项目) sets no target.
_SECURED = r"(?:到)?[^，。；;]{0,16}?(?:中央|国家|上级|资金|国债|债券|支持|额度|政策)"
_TARGET_CUE_RE = re.compile(
    r"预期目标|目标是|目标为|主要目标|发展目标|奋斗目标|预期指标|主要指标|目标任务(?!体系)|力争|确保|"
    rf"争取(?!{_SECURED})|计划(?=[\u4e00-\u9fff])(?!生育|项目|的)|将达到|要达到|"
    r"(?<!增加|增长|提高|提升|上升|扩大|跃升|攀升|下降|减少|降低|回落)到(?:19|20)\d\d年"  # 由A增加到2015年的B: a level
)
SECURED_RE = re.compile(rf"争取(?={_SECURED})")
_ESTIMATE_CUE_RE = re.compile(r"预计")

# A year that opens a sentence (``2003年，全镇…``) dates the figures of the sentences after it in the paragraph.
_TOPIC_YEAR_RE = re.compile(r"(?:在|截至|截止)?((?:19|20)\d\d)年(?!以来|来|的|同期)")

# A quarter's figures (一季度…, 前三季度…) are no year's.
QUARTER_RE = re.compile(r"(?:第?[一二三四1-4]|前三)季度")
# …or a sentence opened by one (前三季度，全县实现…) unless its clause returns to the year (全年…).
QUARTER_TOPIC_RE = re.compile(r"\s*(?:(?:19|20)\d\d\s*年)?\s*(?:第?[一二三四1-4]|前三)季度末?\s*[,，]")


def statement_kind(segment_prefix: str, sentence_prefix: str) -> str:
    """预计 -> estimate, target cues -> target; the cue nearest the figure wins."""
    for scope in (segment_prefix, sentence_prefix):
        est = [m.start() for m in _ESTIMATE_CUE_RE.finditer(scope)]
        tgt = [m.start() for m in _TARGET_CUE_RE.finditer(scope)]
        if est or tgt:
            return "estimate" if max(est, default=-1) > max(tgt, default=-1) else "target"
    return "actual"


# 去年/上年 dating a clause (not the basis of a growth: 比上年, 较去年, 上年同期).
LAST_YEAR_RE = re.compile(r"(?<![比较同与])(?:去年|上年)(?!同期|末|底|同|水平)")


def sentence_period(sentence_prefix: str) -> Optional[str]:
    """The last year the sentence states before the figure, ignoring comparison years (比2001年, 2001年以来) and
    price bases (按2020年不变价计算)."""
    found = None
    for m in YEAR_IN_RE.finditer(sentence_prefix):
        before = sentence_prefix[max(0, m.start() - 1) : m.start()]
        after = sentence_prefix[m.end() : m.end() + 2]
        if before in ("比", "较", "与", "是", "自", "从", "同", "按") or after.startswith(("以来", "的", "来", "同期", "不变价")):
            continue
        found = f"{m.group(1)}-{m.group(2)}" if m.group(2) else m.group(1)
    return found


def topic_years(folded: str, sentences: list[tuple[int, int]]) -> dict[int, str]:
    """Sentence start -> the year an earlier sentence of its paragraph opened with (``2003年，…。…``)."""
    out: dict[int, str] = {}
    year: str | None = None
    prev_end = 0
    for a, b in sentences:
        if "\n" in folded[prev_end:a]:
            year = None  # a new paragraph
        if year:
            out[a] = year
        m = _TOPIC_YEAR_RE.match(folded, a)
        if m:
            year = m.group(1)
        prev_end = b
    return out
