"""Scores against the hand-labeled gold set: extraction P/R/F1 and QA accuracy.

Matching is by document span overlap plus normalized values, so that
``80.43亿元`` and ``804300万元`` agree and a traditional ``全鎮生產總值`` meets a
simplified ``地区生产总值`` through the canonical metric name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

GOLD_ONLY_KEYS = {"occurrence", "report", "note", "yoy_placeholder", "investment_placeholder"}
STRICT_FIELDS = {
    "indicator": ["metric", "period", "kind", "value", "unit", "yoy_pct", "qualifier", "placeholder"],
    "project": ["name", "investment_value", "investment_unit", "status", "period"],
    "problem": ["problem", "category"],
    "task": ["task", "value", "unit", "deadline", "period"],
}
TEXT_KEY = {"project": "name", "problem": "problem", "task": "task"}


def _find_nth(text: str, quote: str, n: int) -> int:
    pos = -1
    for _ in range(max(1, n)):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            return -1
    return pos


_TEXTS: dict[str, str] = {}


def original_text(root: Path, source: str) -> str:
    """The text gold quotes and citations point into: the loader's text of ``root/source`` (cached)."""
    path = str((Path(root) / source).resolve())
    if path not in _TEXTS:
        from ..text.loading import load_text

        _TEXTS[path] = load_text(path)
    return _TEXTS[path]


#: The gold's metric names with their canonical form, frozen (``eval/gold/metric_names.json``): the scorer
#: reads the gold side from here, so a change to the extractor's vocabulary cannot change what the gold means.
METRIC_NAMES = "metric_names.json"


def frozen_metric_names(gold_dir: Path) -> dict[str, str]:
    """``{gold metric name: canonical name}`` as frozen beside the gold ({} when the file is absent)."""
    path = Path(gold_dir) / METRIC_NAMES
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def load_gold_extraction(gold_dir: Path, root: Path, sources: Optional[set[str]] = None) -> list[dict]:
    """Gold records with ``start``/``end`` located in their source files; an indicator also carries
    ``metric_canon``, its metric's canonical name from the frozen table (see :data:`METRIC_NAMES`)."""
    names = frozen_metric_names(gold_dir)
    out = []
    for f in sorted((Path(gold_dir) / "extraction").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            if sources is not None and rec["source"] not in sources:
                continue
            text = original_text(root, rec["source"])
            start = _find_nth(text, rec["evidence"], rec.get("occurrence", 1))
            if start < 0:
                raise ValueError(f"{f.name}: evidence not in {rec['source']}: {rec['evidence'][:40]}")
            rec["start"], rec["end"] = start, start + len(rec["evidence"])
            if rec.get("metric") and _simp(rec["metric"]) in names:
                rec["metric_canon"] = names[_simp(rec["metric"])]
            out.append(rec)
    return out


def _simp(s) -> str:
    if s is None:
        return ""
    from ..text.normalize import normalize_query

    return re.sub(r"\s+", "", normalize_query(str(s)))


def _num_eq(a, b, rel: float = 1e-6) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


def _char_sim(a: str, b: str) -> float:
    a, b = _simp(a), _simp(b)
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb)


def _metric_eq(pred: dict, gold: dict) -> bool:
    """The predicted metric, as the system under test wrote it (its pipeline canonicalises names), is the
    gold's metric or the gold's canonical name, short forms spelled out on both sides (:data:`_SHORT_FORMS`).

    The gold's canonical name comes from the frozen table (``metric_canon``, :data:`METRIC_NAMES`), never
    from the extractor's vocabulary, so widening that vocabulary cannot make the scorer more lenient; only
    gold sets without the table fall back to the current vocabulary.
    """
    p = _spelled_out(_simp(pred.get("metric")))
    g = _simp(gold.get("metric"))
    if "metric_canon" in gold:
        g_canon = gold["metric_canon"]
    else:
        from ..extract.vocab import canonical_metric

        g_canon = _simp(canonical_metric(g))
    return bool(p) and (p == _spelled_out(g) or p == _spelled_out(g_canon))


# Short forms that name the same thing as the long ones (规上企业 = 规模以上企业; 营收 = 营业收入, not 经营收入;
# 带动消费 = 拉动消费; 全社会研发经费 = 研发经费; below): the gold keeps either as printed, so both sides are compared
# spelled out.
_SHORT_FORMS = ((re.compile(r"规上"), "规模以上"), (re.compile(r"限上"), "限额以上"),
                (re.compile(r"(?<!经)营收"), "营业收入"), (re.compile(r"带动"), "拉动"),
                # 全社会 is a scope word like 全镇 (README: removed from names); the gold keeps it on some names
                (re.compile(r"^全社会(?=.)"), ""), (re.compile(r"^境内(?=.)"), ""),
                # one quantity, several printed names: 原保险保费收入 = 保费收入 (premiums are 原保险保费), an insurance
                # payout (赔付 / 赔付金额 / 赔付给付) = its 赔付支出, a deposit or loan figure = its balance (余额),
                # 技术合同成交总额 / 成交金额 = 成交额
                (re.compile(r"原保险(?=保费)"), ""), (re.compile(r"赔付(?:金额|支出|给付)?$"), "赔付支出"),
                (re.compile(r"(?<=[存贷]款)余额$"), ""), (re.compile(r"成交(?:总额|金额)$"), "成交额"))


