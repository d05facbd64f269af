"""Schema-guided extraction of one document section into grounded records.

Parsing (what the model or the rules say) is kept apart from grounding (where
the original file says it): every record that leaves this module has
``original[start:end] == evidence`` and every number it carries printed in
that evidence, or it is dropped and counted.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Sequence

from pydantic import BaseModel

from ..core.errors import LLMOutputError
from ..core.types import Document, Grounded, NormalizedText, RECORD_TYPES, Section
from .drafts import DRAFT_LISTS, custom_list_model, draft_to_record
from .sub_areas import names_sub_area, without_own_place

KINDS = ("indicator", "project", "problem", "task")
#: Kinds the rules read from the document's structure (headings, enumerations, paragraphs).
STRUCTURE_KINDS = ("task", "problem", "project")
TEXT_FIELD = {"task": "task", "problem": "problem", "project": "name"}
#: Version of the rule extractor: records carry it, and resumed runs and the record store key on it.
#: Bump it whenever the rules change what they extract.
RULES_VERSION = "rules@24"  # @24 a balance shared by a list (制造业、涉农贷款余额), funds obtained in a list (争取…分别增长) left out, trading partners listed before 进出口 / 市场出口; @23 a magnitude without a digit (突破万亿元, 超百亿元), adverbs before the verb (历史性, 逆势), 提升至 and 从A增至B, the growth after a mark passed (跨越A大关，年均增长x%), the exact figure after a mark (突破A、达到B), lists sharing a scope or a word (存、贷款余额; 规模以上A和B; 对A、B进出口; 收入、支出; 双双/均 with one figure), members before a counted name (三大先导产业), 年营收, zones named by their own name left out, goals under a heading of the plan term ahead, a plan part named 20xx年主要工作 or by no role word, communiqué wording (增产/减产, 分行业看 breakdowns of retail sales, 按2020年不变价 no period, 初步核算, insurance classes' payouts and their printed variants), groups of manufacturing named by a quality, 一二三产 and 内外资 lists, 分别提高到 levels, an industry named in the clause before a bare 产值/营收; @22 the speaker line is no heading and a heading may open with a quoted plan term, figures outside the plan part are of the one reviewed year, averages over the term the headings name (a term begun this year: all of it), growth against the term before is over the term after, 年均 before 分别, a level reached after the increase (增加A，达到B; 翻番达到B), a figure setting a condition with another (以上且…) is no level, a problem paragraph opened by 问题也不容忽视 and its numbered items, a 目标任务体系 named in passing sets no target, every part after the review plans when no heading names a plan, names listed before one verb and as many rates (no 分别), 创新高 or 跨过 a level, a plan term or 包括 before a metric; @21 a growth printed alone while looking back on a plan term (这五年, “十四五”时期) or an average growth set for the next term is over the term, a shared head joined without repeating words, 出游总花费, 提升到 a level, 使用外资; @20 经济增长 is the GDP's growth, a group of industries in a value-added breakdown, the level alone before key projects, one rate after 城乡…分别; @19 autonomous-prefecture scope words, sub-area figures left out, investment breakdowns and trade totals, firms of the metric's industry; @18 a metric opening with the report's own place; @17 insurance classes, deposit and postal names; @16 review fixes of @15; @15 由A增加到B, industry sections, firms named by the sentence, quarters skipped; @14 plan parts date undated figures, more vocabulary; @13 open metric heads, project names, task plan parts; @12 经济总量, 出口额; @8 = @6 projects/tasks + @7 indicators; @9 local plans' action clauses; @10 table rows
BATCH_CHARS = 700  # candidate text per model call: small prompts keep a 1.5B model accurate and fast


@dataclass
class SectionResult:
    records: list[Grounded] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)  # {"reason", "record"}
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    seconds: float = 0.0


def _batches(spans: Sequence[tuple[int, int]], limit: int = BATCH_CHARS) -> list[tuple[int, int]]:
    """Merge consecutive candidate sentence spans (normalized coords) into windows of at most ``limit``."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and e - out[-1][0] <= limit and s - out[-1][1] <= 200:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def section_candidates(kind: str, doc: Document, section: Section, text: str) -> list:
    """Candidate sentences for ``kind`` in a section's normalized, simplified ``text``, read in the
    plan/problem context its headings and the report's type give."""
    from .candidates import find_candidates, section_context

    plan, problem = section_context(section.path_str, doc.report_type)
    return [c for c in find_candidates(text, plan=plan, problem=problem) if kind not in KINDS or kind in c.kinds]


