"""Canonical metric vocabulary.

Reports name the same indicator many ways (``GDP``, ``生产总值``, ``镇域生产总值``,
``地区生产总值(GDP)``).  Records carry both the name as printed
(``metric_raw``) and the canonical name from this table (``metric``) so that
figures from different reports can be compared.  Users extend the table with
a JSON or YAML file mapping canonical names to lists of variants.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from llm_extract.core.errors import ConfigError
from llm_extract.text.numerals import fold

__all__ = ["CANONICAL_METRICS", "COUNT_METRICS", "INDUSTRY_SECTIONS", "MetricIndex", "canonical_metric", "load_vocab",
           "default_index", "SCOPE_WORDS"]

CANONICAL_METRICS: dict[str, list[str]] = {
    "地区生产总值": [
        "GDP", "生产总值", "国内生产总值", "地区生产总值(GDP)", "全镇生产总值", "镇域生产总值", "乡域生产总值",
        "县域生产总值", "区域生产总值", "地方生产总值", "全乡生产总值", "地区生产总值",
        "经济总量", "地区经济总量",  # the genre's synonym: 经济总量突破X亿元
    ],
    "人均地区生产总值": ["人均GDP", "人均生产总值", "人均国内生产总值", "人均地区生产总值"],
    "一般公共预算收入": [
        "一般预算收入", "地方一般公共预算收入", "公共财政预算收入", "地方公共财政预算收入", "财政一般预算收入",
        "地方财政一般预算收入", "一般公共财政预算收入", "地方一般预算收入",
    ],
    "财政收入": ["财政总收入", "全口径财政收入", "地方财政收入", "财政收入总额", "财政收入"],
    "一般公共预算支出": ["一般预算支出", "公共财政预算支出", "财政支出", "财政总支出", "一般公共财政预算支出", "公共预算支出"],
    "固定资产投资": [
        "社会固定资产投资", "全社会固定资产投资", "固定资产投资总额", "固定资产投入", "全社会固定资产投入",
        "城镇固定资产投资", "固定资产投资额",
    ],
    "规模以上工业增加值": ["规上工业增加值", "规模工业增加值", "规模以上企业工业增加值"],
    "规模以上工业总产值": [
        "规模以上企业工业总产值", "规上工业总产值", "规模以上工业产值", "规模工业总产值", "规模工业产值",
        "规模以上工业企业总产值",
    ],
    "工业总产值": ["工业产值", "全部工业总产值"],
    "工业增加值": ["全部工业增加值"],
    "建筑业总产值": ["建筑业产值"],
    "建筑业增加值": [],
    "轻工业增加值": ["轻工业企业增加值"],
    "重工业增加值": ["重工业企业增加值"],
    "工农业总产值": ["工农业总产值"],
    "农业总产值": ["农林牧渔业总产值", "农林牧渔总产值", "农业产值", "农、林、牧、渔业总产值"],
    "第一产业增加值": ["一产增加值", "农业增加值"],
    "第二产业增加值": ["二产增加值"],
    "第三产业增加值": ["三产增加值", "服务业增加值", "第三产业产值"],
    "社会消费品零售总额": ["社零总额", "社会消费品零售额", "社会商品零售总额", "全社会消费品零售总额"],
    "城镇居民人均消费支出": ["城市居民人均消费支出", "城镇居民人均生活消费支出", "城镇居民人均消费性支出"],
    "居民人均消费支出": ["全体居民人均消费支出", "居民人均生活消费支出", "居民人均消费性支出"],
    "农村居民人均消费支出": ["农民人均生活消费支出", "农民人均消费支出", "农村居民人均消费性支出",
                     "农村居民人均生活消费支出"],
    "零售业零售额": ["零售行业零售额"],
    "金融机构贷款余额": ["各项贷款余额", "全部贷款余额", "金融机构各项贷款余额"],
    "保险赔付支出": ["赔付支出", "各类赔付支出", "赔款及给付", "赔款支出及给付", "赔款支出及给付额", "各类赔款及给付", "理赔及给付支出", "各类理赔及给付支出",
               "赔款及给付支出", "各类保险赔款及给付", "各项赔款及给付", "各项赔款及给付额", "保险赔款及给付", "原保险赔付支出",
               "赔款支出与给付", "赔款支出", "各项赔款和给付支出", "各类赔款和给付支出", "赔款和给付支出",
               "各类赔款和给付总额", "各项赔款和给付总额"],
    "财产险赔付支出": ["财产保险赔款及给付支出", "财产保险赔款及给付", "财产险赔款支出"],
    "人身险赔付支出": ["人身保险赔款及给付支出", "人身保险赔款及给付", "人身险赔款支出"],
    "保费收入": ["保险公司保费收入", "保险公司全部保费收入", "保险机构各项保费收入", "各项保费收入", "保险机构保费收入"],
    "财产险保费收入": ["财产保险保费收入", "财产险原保险保费收入", "财产保险原保险保费收入"],
    "人身险保费收入": ["人身保险保费收入", "人身险原保险保费收入", "人身保险原保险保费收入"],
    # the premiums of the kinds of personal insurance, named as the statistics group them (X险收入)
    "人寿保险收入": ["寿险保费收入", "人寿保险保费收入", "人寿险保费收入", "人寿保险原保险保费收入", "寿险原保险保费收入"],
    "健康险收入": ["健康险保费收入", "健康保险保费收入", "健康保险原保险保费收入", "健康险原保险保费收入"],
    "人身意外伤害险收入": ["意外伤害保费收入", "意外伤害险保费收入", "人身意外伤害险保费收入", "人身意外险原保险保费收入",
                  "意外险保费收入", "人身意外伤害保险保费收入"],
    "住户存款余额": ["住户存款"],
    # the balances by currency, named as the statistics print them most (金融机构人民币各项存款余额)
    "金融机构人民币各项存款余额": ["金融机构各项人民币存款余额", "人民币各项存款余额", "各项人民币存款余额"],
    "金融机构人民币各项贷款余额": ["金融机构各项人民币贷款余额", "人民币各项贷款余额", "各项人民币贷款余额"],
    "金融机构本外币各项存款余额": ["本外币各项存款余额", "金融机构各项本外币存款余额"],
    "金融机构本外币各项贷款余额": ["本外币各项贷款余额", "金融机构各项本外币贷款余额"],
    "农民人均纯收入": ["农村居民人均纯收入", "农民人均收入", "农民年人均纯收入"],
    "农村居民人均可支配收入": ["农民人均可支配收入", "农村居民收入", "农村居民人均收入"],
    "城镇居民人均可支配收入": ["城镇居民可支配收入", "城镇居民人均收入", "城镇居民收入"],
    "居民人均可支配收入": ["全体居民人均可支配收入"],
    "税收收入": ["税收总收入", "税收总额", "税收"],
    "非税收入": ["非税收入总额"],
    "结算财力": ["结算财力"],
    "可用财力": ["可支配财力"],
    "招商引资": ["招商引资额", "招商引资到位资金", "引进内资", "引进资金", "招商引资总额", "引进到位资金"],
    "实际利用外资": ["实际使用外资", "实际使用外商直接投资", "实际利用外商直接投资", "实际到位外资", "到位外资", "到位注册外资", "利用外资", "实际利用外资总额",
               "实际利用外资金额", "实际使用外资金额", "使用外资"],
    "实际利用内资": ["实际使用内资", "实际到位内资", "利用内资"],
    "合同利用外资": ["协议注册外资", "合同外资", "协议利用外资"],
    "外贸出口": ["出口总额", "自营出口", "出口创汇", "外贸出口总额", "外贸出口额"],
    "进出口总额": ["外贸进出口总额", "外贸进出口", "进出口额", "进出口总值", "货物贸易进出口总额", "货物进出口总额", "货物进出口总值", "外贸进出口总值",
              "进出口贸易总额", "货物贸易"],
    "工商两业销售": [
        "工商两业纳税销售", "工商两业纳税营销", "工商两业营销", "工商两业销售收入", "纳税销售", "纳税营销",
        "两业销售",
    ],
    "粮食总产量": ["粮食产量", "粮食总产"],
    "村集体经济收入": ["村级集体经济收入", "村集体收入", "集体经济收入", "村级集体收入", "村级经济收入"],
    "城镇化率": ["城镇化水平", "城市化率"],
    "新增就业": ["城镇新增就业", "新增就业岗位", "新增就业人数", "新增城镇就业"],
    "旅游总收入": ["旅游收入", "旅游综合收入", "国内外旅游总收入"],
    "旅游总花费": ["游客总花费", "游客旅游总花费", "国内外游客总花费", "接待游客总花费"],
    "国内旅游总花费": ["出游总花费", "国内出游总花费"],  # residents' trips: the 国内旅游 statistic
    "餐饮收入": ["餐饮零售额", "餐饮消费额"],
    "邮政业务总量": [],
    "邮政行业业务总量": [],  # named as printed: the two names are not merged in the statistics
    "国内游客总花费": ["国内游客旅游花费"],
    "入境游客总花费": ["入境游客旅游花费"],
    "接待游客": ["游客接待量", "接待游客人次", "接待旅游人数"],
    "金融机构存款余额": ["存款余额", "各项存款余额"],
    # the breakdowns of fixed-asset investment the statistics print (by construction nature, by composition,
    # by ownership): named with 项目/工程/企业, words that otherwise make a phrase one project's or firm's
    "项目投资": [],
    "建设项目投资": [],
    "新建项目投资": [],
    "扩建项目投资": [],
    "改建和技术改造投资": [],
    "建筑安装工程投资": ["建安工程投资"],
    "设备工器具购置投资": [],
    "民生工程投资": [],
    "国有控股企业投资": [],
    # online retail of the units above the threshold (实现 is part of the statistics' name)
    "通过公共网络实现的零售额": ["通过公共网络实现零售额", "限额以上单位通过公共网络实现的零售额",
                       "限额以上单位通过公共网络实现零售额"],
    "原保险保费收入": ["保险业原保险保费收入"],
    "商品零售额": ["商品零售"],
    "商品房销售额": ["商品房屋销售额"],
    "非金融企业存款余额": ["非金融企业存款"],
    "城镇消费品零售额": ["城镇社会消费品零售总额", "城镇社会消费品零售额", "城镇消费品零售总额"],
    "乡村消费品零售额": ["乡村社会消费品零售总额", "乡村社会消费品零售额", "乡村消费品零售总额"],
    # the expenditure functions of the budget, named as the budget classification prints them
    "农林水支出": ["农林水事务支出"],
    "城乡社区支出": ["城乡社区事务支出"],
    "建筑工程产值": [],
}

# Canonical names that count people: known, so questions about them are understood, but not
# indicators (counts of people are no economic aggregate); a user's vocabulary may still add others.
COUNT_METRICS = ("新增就业", "接待游客")
# The sections (门类) of the national industry classification, and the farm-service class statistics print
# beside them: whole names, although they hold 、, 和 and 及 (the value added of one section is one metric).
INDUSTRY_SECTIONS = (
    "农、林、牧、渔业", "农林牧渔业", "采矿业", "制造业", "电力、热力、燃气及水生产和供应业", "建筑业", "批发和零售业",
    "交通运输、仓储和邮政业", "住宿和餐饮业", "信息传输、软件和信息技术服务业", "金融业", "房地产业", "租赁和商务服务业",
    "科学研究和技术服务业", "水利、环境和公共设施管理业", "居民服务、修理和其他服务业", "卫生和社会工作",
    "文化、体育和娱乐业", "公共管理、社会保障和社会组织", "农林牧渔专业及辅助性活动",
)

# Words that widen a metric to a place or a period without changing what it
# measures: 全镇生产总值 is 地区生产总值, 工业纳税销售 is not 工商两业销售.
SCOPE_WORDS = (
    "全镇", "全乡", "全县", "全区", "全市", "全州", "全盟", "全旗", "全省", "全区域", "镇域", "乡域", "县域", "市域",
    "我镇", "我乡", "我县", "我区", "我市", "我省", "全社会", "全口径", "全年",
    "年度", "本级", "镇级", "当年", "今年", "全体", "累计", "全部", "地方", "全地区", "区本级", "县本级", "市本级",
    "自治州", "自治县", "自治旗", "自治区",
)
_LEAD_WORDS = ("其中", "预计", "完成", "实现", "达到", "累计", "共计", "计划", "力争", "确保", "全年", "今年")
_YEAR_PREFIX_RE = re.compile(r"^(?:(?:19|20)\d\d年(?:度)?|(?:19|20)\d\d[-—~至](?:19|20)\d\d年)")
_PAREN_RE = re.compile(r"[(（][^()（）]{0,20}[)）]")


def _key(name: str) -> str:
    """Matching key: folded, parentheticals dropped, spaces dropped, ASCII upper-cased, and 常住居民 read
    as 居民 (statistics say 城镇常住居民/农村常住居民 for the same series since 2013)."""
    s = _PAREN_RE.sub("", fold(name))
    return re.sub(r"\s+", "", s).upper().replace("常住居民", "居民")


def _strip_leading(name: str) -> str:
    """Drop years and verbs/scope words that open a printed metric name (``2013年全镇完成``)."""
    s = name.strip()
    changed = True
    while changed and s:
        changed = False
        m = _YEAR_PREFIX_RE.match(s)
        if m:
            s, changed = s[m.end() :].lstrip(" ,，、"), True
        for w in _LEAD_WORDS + ("全镇", "全乡", "全县", "全区", "全市"):
            if s.startswith(w) and len(s) > len(w):
                s, changed = s[len(w) :], True
    return s


@dataclass
class MetricIndex:
    """Lookup structure over a vocabulary: key -> canonical, longest keys first."""

    vocab: dict[str, list[str]]

    def __post_init__(self) -> None:
        self.by_key: dict[str, str] = {}
        for canon, variants in self.vocab.items():
            for name in [canon, *variants]:
                k = _key(name)
                if k:
                    self.by_key.setdefault(k, canon)
        self.keys = sorted(self.by_key, key=len, reverse=True)
        # A printed name may carry 常住 before 居民 (see _key).
        self.pattern = re.compile("|".join(re.escape(k).replace("居民", "(?:常住)?居民") for k in self.keys),
                                  re.IGNORECASE)

    def lookup(self, raw: str) -> str | None:
        """Canonical name when ``raw`` is a known variant, possibly widened by scope words; else None."""
        key = _key(raw)
        if key in self.by_key:
            return self.by_key[key]
        stripped = _key(_strip_leading(raw))
        if stripped in self.by_key:
            return self.by_key[stripped]
        for k in self.keys:
            if len(k) < 2 or not stripped.endswith(k):
                continue
            rest = stripped[: -len(k)]
            while rest:
                for w in SCOPE_WORDS:
                    if rest.endswith(w):
                        rest = rest[: -len(w)]
                        break
                else:
                    break
            if re.fullmatch(r"全[\u4e00-\u9fff]", rest):
                rest = ""  # 全疆, 全闽: the whole of a place named by its one-character short name
            if not rest:
                return self.by_key[k]
        return None

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, canonical)`` for every variant printed in ``text`` (simplified script)."""
        folded = fold(text).upper()
        return [(m.start(), m.end(), self.by_key[_key(m.group(0))]) for m in self.pattern.finditer(folded)]