def _spelled_out(name: str) -> str:
    for short, full in _SHORT_FORMS:
        name = short.sub(full, name)
    return name


def unit_class(unit) -> str:
    """``percent``, ``money``, ``points`` (个百分点) or the simplified unit itself; "" when none."""
    u = _simp(unit)
    if not u:
        return ""
    if u == "%" or u == "百分点" or u.endswith("个百分点"):
        return "points" if "百分点" in u else "percent"
    if u.endswith("美元"):
        return "money-usd"
    if u.endswith("元"):
        return "money"
    return u.lstrip("万亿千百")  # 万吨 ~ 吨, 亿斤 ~ 斤: the base quantity


def _value_eq(pred: dict, gold: dict) -> bool:
    """Same figure in a compatible unit (亿元 = 10,000 万元; % only with %)."""
    if gold.get("placeholder") or pred.get("placeholder"):
        return bool(gold.get("placeholder")) == bool(pred.get("placeholder"))
    if unit_class(pred.get("unit")) != unit_class(gold.get("unit")):
        return False
    if gold.get("value_base") is not None and pred.get("value_base") is not None:
        return _num_eq(pred["value_base"], gold["value_base"])
    if _simp(pred.get("unit")) != _simp(gold.get("unit")):
        return False
    return _num_eq(pred.get("value"), gold.get("value"))


def field_eq(kind: str, name: str, pred: dict, gold: dict) -> bool:
    p, g = pred.get(name), gold.get(name)
    if kind == "indicator" and name == "metric":
        return _metric_eq(pred, gold)
    if kind == "indicator" and name == "value":
        return _value_eq(pred, gold)
    if name in ("value", "yoy_pct", "investment_value"):
        return _num_eq(p, g)
    if name in ("period",):
        return (str(p) if p is not None else "") == (str(g) if g is not None else "")
    if name in ("problem", "task", "name"):
        return _char_sim(p or "", g or "") >= 0.6
    if isinstance(g, bool) or isinstance(p, bool):
        return bool(p) == bool(g)
    return _simp(p) == _simp(g)


def relaxed_match(kind: str, pred: dict, gold: dict) -> bool:
    if kind == "indicator":
        return _metric_eq(pred, gold) and _value_eq(pred, gold) and field_eq(kind, "period", pred, gold)
    return _char_sim(pred.get(TEXT_KEY[kind], ""), gold.get(TEXT_KEY[kind], "")) >= 0.5


def _overlap(a: dict, b: dict) -> int:
    if a.get("source") and b.get("source") and Path(a["source"]).name != Path(b["source"]).name:
        return 0
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class ExtractionScore:
    by_type: dict[str, dict] = field(default_factory=dict)
    misses: list[dict] = field(default_factory=list)  # {"kind", "type": fn|fp|field, "pred", "gold", "fields"}


def growth_only_as_rate(rec: dict) -> dict:
    """One form for a growth rate printed without a level (``全县粮食总产量增长2.3%``).

    The gold writes it as ``value=2.3, unit=%``; an extractor may write ``value=None, yoy_pct=2.3``.
    Both state the same fact, so both are compared as the former.  Nothing else is rewritten.
    """
    if (rec.get("record_type") == "indicator" and rec.get("value") is None and not rec.get("placeholder")
            and rec.get("yoy_pct") is not None):
        return {**rec, "value": rec["yoy_pct"], "unit": "%", "value_base": None, "yoy_pct": None}
    return rec