def llm_windows(cands) -> list[tuple[int, int]]:
    """The text windows (section-relative) the model is sent for these candidates."""
    return _batches([(c.start, c.end) for c in cands])


# --- backends: how a section's records are found -------------------------------------------------
class ExtractionBackend:
    """One way to extract a kind from a section; a new backend is a subclass and one
    :func:`register_backend` line (its name is then accepted by ``--backend``)."""

    name = ""
    uses_llm = True  # whether it needs a model (a client and the prompts)

    def prompt_version(self, extractor: "SectionExtractor", kind: str) -> str:
        name = f"extract_{kind}" if kind in KINDS else "extract_custom"
        return extractor.prompts[name].version

    def reads_section(self, kind: str, cands: list) -> bool:
        """Whether a section with these candidate sentences is worth running (the model needs some)."""
        return bool(cands)

    def run(self, extractor: "SectionExtractor", kind: str, doc: Document, norm: NormalizedText, section: Section,
            s0: int, text: str, cands: list, result: SectionResult) -> None:
        raise NotImplementedError


class RulesBackend(ExtractionBackend):
    """The rule extractor: indicators from sentences, tasks and problems from the outline and
    paragraphs (:mod:`.structure_items`, :mod:`.task_items`), projects from the clauses that name them
    (:mod:`.project_items`); it finds no records of a user's schema."""

    name = "rules"
    uses_llm = False

    def prompt_version(self, extractor, kind):
        return RULES_VERSION

    def reads_section(self, kind: str, cands: list) -> bool:
        # indicators too: a figure whose metric the clause before names (…项目…，完成投资a亿元) makes
        # no candidate sentence of its own, and reading a section costs the rules next to nothing
        return bool(cands) or kind in STRUCTURE_KINDS or kind == "indicator"

    def run(self, extractor, kind, doc, norm, section, s0, text, cands, result):
        if kind == "indicator":
            extractor._rules(doc, norm, section, s0, text, result)
        elif kind in STRUCTURE_KINDS:
            extractor._structure(kind, doc, norm, section, s0, text, result)


class LlmBackend(ExtractionBackend):
    """The model, asked about the windows of candidate sentences."""

    name = "llm"

    def run(self, extractor, kind, doc, norm, section, s0, text, cands, result):
        for b0, b1 in llm_windows(cands):
            extractor._llm_batch(kind, doc, norm, section, s0 + b0, s0 + b1, result)


class RulesThenLlmBackend(ExtractionBackend):
    """The rules' records, then the model's (the same record from both is kept once)."""

    name = "rules+llm"

    def reads_section(self, kind, cands):
        return RulesBackend().reads_section(kind, cands)

    def run(self, extractor, kind, doc, norm, section, s0, text, cands, result):
        RulesBackend().run(extractor, kind, doc, norm, section, s0, text, cands, result)
        LlmBackend().run(extractor, kind, doc, norm, section, s0, text, cands, result)


EXTRACTION_BACKENDS: dict[str, ExtractionBackend] = {}


def register_backend(backend: ExtractionBackend) -> None:
    EXTRACTION_BACKENDS[backend.name] = backend


register_backend(RulesBackend())
register_backend(LlmBackend())
register_backend(RulesThenLlmBackend())

