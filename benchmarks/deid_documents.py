"""De-identification of whole documents: synthetic judgments and penalty notices.

Each generated document names its people masked (张某甲, 王XX, 李**, 刘*, 王××, full-width
王ＸＸ) or in full, refers back to them (黄某 after 黄某某, 被告人王 after 王某某), carries
the identifiers of a case file (resident IDs, one with a wrong check digit, VINs, engine,
social security card, medical record, QQ and WeChat numbers) and what must stay: the case
number, document numbers, dates and amounts.  Scored as ``benchmarks/deid.py`` scores its
sentences: a gold span is found when one finding of its type covers it.

    .venv/bin/python benchmarks/deid_documents.py [--documents 200]

The last line printed is one JSON object: PERSON recall (masked, full, back references),
recall per identifier type, findings touching what must stay, the share of people written
with one pseudonym throughout their document, and characters per CPU second.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # per-core figures: one thread, one process

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deid import Finding, Policy, analyze_batch, anonymize, checksums  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "建国丽华志强秀英海燕玉兰文斌晓东春梅红霞明辉德胜桂芳永刚淑珍国平凤英"
MASKS = ("某某", "某甲", "某乙", "XX", "**", "*", "××", "ＸＸ", "＊＊")
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@dataclass
class Document:
    """Text written part by part, with gold spans and spans that must stay untouched."""

    parts: list[str] = field(default_factory=list)
    gold: list[tuple[str, int, int, str]] = field(default_factory=list)  # type, span, person
    untouched: list[tuple[int, int]] = field(default_factory=list)

    @property
    def length(self) -> int:
        return sum(map(len, self.parts))

    def add(self, text: str, kind: str | None = None, person: str = "") -> None:
        start = self.length
        self.parts.append(text)
        if kind == "STAY":
            self.untouched.append((start, start + len(text)))
        elif kind:
            self.gold.append((kind, start, start + len(text), person))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _resident_id(rng: random.Random, wrong_check: bool) -> str:
    body = rng.choice(["340104", "340111", "341202", "320102"]) + f"{rng.randint(1950, 2004)}"
    body += f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{_digits(rng, 3)}"
    right = checksums.resident_id_check_char(body)
    if not wrong_check:
        return body + right
    return body + rng.choice([c for c in "0123456789" if c != right])


def _vin(rng: random.Random) -> str:
    while True:
        body = rng.choice(["LSV", "LFV", "LGB", "LVS", "LHG"]) + "".join(
            rng.choice(VIN_ALPHABET) for _ in range(14)
        )
        vin = body[:8] + checksums.vin_check_char(body[:8] + "0" + body[9:]) + body[9:]
        if checksums.is_vin(vin):
            return vin


def _person(rng: random.Random, masked: bool) -> tuple[str, str]:
    """A name and its back reference (黄某 for 黄某某, 王 for 王XX, the name for 王建国)."""
    surname = rng.choice(SURNAMES)
    if masked:
        mask = rng.choice(MASKS)
        return surname + mask, surname + "某" if mask.startswith("某") else surname
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
    return surname + given, surname + given


def _header(doc: Document, rng: random.Random) -> None:
    doc.add("安徽省合肥市蜀山区人民法院\n刑事判决书\n")
    doc.add(f"（{rng.randint(2015, 2023)}）皖0104刑初{rng.randint(1, 999)}号", "STAY")
    doc.add("\n公诉机关合肥市蜀山区人民检察院。\n")


def _defendant(doc: Document, rng: random.Random, name: str, reference: str) -> None:
    doc.add("被告人")
    doc.add(name, "PERSON", name)
    doc.add(f"，{rng.choice('男女')}，{rng.randint(1960, 2000)}年出生，汉族，公民身份号码")
    doc.add(_resident_id(rng, rng.random() < 0.2), "CN_RESIDENT_ID")
    doc.add("，社会保障卡号")
    doc.add(f"{rng.choice('ABCDEFGH')}{_digits(rng, 8)}", "CN_SOCIAL_SECURITY")
    doc.add("，QQ号：")
    doc.add(str(rng.randint(10000, 2999999999)), "CN_QQ")
    doc.add("，微信号")
    doc.add(rng.choice(["wx_", "zh", "li-"]) + _digits(rng, 6), "CN_WECHAT")
    doc.add("。\n")


def _facts(doc: Document, rng: random.Random, people: list[tuple[str, str]]) -> None:
    (first, first_ref), (second, _) = people[0], people[1]
    doc.add("经审理查明：")
    doc.add(f"{rng.randint(2015, 2023)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日", "STAY")
    doc.add("，被告人")
    doc.add(first_ref, "PERSON", first)
    doc.add("驾驶车架号为")
    doc.add(_vin(rng), "CN_VIN")
    doc.add("、发动机号为")
    doc.add(f"{rng.choice(['CFB', 'G4FC', 'EA'])}{_digits(rng, 6)}", "CN_ENGINE_NUMBER")
    doc.add("的小型轿车，与")
    doc.add(second, "PERSON", second)
    doc.add("发生争执，致其受伤，住院号：")
    doc.add(f"ZY{_digits(rng, 8)}", "CN_MEDICAL_RECORD")
    doc.add("，花去医疗费")
    doc.add(f"{rng.randint(1000, 99999)}.{_digits(rng, 2)}元", "STAY")
    doc.add("。依据")
    doc.add(f"皖政〔{rng.randint(2015, 2023)}〕{rng.randint(1, 99)}号", "STAY")
    doc.add("文件，被告人")
    doc.add(first_ref, "PERSON", first)
    doc.add("对指控的事实无异议。\n")


def build_document(rng: random.Random) -> Document:
    """One synthetic judgment with two defendants' records and the facts."""
    doc = Document()
    _header(doc, rng)
    people = [_person(rng, rng.random() < 0.7) for _ in range(2)]
    while people[1][1][0] == people[0][1][0]:  # two people, two surnames: references are clear
        people[1] = _person(rng, rng.random() < 0.7)
    for name, reference in people:
        _defendant(doc, rng, name, reference)
    _facts(doc, rng, people)
    doc.add("本院认为，被告人的行为已构成故意伤害罪。")
    return doc