_DEFAULT: MetricIndex | None = None


def default_index() -> MetricIndex:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = MetricIndex(CANONICAL_METRICS)
    return _DEFAULT


def canonical_metric(raw: str, vocab: dict[str, list[str]] | MetricIndex | None = None) -> str:
    """Canonical name of a printed metric (``镇域生产总值`` -> ``地区生产总值``).

    The longest known variant wins when the rest of the name is only scope
    words (全镇, 全社会 …).  An unknown name comes back stripped of leading
    years, 全镇/全年/完成/实现 and the like, so 2013年全镇人均收入 -> 人均收入.
    Input is expected in simplified characters.
    """
    if isinstance(vocab, MetricIndex):
        index = vocab
    elif vocab is None:
        index = default_index()
    else:
        index = MetricIndex(vocab)
    found = index.lookup(raw)
    if found:
        return found
    return _strip_leading(raw) or raw.strip()


def load_vocab(extra_path: str | Path | None = None) -> dict[str, list[str]]:
    """The built-in vocabulary, extended by a user file when given.

    The file (``.json``, ``.yaml`` or ``.yml``) maps canonical names to a list
    of variants (or a single string).  New canonical names are added; variants
    of existing ones are appended.  Raises ConfigError on unreadable files.
    """
    vocab = {k: list(v) for k, v in CANONICAL_METRICS.items()}
    if not extra_path:
        return vocab
    path = Path(extra_path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read vocabulary file: {exc.strerror}", path=str(path)) from exc
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as exc:  # json and yaml raise unrelated types
        raise ConfigError(f"vocabulary file is not valid {path.suffix or 'JSON'}: {exc}", path=str(path),
                          hint="write a mapping of canonical name to a list of variants") from exc
    if not isinstance(data, dict):
        raise ConfigError("vocabulary file must hold a mapping", path=str(path),
                          hint='e.g. {"地区生产总值": ["GDP", "镇域生产总值"]}')
    for canon, variants in data.items():
        if isinstance(variants, str):
            variants = [variants]
        if variants is None:
            variants = []
        if not isinstance(canon, str) or not isinstance(variants, list) or not all(
            isinstance(v, str) for v in variants
        ):
            raise ConfigError(f"bad vocabulary entry for {canon!r}", path=str(path),
                              hint="each value must be a list of strings")
        merged = vocab.setdefault(canon.strip(), [])
        merged.extend(v.strip() for v in variants if v.strip() and v.strip() not in merged)
    return vocab