# "auto" is no backend of its own: it picks one per record kind.
BACKENDS = ("auto",) + tuple(EXTRACTION_BACKENDS)
# What "auto" uses per record kind, chosen by `llm-extract eval` over the gold set (README, "Measured"):
# on indicators the rules scored relaxed F1 0.73 against 0.55 for the embedded 1.5B model and 0.62 for
# rules+llm (the model adds recall 0.69 -> 0.70 at a large cost in precision).  On the test split the
# structure rules score tasks 0.69 and problems 0.82 relaxed F1 (rules@8), against the model's recorded
# 0.19 (tasks) and 0.38-0.45 (problems); the project rules 0.65 (rules@8) against the model's 0.18.
AUTO_BACKEND = {"indicator": "rules", "task": "rules", "problem": "rules", "project": "rules"}


def _not_corrected(failed: list[tuple[BaseModel, str]], corrected: list[BaseModel]) -> list[tuple[BaseModel, str]]:
    """The failed drafts no corrected draft stands for: each correction is paired, greedily, with the
    failed draft it resembles most (character bigrams of the whole record), and the rest remain."""

    def grams(m: BaseModel) -> set[str]:
        t = m.model_dump_json()
        return {t[i : i + 2] for i in range(len(t) - 1)}

    failed_grams = [grams(d) for d, _ in failed]
    left = list(range(len(failed)))
    for c in corrected:
        if not left:
            break
        gc = grams(c)
        best = max(left, key=lambda i: len(gc & failed_grams[i]) / (len(gc | failed_grams[i]) or 1))
        left.remove(best)
    return [failed[i] for i in left]


def resolve_backend(backend: str, kind: str) -> str:
    """The backend that runs ``kind`` under ``backend`` (``auto`` picks per kind)."""
    return AUTO_BACKEND.get(kind, "llm") if backend == "auto" else backend


def needs_llm(backend: str, kinds) -> bool:
    return any(_uses_llm(resolve_backend(backend, k)) for k in kinds)


def _uses_llm(name: str) -> bool:
    known = EXTRACTION_BACKENDS.get(name)
    return known is None or known.uses_llm  # an unknown name is refused by whoever runs it