def _covered(findings: list[Finding], kind: str, start: int, end: int) -> bool:
    return any(f.entity_type == kind and f.start <= start and end <= f.end for f in findings)


def score(documents: list[Document], found: list[list[Finding]]) -> dict[str, object]:
    """Recall per type (PERSON split into masked, full and back references), and the
    findings touching a span that must stay."""
    hits: dict[str, list[bool]] = {}
    touched = 0
    for doc, findings in zip(documents, found, strict=True):
        text = doc.text
        for kind, start, end, person in doc.gold:
            key = kind
            if kind == "PERSON":
                span = text[start:end]
                key = "PERSON_reference" if span != person else "PERSON_named"
            hits.setdefault(key, []).append(_covered(findings, kind, start, end))
        touched += sum(1 for f in findings for s, e in doc.untouched if f.start < e and s < f.end)
    recall = {key: round(sum(v) / len(v), 4) for key, v in sorted(hits.items())}
    persons = hits["PERSON_named"] + hits.get("PERSON_reference", [])
    return {
        "person_recall": round(sum(persons) / len(persons), 4),
        "recall": recall,
        "untouched_violations": touched,
    }


def pseudonym_consistency(documents: list[Document], found: list[list[Finding]]) -> float:
    """Share of people whose every gold occurrence is written as one pseudonym."""
    consistent = total = 0
    policy = Policy(default="pseudonym", key=b"benchmark-key-0123456789")
    for doc, findings in zip(documents, found, strict=True):
        redaction = anonymize(doc.text, findings, policy)
        written: dict[str, set[str]] = {}
        for kind, start, end, person in doc.gold:
            if kind == "PERSON":
                spans = [
                    redaction.text[op.new_start : op.new_end]
                    for op in redaction.operations
                    if op.start <= start and end <= op.end
                ]
                written.setdefault(person, set()).add(spans[0] if spans else doc.text[start:end])
        total += len(written)
        consistent += sum(len(forms) == 1 for forms in written.values())
    return round(consistent / total, 4)


def main() -> None:
    """Build, analyse, score; print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(20261203)
    documents = [build_document(rng) for _ in range(args.documents)]
    texts = [doc.text for doc in documents]
    analyze_batch(texts[:5])
    started = time.process_time()
    found = analyze_batch(texts)
    seconds = time.process_time() - started
    result = score(documents, found)
    result["pseudonym_consistency"] = pseudonym_consistency(documents, found)
    result["documents"] = len(documents)
    result["chars_per_s"] = round(sum(map(len, texts)) / seconds)
    result["load"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