def score_extraction(preds: Iterable[dict], gold: list[dict], *, kinds: Optional[list[str]] = None,
                     sources_by_kind: Optional[dict[str, set[str]]] = None) -> ExtractionScore:
    """P/R/F1 strict and relaxed and per-field accuracy, per record type.

    ``sources_by_kind`` names the files labeled for each type (a type may be labeled for some files only,
    and a labeled file may rightly hold no record); default: the files its gold records come from.
    """
    preds = [growth_only_as_rate(p) for p in preds]
    gold = [growth_only_as_rate(g) for g in gold]
    score = ExtractionScore()
    kinds = kinds or sorted({g["record_type"] for g in gold})
    for kind in kinds:
        g_k = [g for g in gold if g["record_type"] == kind]
        if sources_by_kind and kind in sources_by_kind:
            labeled = {Path(s).name for s in sources_by_kind[kind]}
        else:
            labeled = {Path(g["source"]).name for g in g_k}
        p_k = [p for p in preds if p.get("record_type") == kind and Path(p.get("source", "")).name in labeled]
        pairs = sorted(
            ((_overlap(p, g), i, j) for i, p in enumerate(p_k) for j, g in enumerate(g_k) if _overlap(p, g) > 0),
            reverse=True,
        )
        used_p: set[int] = set()
        used_g: set[int] = set()
        relaxed = PRF()
        strict = PRF()
        field_hits = {f: 0 for f in STRICT_FIELDS[kind]}
        matched = 0
        for _ov, i, j in pairs:
            if i in used_p or j in used_g or not relaxed_match(kind, p_k[i], g_k[j]):
                continue
            used_p.add(i)
            used_g.add(j)
            matched += 1
            wrong = [f for f in STRICT_FIELDS[kind] if not field_eq(kind, f, p_k[i], g_k[j])]
            for f in STRICT_FIELDS[kind]:
                field_hits[f] += f not in wrong
            if wrong:
                score.misses.append({"kind": kind, "type": "field", "pred": p_k[i], "gold": g_k[j], "fields": wrong})
            else:
                strict.tp += 1
        relaxed.tp = matched
        relaxed.fp = len(p_k) - matched
        relaxed.fn = len(g_k) - matched
        strict.fp = len(p_k) - strict.tp
        strict.fn = len(g_k) - strict.tp
        for i, p in enumerate(p_k):
            if i not in used_p:
                score.misses.append({"kind": kind, "type": "fp", "pred": p, "gold": None, "fields": []})
        for j, g in enumerate(g_k):
            if j not in used_g:
                score.misses.append({"kind": kind, "type": "fn", "pred": None, "gold": g, "fields": []})
        score.by_type[kind] = {
            "gold": len(g_k), "predicted": len(p_k), "relaxed": relaxed.to_dict(), "strict": strict.to_dict(),
            "field_accuracy": {f: round(v / matched, 4) if matched else 0.0 for f, v in field_hits.items()},
            "recall_by_marking": _recall_by_marking(g_k, used_g),
        }
    return score


# A labeler's note that calls a record a judgment call (SOURCES.md: "labelled as borderline (notes)").
_BORDERLINE_RE = re.compile(r"borderline|marginal", re.I)


def _recall_by_marking(gold: list[dict], found: set[int]) -> dict:
    """Relaxed recall over the gold records the labelers marked borderline in their note and over the rest:
    a reported breakdown (no floor), to tell misses of judgment calls from misses of plain statements."""
    marked = {j for j, g in enumerate(gold) if _BORDERLINE_RE.search(g.get("note") or "")}
    out = {}
    for name, idx in (("borderline", marked), ("unmarked", set(range(len(gold))) - marked)):
        out[name] = {"gold": len(idx), "recall": round(len(idx & found) / len(idx), 4) if idx else None}
    return out


def grounding_report(preds: Iterable[dict], read_original) -> dict:
    """How the records' evidence stands in the original, measured, never assumed.

    ``valid``: share with ``original[start:end] == evidence`` and every number of the record
    printed in that evidence; ``exact`` / ``normalized`` / ``fuzzy``: how the span was found (the
    model's quote verbatim, only after script/width/gloss normalisation, or by bounded fuzzy
    matching).  An empty run measures nothing: every share is None, so a floor on it fails.
    """
    from ..text.numbers import number_in_text

    preds = list(preds)
    n = len(preds)
    counts = {"valid": 0, "exact": 0, "normalized": 0, "fuzzy": 0, "unknown": 0}
    for p in preds:
        try:
            text = read_original(p["source"])
        except (OSError, KeyError):
            text = None
        span_ok = text is not None and 0 <= p.get("start", -1) < p.get("end", -1) and text[p["start"] : p["end"]] == p.get("evidence")
        evidence = p.get("evidence") or ""
        squashed = re.sub(r"\s+", "", evidence)  # a PDF line break may sit inside a figure
        nums_ok = all(number_in_text(v, evidence) or number_in_text(v, squashed) for v in _record_numbers(p))
        counts["valid"] += bool(span_ok and nums_ok)
        how = p.get("grounding") or "unknown"
        counts[how if how in counts else "unknown"] += 1
    return {"records": n, **{k: (round(v / n, 4) if n else None) for k, v in counts.items()}}


def _record_numbers(rec: dict) -> list[float]:
    return [rec[k] for k in ("value", "yoy_pct", "investment_value") if isinstance(rec.get(k), (int, float))]


# --- QA ---------------------------------------------------------------------------------------
# Words by which an answer says a figure is left blank or not given (placeholder questions).
