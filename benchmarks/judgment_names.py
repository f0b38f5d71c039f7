"""People, places and numbers for ``benchmarks/deid_judgments.py``'s judgments.

Given names are drawn from the ``PER`` spans of MSRA's *training* set (never its test set),
split into surname and given name with the engine's surname table, so they vary as real
ones do; surnames are drawn with the frequency of the distinct names there.  Parties are
written as published judgments write them: masked (张某, 张某某, 张某甲, 张某1, 王XX, 李**,
刘×), in full, as ordinary words (汪洋, 高明), or as minority names with a middle dot.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from deid.surnames import surname_length

TRAIN = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "ner" / "train" / "msra_train.jsonl"
)
# Names that are also ordinary words: the dictionary says they are no names.
WORD_NAMES = (
    "汪洋 高明 平安 文静 江山 高峰 白云 方圆 常青 向前 安宁 于洋 石磊 金山 林海 龙飞 "
    "万里 明亮 成功 田园 高原 海洋 江河 黎明 夏天 马力 丁香 宁静 严肃 周到 温和"
).split()
# Uyghur and Kazakh name parts, and the middle dots courts type (·, ‧, •, ・).
MINORITY_PARTS = (
    "买买提 艾力 阿不都 热合曼 古丽 努尔 艾买提 吐尔逊 阿依古丽 依明 麦麦提 热依拉 帕提古丽 "
    "玉素甫 吾斯曼 阿布力孜 阿力木 库尔班 沙吾提 米吉提 吐尔洪 阿迪力 巴哈古丽 哈斯木 "
    "努尔兰 叶尔兰 别克 阿合买提 加娜尔 赛力克"
).split()
DOTS = "··‧•・"
# Tibetan and Mongolian names, written without a dot and without a Chinese surname.
PLAIN_MINORITY = (
    "次仁卓玛 扎西多吉 格桑央金 索朗次仁 旦增平措 达瓦卓嘎 白玛曲珍 巴特尔 其木格 "
    "乌云其其格 阿拉坦仓 额尔敦 斯琴高娃 朝鲁门 娜仁花 苏和巴特尔"
).split()
KIN = ("父亲", "母亲", "哥哥", "姐姐", "妻子", "丈夫", "儿子", "女儿", "叔叔", "表弟")
NICKNAMES = ("黑子", "老三", "阿龙", "小胖", "光头", "二毛", "小军", "大头", "猴子", "阿强")
ORDINALS = "甲乙丙丁"
CN_DIGITS = "〇一二三四五六七八九"


@cache
def msra_names() -> tuple[list[str], list[str]]:
    """Surnames (one per distinct name, so frequent surnames come up often) and distinct
    given names of one or two characters, from MSRA's training ``PER`` spans."""
    names: set[str] = set()
    with TRAIN.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for start, end, label in record["spans"]:
                name = record["text"][start:end]
                if label == "PER" and all("\u4e00" <= c <= "\u9fa5" for c in name):
                    names.add(name)
    surnames, given = [], set()
    for name in sorted(names):
        length = surname_length(name, 0)
        if length and 1 <= len(name) - length <= 2 and "某" not in name:
            surnames.append(name[:length])
            given.add(name[length:])
    return surnames, sorted(given)


@dataclass
class Person:
    """One person of a judgment: written ``first`` on first mention, ``later`` after."""

    first: str
    later: str
    role: str
    form: str


class People:
    """Draws the people of one judgment: no two share a surname unless masked with an
    ordinal (张某甲, 张某乙), so back references are unambiguous."""

    def __init__(self, rng: random.Random, style: str) -> None:
        self.rng = rng
        self.style = style  # full, mou, middle, ordinal, number, symbol
        self.used: set[str] = set()
        self.ordinal_surname = ""
        self.ordinal_count = 0

    def surname(self) -> str:
        surnames, _ = msra_names()
        for _ in range(50):
            surname = self.rng.choice(surnames)
            if surname not in self.used:
                break
        self.used.add(surname)
        return surname

    def full(self, role: str) -> Person:
        """A full name: mostly MSRA surname + given name, sometimes a word or minority name."""
        roll = self.rng.random()
        if roll < 0.08:
            name = self.rng.choice(WORD_NAMES)
            self.used.add(name[0])
            return Person(name, name, role, "word")
        if roll < 0.10:
            name = self.rng.choice(PLAIN_MINORITY)
            return Person(name, name, role, "minority_plain")
        if roll < 0.13:
            parts = self.rng.sample(MINORITY_PARTS, 2)
            name = self.rng.choice(DOTS).join(parts)
            return Person(name, name, role, "minority")
        _, given = msra_names()
        name = self.surname() + self.rng.choice(given)
        return Person(name, name, role, "full")

    def party(self, role: str, style: str | None = None) -> Person:
        """A party in this judgment's style: full, or masked (张某某 → 张某 later)."""
        style = style or self.style
        if style == "full":
            return self.full(role)
        if style == "ordinal":
            if not self.ordinal_surname or self.ordinal_count >= len(ORDINALS):
                self.ordinal_surname, self.ordinal_count = self.surname(), 0
            name = self.ordinal_surname + "某" + ORDINALS[self.ordinal_count]
            self.ordinal_count += 1
            return Person(name, name, role, "masked_mou")
        surname = self.surname()
        if style == "middle":  # 王某平: the first character of the given name masked
            _, given = msra_names()
            name = surname + "某" + self.rng.choice(given)[-1]
            return Person(name, name, role, "masked_middle")
        if style == "number":
            name = f"{surname}某{self.rng.randint(1, 3)}"
            return Person(name, name, role, "masked_mou")
        if style == "symbol":
            mask = self.rng.choice(("XX", "**", "×", "××", "*", "ＸＸ"))
            return Person(surname + mask, surname + mask, role, "masked_symbol")
        name = surname + self.rng.choice(("某", "某某", "某某"))
        later = surname + "某" if name.endswith("某某") and self.rng.random() < 0.3 else name
        return Person(name, later, role, "masked_mou")


def case_number(rng: random.Random, court_code: str, kind: str) -> str:
    return f"（{rng.randint(2014, 2023)}）{court_code}{kind}{rng.randint(1, 2999)}号"


def chinese_date(rng: random.Random) -> str:
    """二〇二一年六月十八日"""
    year = "".join(CN_DIGITS[int(d)] for d in str(rng.randint(2014, 2023)))
    return f"{year}年{chinese_number(rng.randint(1, 12))}月{chinese_number(rng.randint(1, 30))}日"


def chinese_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    if not tens:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def date(rng: random.Random) -> str:
    return f"{rng.randint(2013, 2023)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


def amount(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:
        return f"{rng.randint(500, 500000)}元"
    if roll < 0.8:
        return f"{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}元"
    return f"{chinese_number(rng.randint(1, 99))}万元"
