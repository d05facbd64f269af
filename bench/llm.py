"""Benchmark of the embedded LLM: cold start, prompt/generation speed, structured-output validity.

    python bench/llm.py                       # both models, every mode
    python bench/llm.py --models qwen2.5-coder-1.5b --modes json_grammar,tools -n 10
    python bench/llm.py --builds x86-64-v3,native --rounds 3   # portable vs native llama.cpp, same run

For each model it starts the real embedded server (weights assembled and
verified first, not timed), measures the cold start until ``/v1/models``
answers, prompt-processing and generation tokens/s on fresh prompts (distinct
prefixes so llama.cpp's prefix reuse cannot help), peak RSS of the server, and
then asks for a small indicator object from 20 report sentences in each
instructor mode with no re-asks: ``valid`` counts objects that validated on
the first attempt, ``value ok`` those whose number also matches the sentence.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, Field

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import save_json  # noqa: E402

from llm_extract.core.config import Settings  # noqa: E402
from llm_extract.core.errors import LLMError, LLMOutputError  # noqa: E402
from llm_extract.llm.client import MODES, LLMClient  # noqa: E402
from llm_extract.llm.weights import MODELS, ensure_model  # noqa: E402
from llm_extract.llm.server import EmbeddedServer  # noqa: E402


class Indicator(BaseModel):
    """One quantitative indicator stated in a sentence."""

    metric: str = Field(description="指标名称，如 地区生产总值、财政收入")
    period: Optional[str] = Field(description="年份，如 2013；没有则为 null")
    value: Optional[float] = Field(description="数值；占位符（xx、××）为 null")
    unit: Optional[str] = Field(description="单位，如 亿元、万元、%、亩")
    yoy_pct: Optional[float] = Field(description="同比增长百分比，下降为负数；没有则为 null")


# (sentence, expected value) — the value a careful reader takes as the indicator's number.
SENTENCES: list[tuple[str, Optional[float]]] = [
    ("2013年全镇实现地区生产总值12.5亿元，同比增长10.2%。", 12.5),
    ("全年完成财政收入8650万元，比上年增长15.3%。", 8650),
    ("农民人均纯收入达到9820元，增长12%。", 9820),
    ("2012年全县规模以上工业增加值完成45.6亿元，同比下降3.1%。", 45.6),
    ("全社会固定资产投资完成xx亿元，增长xx%。", None),
    ("完成招商引资到位资金3.2亿元。", 3.2),
    ("新增造林面积1.5万亩，森林覆盖率达到62.3%。", 1.5),
    ("城镇居民人均可支配收入21500元，同比增长9.8%。", 21500),
    ("粮食总产量达到12.8万吨，比上年减少2.4%。", 12.8),
    ("全年接待游客156万人次，实现旅游收入4.3亿元。", 156),
    ("社会消费品零售总额完成xxxxx万元，增长x.x%。", None),
    ("2011年地方一般预算收入完成2.38亿元，增長(zhǎng)18.6%。", 2.38),
    ("新增城镇就业人员1200人，城镇登记失业率控制在4%以内。", 1200),
    ("全年外贸进出口总额达到3650万美元，同比增长21%。", 3650),
    ("完成农村公路建设86公里。", 86),
    ("新农合参合率达到98.5%。", 98.5),
    ("全年共发放各类贷款5.6亿元，较年初增加1.2亿元。", 5.6),
    ("实现农业总产值7.9亿元，同比增长4.5%。", 7.9),
    ("2014年计划实现地区生产总值15亿元，增长12%以上。", 15),
    ("全年生猪出栏量达到23万头，同比增长6.7%。", 23),
]

SYSTEM = "你是政府工作报告的信息抽取助手。从用户给出的句子中抽取一个量化指标，只输出JSON。"


def _messages(sentence: str) -> list[dict]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": sentence}]


def peak_rss_mb(pid: int) -> Optional[float]:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def speed(client) -> tuple[float, float]:
    """(prompt tokens/s, generation tokens/s) from fresh prompts."""
    filler = "。".join(f"第{i}项工作：加强基础设施建设，推进产业结构调整，改善民生保障水平" for i in range(20))
    prompt_rates, gen_rates = [], []
    for trial in range(2):
        stamp = f"[{time.time_ns()}-{trial}] "  # distinct prefix defeats KV prefix reuse
        msgs = [{"role": "user", "content": stamp + filler + "。请概括上述工作。"}]
        t0 = time.perf_counter()
        r = client.chat.completions.create(model="m", messages=msgs, max_tokens=1, temperature=0, seed=1)
        prompt_rates.append(r.usage.prompt_tokens / (time.perf_counter() - t0))
        msgs = [{"role": "user", "content": f"[{time.time_ns()}] 用中文写一段关于乡镇经济发展的三百字总结。"}]
        first = last = None
        n = 0
        for chunk in client.chat.completions.create(
            model="m", messages=msgs, max_tokens=160, temperature=0, seed=1, stream=True
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                now = time.perf_counter()
                first = first or now
                last = now
                n += 1
        if n > 1:
            gen_rates.append((n - 1) / (last - first))
    return max(prompt_rates), max(gen_rates)


def validity(settings: Settings, url: str, mode: str, n: int) -> dict:
    s = settings.replace(llm_mode=mode, server_url=url)
    llm = LLMClient(s)
    llm.transport_retries = 0  # a mode the server rejects should fail at once
    valid = value_ok = 0
    errors: list[str] = []
    t0 = time.perf_counter()
    for sentence, expected in SENTENCES[:n]:
        try:
            obj, _ = llm.structured(Indicator, _messages(sentence), template_version="bench", max_retries=0)
        except LLMOutputError as exc:
            errors.append(exc.message[:80])
            continue
        except LLMError as exc:
            return {"mode": mode, "rejected": exc.message[:120]}
        valid += 1
        if (expected is None and obj.value is None) or (
            expected is not None and obj.value is not None and abs(obj.value - expected) < 1e-6
        ):
            value_ok += 1
    used = llm.usage_total()
    return {
        "mode": mode,
        "n": n,
        "valid": valid,
        "value_ok": value_ok,
        "s_per_call": (time.perf_counter() - t0) / n,
        "completion_tokens": used.completion_tokens,
        "errors": errors[:3],
    }


def bench_model(name: str, modes: list[str], n: int, workdir: Path) -> dict:
    settings = Settings(index=workdir / name, embedded_model=name, llm_cache=False)
    ensure_model(settings)
    t0 = time.perf_counter()
    with EmbeddedServer(settings) as server:
        cold = time.perf_counter() - t0
        import openai

        client = openai.OpenAI(base_url=server.url, api_key="bench", max_retries=0, timeout=600)
        pp, tg = speed(client)
        results = [validity(settings, server.url, mode, n) for mode in modes]
        rss = peak_rss_mb(server.model_pid())
    return {"model": name, "cold_start_s": cold, "prompt_tps": pp, "gen_tps": tg, "peak_rss_mb": rss, "modes": results}


def _build_target(profile: str, workdir: Path) -> tuple[Path, dict]:
    """A directory holding llama_cpp built for ``profile`` (wheel from scripts/build_runtime.py's cache)."""
    import subprocess

    script = Path(__file__).resolve().parent.parent / "scripts" / "build_runtime.py"
    cache = Path.home() / ".cache" / "llm-extract" / "llama-wheels"
    wheel = subprocess.run([sys.executable, str(script), "--wheel-only", str(cache), "--profile", profile],
                           capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    target = workdir / f"site-{profile}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), wheel],
                   check=True)
    code = "import llama_cpp, sys; sys.stdout.write(llama_cpp.llama_print_system_info().decode())"
    env = dict(os.environ, PYTHONPATH=str(target))
    info = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    return target, {"profile": profile, "wheel": Path(wheel).name, "system_info": info.strip()}


def bench_builds(profiles: list[str], rounds: int, workdir: Path) -> list[dict]:
    """Prompt and generation tokens/s of the same model on each llama.cpp build, interleaved per round."""
    settings = Settings(index=workdir / "builds", llm_cache=False)
    ensure_model(settings)
    builds = {p: _build_target(p, workdir) for p in profiles}
    rates: dict[str, dict[str, list[float]]] = {p: {"prompt": [], "gen": []} for p in profiles}
    import openai

    for _ in range(rounds):
        for profile, (target, _info) in builds.items():
            os.environ["PYTHONPATH"] = str(target)  # the server child imports this build's llama_cpp
            try:
                with EmbeddedServer(settings) as server:
                    client = openai.OpenAI(base_url=server.url, api_key="bench", max_retries=0, timeout=600)
                    pp, tg = speed(client)
            finally:
                os.environ.pop("PYTHONPATH", None)
            rates[profile]["prompt"].append(pp)
            rates[profile]["gen"].append(tg)
            print(f"{profile}: prompt {pp:.1f} tok/s, generation {tg:.1f} tok/s", file=sys.stderr)
    import statistics

    rows = []
    for profile, (_target, info) in builds.items():
        rows.append({**info, "rounds": rounds,
                     "prompt_tps": statistics.median(rates[profile]["prompt"]),
                     "gen_tps": statistics.median(rates[profile]["gen"])})
    base = rows[0]
    print()
    print(f"{'build':<12} {'prompt tok/s':>12} {'gen tok/s':>10} {'prompt vs first':>16} {'gen vs first':>13}")
    for r in rows:
        print(f"{r['profile']:<12} {r['prompt_tps']:>12.1f} {r['gen_tps']:>10.1f} "
              f"{r['prompt_tps'] / base['prompt_tps']:>16.2f} {r['gen_tps'] / base['gen_tps']:>13.2f}")
    for r in rows:
        print(f"  {r['profile']}: {r['system_info']}")
    return rows


def print_table(rows: list[dict]) -> None:
    print()
    print(f"{'model':<20} {'cold start':>10} {'prompt tok/s':>12} {'gen tok/s':>9} {'peak RSS':>9}")
    for r in rows:
        rss = f"{r['peak_rss_mb']:.0f} MB" if r["peak_rss_mb"] else "?"
        print(f"{r['model']:<20} {r['cold_start_s']:>9.1f}s {r['prompt_tps']:>12.0f} {r['gen_tps']:>9.1f} {rss:>9}")
    print()
    print(f"{'model':<20} {'mode':<13} {'valid':>7} {'value ok':>9} {'s/call':>7}  notes")
    for r in rows:
        for m in r["modes"]:
            if "rejected" in m:
                print(f"{r['model']:<20} {m['mode']:<13} {'-':>7} {'-':>9} {'-':>7}  rejected: {m['rejected']}")
                continue
            note = "; ".join(m["errors"])[:60]
            print(
                f"{r['model']:<20} {m['mode']:<13} {m['valid']:>3}/{m['n']:<3} {m['value_ok']:>5}/{m['n']:<3}"
                f" {m['s_per_call']:>7.1f}  {note}"
            )


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated: " + ", ".join(MODELS))
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES))
    parser.add_argument("-n", type=int, default=len(SENTENCES), help="extraction prompts per mode (max 20)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--builds", help="compare llama.cpp builds instead, e.g. x86-64-v3,native (median of --rounds)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per build for --builds")
    args = parser.parse_args(argv)
    if args.builds:
        with tempfile.TemporaryDirectory(prefix="llm-builds-") as tmp:
            rows = bench_builds([b.strip() for b in args.builds.split(",")], args.rounds, Path(tmp))
        save_json(args.json, rows)
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="llm-bench-") as tmp:
        for name in args.models.split(","):
            rows.append(bench_model(name.strip(), [m.strip() for m in args.modes.split(",")], min(args.n, 20), Path(tmp)))
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
    print_table(rows)
    save_json(args.json, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