class SectionExtractor:
    """Extracts one kind of record from one section, by rules or by an LLM, then grounds it."""

    def __init__(self, *, backend: str = "llm", llm=None, prompts=None, custom_schema: type[BaseModel] | None = None):
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}")
        self.backend = backend
        self.llm = llm
        self.custom_schema = custom_schema
        if prompts is None and (backend == "auto" or EXTRACTION_BACKENDS[backend].uses_llm):
            from ..llm.prompts import load_prompts

            prompts = load_prompts()
        self.prompts = prompts
        self._tables: dict[int, tuple[NormalizedText, list]] = {}  # id(norm) -> (norm, its table-row records)
        self._tables_lock = threading.Lock()

    def prompt_version(self, kind: str) -> str:
        return EXTRACTION_BACKENDS[resolve_backend(self.backend, kind)].prompt_version(self, kind)

    # -------------------------------------------------------------------------------------------
    def extract(self, kind: str, doc: Document, norm: NormalizedText, section: Section) -> SectionResult:
        result = SectionResult()
        s0, s1 = norm.from_original(section.start, section.end)
        text = norm.simplified[s0:s1]
        cands = section_candidates(kind, doc, section, text)
        backend = EXTRACTION_BACKENDS[resolve_backend(self.backend, kind)]
        if not backend.reads_section(kind, cands):
            return result
        backend.run(self, kind, doc, norm, section, s0, text, cands, result)
        result.records = _dedupe(result.records)
        return result

    def _rules(self, doc, norm, section, s0, text, result: SectionResult) -> None:
        from .periods import plan_year_hint, section_year
        from .rules import rules_extract_indicators

        hint = section_year(section, doc, norm, text)
        for rec in rules_extract_indicators(text, period_hint=hint, plan_years=doc.plan_years,
                                            review_years=doc.review_years,
                                            target_period=plan_year_hint(section, doc),
                                            headings=section.path_str):
            rec = without_own_place(rec, doc)
            if names_sub_area(rec, doc):
                continue
            span = norm.to_original(s0 + rec.start, s0 + rec.end)
            self._ground(rec, doc, norm, section, (span.start, span.end), result, version=RULES_VERSION)
        self._table_rows(doc, norm, section, hint, result)

    def _table_rows(self, doc, norm, section, hint, result: SectionResult) -> None:
        """The section's table rows (:mod:`.table_rows`, read once per report) that no sentence of the
        section already gave: a row restating a sentence's metric, period and figure is left out."""
        from .table_rows import document_table_indicators, same_figure

        with self._tables_lock:
            cached = self._tables.get(id(norm))
        if cached is None or cached[0] is not norm:
            cached = (norm, document_table_indicators(norm))
            with self._tables_lock:
                while len(self._tables) >= 8:
                    self._tables.pop(next(iter(self._tables)))
                self._tables[id(norm)] = cached
        plan = {y for y in doc.plan_years if y not in doc.review_years}
        for rec in cached[1]:
            if not section.start <= rec.start < section.end:
                continue
            period = rec.period or hint
            kind = "target" if rec.kind == "actual" and period and int(period[:4]) in plan else rec.kind
            rec = rec.model_copy(update={"period": period, "kind": kind})
            if any(same_figure(rec, r) for r in result.records):
                continue
            self._ground(rec, doc, norm, section, (rec.start, rec.end), result, version=RULES_VERSION)

    def _structure(self, kind, doc, norm, section, s0, text, result: SectionResult) -> None:
        from .project_items import section_projects
        from .structure_items import section_items
        from .task_items import section_tasks

        heading_end = norm.from_original(section.start, section.heading_end)[1] - s0
        readers = {"project": section_projects, "task": section_tasks}
        read = readers.get(kind) or (lambda *a: section_items(kind, *a))
        for item in read(text, max(0, heading_end), section.path, doc):
            span = norm.to_original(s0 + item.start, s0 + item.end)
            evidence = norm.original[span.start : span.end]
            text_field = evidence
            if item.text_span:  # a project's name inside its clause
                named = norm.to_original(s0 + item.text_span[0], s0 + item.text_span[1])
                text_field = norm.original[named.start : named.end]
            if item.name_suffix:  # a list item's name completed by the kind its list names
                tail = norm.to_original(s0 + item.name_suffix[0], s0 + item.name_suffix[1])
                text_field += norm.original[tail.start : tail.end]
            rec = RECORD_TYPES[kind](**{TEXT_FIELD[kind]: text_field, **item.fields}, evidence=evidence)
            self._ground(rec, doc, norm, section, (span.start, span.end), result, version=RULES_VERSION)

    def _llm_batch(self, kind, doc, norm, section, n0, n1, result: SectionResult) -> None:
        from .grounding import ground_record  # noqa: F401  (imported for its side-effect free check)

        window = norm.text[n0:n1]
        hint_span = norm.to_original(n0, n1)
        name = f"extract_{kind}" if kind in KINDS else "extract_custom"
        prompt = self.prompts[name]
        values = {"text": norm.simplified[n0:n1], "doc_title": doc.title or doc.doc_id, "section": section.path_str or "(无)"}
        if name == "extract_custom":
            values["schema_name"] = self.custom_schema.__name__ if self.custom_schema else "Record"
        messages = prompt.render(**values)
        list_model = DRAFT_LISTS.get(kind) or custom_list_model(self.custom_schema)  # type: ignore[arg-type]
        failed: list[tuple[BaseModel, str]] = []
        drafts = self._ask(list_model, messages, prompt.version, result)
        if kind == "problem":
            # A 1.5B model calls any sentence it is shown a problem; one that words no difficulty is
            # dropped outright (re-asking the same model whether it is a problem does not help).
            from .candidates import states_difficulty

            for d in [d for d in drafts if not states_difficulty(getattr(d, "evidence", ""))]:
                result.dropped.append({"reason": "evidence words no difficulty", "record": d.model_dump()})
            drafts = [d for d in drafts if states_difficulty(getattr(d, "evidence", ""))]
        for d in drafts:
            reason = self._try(kind, d, doc, norm, section, hint_span, result, prompt.version)
            if reason:
                failed.append((d, reason))
        if not failed:
            return
        # One re-ask with the reasons, then the survivors are dropped and counted, never emitted.
        feedback = "以下记录未通过核对，请只重新输出这些记录的更正版本（evidence 必须逐字来自原文，数字必须出现在 evidence 中）：\n" + "\n".join(
            f"- {d.model_dump_json()} 原因：{r}" for d, r in failed
        ) + f"\n原文：\n{window}"
        retry = self._ask(list_model, messages + [{"role": "user", "content": feedback}], prompt.version + "+retry", result)
        accepted = {d.model_dump_json() for d in drafts} - {d.model_dump_json() for d, _ in failed}
        # A record the re-ask merely repeats from the first answer corrects nothing.
        corrected = [d for d in retry if not self._try(kind, d, doc, norm, section, hint_span, result, prompt.version)
                     and d.model_dump_json() not in accepted]
        # Every failed record is either corrected by the re-ask or dropped and counted once, also
        # when the model leaves it out of its answer (a failed re-sent version is the same record).
        for d, r in _not_corrected(failed, corrected):
            result.dropped.append({"reason": r, "record": d.model_dump()})

    def _ask(self, list_model, messages, version, result: SectionResult) -> list[BaseModel]:
        try:
            obj, usage = self.llm.structured(list_model, messages, template_version=version)
        except LLMOutputError as exc:
            # A junk answer after every retry loses this batch only; the run goes on and reports it.
            result.dropped.append({"reason": f"model output invalid: {exc.message}", "record": None})
            return []
        result.calls += 1
        result.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
        result.completion_tokens += getattr(usage, "completion_tokens", 0) or 0
        result.seconds += getattr(usage, "wall_time", 0.0) or 0.0
        return list(getattr(obj, "items", []))

    def _try(self, kind, draft, doc, norm, section, hint_span, result, version) -> str | None:
        try:
            rec = draft_to_record(kind, draft)
        except ValueError as exc:
            return f"invalid record: {exc}"
        return self._ground(rec, doc, norm, section, (hint_span.start, hint_span.end), result, version=version)

    def _ground(self, rec, doc, norm, section, hint, result: SectionResult, *, version: str) -> str | None:
        from .grounding import ground_record

        grounded, reason = ground_record(rec, norm.original, norm, doc_id=doc.doc_id, source=doc.source,
                                         section=section.path_str, hint=hint)
        if grounded is None:
            return reason or "not grounded"
        if "prompt_version" in type(grounded).model_fields:
            grounded = grounded.model_copy(update={"prompt_version": version})
        result.records.append(grounded)
        return None


def _key(r: BaseModel) -> tuple:
    d = r.model_dump()
    return tuple(d.get(k) for k in ("record_type", "metric", "name", "problem", "task", "value", "period", "kind"))


def _dedupe(records: list[Grounded]) -> list[Grounded]:
    """Same record stated by overlapping spans (rules and LLM, or two windows) is kept once."""
    out: list[Grounded] = []
    for r in records:
        dup = False
        for o in out:
            if _key(o) == _key(r) and getattr(o, "start", -1) < getattr(r, "end", -1) and getattr(r, "start", -1) < getattr(o, "end", -1):
                dup = True
                break
        if not dup:
            out.append(r)
    return out


__all__ = ["SectionExtractor", "SectionResult", "KINDS", "BACKENDS", "EXTRACTION_BACKENDS", "ExtractionBackend",
           "register_backend", "resolve_backend", "needs_llm", "DRAFT_LISTS", "RECORD_TYPES", "custom_list_model"]
