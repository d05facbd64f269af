"""Deterministic synthetic corpora for the scale benchmarks, recombined from the sample corpus.

The five sample reports are chunked once with the real pipeline; their chunks'
*original* text (pinyin glosses, traditional characters, placeholders and all)
is cut into sentences, grouped by the top-level section they came from.  A
synthetic report is then a title line, a publication-date line of site chrome
and five to nine top-level sections, each a renumbered heading from the pool
followed by paragraphs of sentences drawn mostly from that heading's own
section and partly from anywhere.  Figures other than years are replaced by
random numbers with the same number of digits, so two towns never report the
same GDP and BM25 sees realistic, varied numbers.

Document ``i`` depends only on ``(seed, i)``: the 10-document corpus is a
prefix of the 100-document one, which is a prefix of the 1,000-document one.

:func:`synth_chunks` makes chunk-sized texts the same way for the 100,000-chunk
search benchmark, which builds its index without running the pipeline.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "examples" / "corpus"

_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LEADING_NUMERAL = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])\s*")
_CN_NUMERALS = "一二三四五六七八九十"
_PLACE_A = "东西南北新清长永安和兴平丰乐福宁泰华明光红青白金石柳桃梅桂花竹松"
_PLACE_B = "河山湖桥溪塘港口坪岭庄营集店坝湾洲峰林园沟坡"
_SUFFIXES = ("镇", "乡", "街道", "镇", "镇")
_KINDS = ("政府工作报告", "工作总结", "工作计划", "政府工作报告")


@dataclass(frozen=True)
class Pool:
    """Sentences of the sample corpus grouped by top-level section heading."""

    headings: tuple[str, ...]
    by_heading: tuple[tuple[str, ...], ...]
    everything: tuple[str, ...]


@lru_cache(maxsize=4)
def sample_pool(corpus: Path = SAMPLE_CORPUS) -> Pool:
    """Chunk the sample corpus with the real pipeline and pool its sentences."""
    from llm_extract.core.config import Settings
    from llm_extract.text.loading import load_file
    from llm_extract.index.ingest import build_documents

    settings = Settings()
    groups: dict[str, list[str]] = {}
    for path in sorted(Path(corpus).glob("*.txt")):
        raw = load_file(path)
        for _doc, chunks in build_documents(raw.text, str(path), raw.sha256, set(), settings):
            for chunk in chunks:
                top = (chunk.section or "").split(" > ")[0].strip()
                heading = _LEADING_NUMERAL.sub("", top).strip()
                if not heading or len(heading) > 30:
                    heading = "其他工作"
                sentences = [s.strip() for s in _SENTENCE.findall(chunk.text) if len(s.strip()) >= 8]
                bucket = groups.setdefault(heading, [])
                # Chunks overlap, so the same sentence shows up twice; keep one copy.
                bucket.extend(s for s in sentences if s not in bucket)
    groups = {h: s for h, s in groups.items() if len(s) >= 3}
    headings = tuple(sorted(groups))
    everything = tuple(dict.fromkeys(s for h in headings for s in groups[h]))
    return Pool(headings, tuple(tuple(groups[h]) for h in headings), everything)


def _perturb_numbers(text: str, rng: random.Random) -> str:
    def repl(m: re.Match) -> str:
        s = m.group(0)
        if re.fullmatch(r"(19|20)\d\d", s):  # years keep the report's timeline readable
            return s
        return "".join(str(rng.randint(1 if i == 0 else 0, 9)) if ch.isdigit() else ch for i, ch in enumerate(s))

    return _NUMBER.sub(repl, text)


def place_name(rng: random.Random) -> str:
    return rng.choice(_PLACE_A) + rng.choice(_PLACE_B) + rng.choice(_SUFFIXES)


def _paragraph(pool: Pool, h: int, rng: random.Random, n: int) -> str:
    own = pool.by_heading[h]
    picked = [rng.choice(own) if rng.random() < 0.7 else rng.choice(pool.everything) for _ in range(n)]
    return "".join(_perturb_numbers(s, rng) for s in picked)


def synth_document(i: int, seed: int = 7, pool: Pool | None = None) -> str:
    """Text of synthetic report ``i``: same ``(seed, i)``, same text."""
    pool = pool or sample_pool()
    rng = random.Random(seed * 1_000_003 + i)
    year = rng.randint(2008, 2023)
    place = place_name(rng)
    published = f"发布时间：{year + 1}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    lines = [f"{place}{year}年{rng.choice(_KINDS)}", published, ""]
    for s, h in enumerate(rng.sample(range(len(pool.headings)), k=min(len(pool.headings), rng.randint(5, 9)))):
        lines.append(f"{_CN_NUMERALS[s]}、{pool.headings[h]}")
        for _ in range(rng.randint(2, 4)):
            lines.append(_paragraph(pool, h, rng, rng.randint(4, 9)))
    # One report in ten arrives with its line breaks lost, headings inline (like sample 001).
    sep = "" if rng.random() < 0.1 else "\n"
    return sep.join(lines) + "\n"


def write_corpus(dest: Path, n_docs: int, seed: int = 7) -> list[Path]:
    """Write ``n_docs`` synthetic reports as UTF-8 ``.txt`` files under ``dest``."""
    pool = sample_pool()
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n_docs):
        path = dest / f"synth_{i:05d}.txt"
        path.write_text(synth_document(i, seed, pool), encoding="utf-8")
        out.append(path)
    return out


def synth_paragraph(i: int, seed: int = 11, pool: Pool | None = None) -> str:
    """A chunk-sized (~250-400 character) synthetic paragraph, deterministic in ``(seed, i)``."""
    pool = pool or sample_pool()
    rng = random.Random(seed * 1_000_003 + i)
    h = rng.randrange(len(pool.headings))
    text = ""
    while len(text) < 250:
        text += _paragraph(pool, h, rng, 1)
    return text[:400]


def synth_chunks(n: int, bases: list[str], seed: int = 13) -> Iterator[tuple[int, int, str]]:
    """``(base_a, base_b, text)`` for ``n`` chunks recombined from ``bases``.

    Chunk text is the first half of base ``a`` followed by the second half of
    base ``b`` (cut at a sentence end when there is one), numbers re-drawn:
    distinct texts with the term statistics of the corpus.  The caller mixes
    the two bases' vectors to give the chunk an embedding near its content.
    """
    rng = random.Random(seed)
    for _ in range(n):
        a, b = rng.randrange(len(bases)), rng.randrange(len(bases))
        ta, tb = bases[a], bases[b]
        cut_a = _half(ta)
        cut_b = _half(tb)
        yield a, b, _perturb_numbers(ta[:cut_a] + tb[cut_b:], rng)


def _half(text: str) -> int:
    mid = len(text) // 2
    ends = [m.end() for m in re.finditer(r"[。！？；]", text)]
    near = [e for e in ends if 0 < e < len(text)]
    return min(near, key=lambda e: abs(e - mid)) if near else mid


def recombine(n: int, raw: list[str], search: list[str], seed: int = 17) -> Iterator[tuple[int, int, str, str]]:
    """``(a, b, text, search_text)``: first half of base ``a`` + second half of base ``b``.

    ``raw`` are bases as written (traditional characters, glosses), ``search``
    the same bases normalized and simplified; each is cut at its own sentence
    end nearest the middle, so the pair stays aligned without re-normalizing
    100,000 texts.
    """
    rng = random.Random(seed)
    raw_cut = [_half(t) for t in raw]
    search_cut = [_half(t) for t in search]
    for _ in range(n):
        a, b = rng.randrange(len(raw)), rng.randrange(len(raw))
        yield a, b, raw[a][: raw_cut[a]] + raw[b][raw_cut[b] :], search[a][: search_cut[a]] + search[b][search_cut[b] :]


# Queries of the search benchmarks: metric names, phrases and a few long ones, as users type them.
QUERIES = [
    "地区生产总值", "财政收入", "招商引资到位资金", "农民人均纯收入", "新农村建设", "安全生产隐患大排查",
    "固定资产投资", "工业园区", "社会保障", "计划生育", "2008年工作目标", "规模以上工业企业",
    "城镇建设 基础设施", "农业产业化经营", "教育卫生事业", "环境整治", "村级经济", "民生实事",
    "发展速度快 规模进一步做大", "服务型政府建设",
]
