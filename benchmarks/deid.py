"""De-identification benchmark: names on held-out test sets, structured recall on
generated identifiers in real government sentences, and throughput.

Run ``.venv/bin/python benchmarks/deid.py`` from the repository root.  The last line printed is
one JSON object:

* ``person``: ``PERSON`` on ``test/msra_test.jsonl`` (MSRA NER, SIGHAN 2006 official test)
  and ``test/literature_test.jsonl`` for the default profile (``recall_profile.person``:
  the ``recall`` profile): covered recall (every character of the gold name inside some
  finding), precision (findings overlapping a gold name), exact-boundary precision, recall
  and F1; ``worst_misses``: the ten names missed most often, with a sentence each;
* ``chars_per_cpu_s``: characters of msra_test per CPU second of this process, best of
  three runs of ``analyze_batch`` (default profile), each a first reading (no kept outputs);
* ``structured_recall`` and ``boilerplate_false_alarms``: identifiers generated into
  the shipped government document's sentences;
* ``cold_start``: a fresh process from ``import deid`` to its first finding, in CPU and wall
  seconds (the tables ``deid.cache`` keeps in ``var/deid/`` present, as after any first
  run), with the load average beside it;
* ``recall_profile.chars_per_cpu_s``: as ``chars_per_cpu_s``, for the ``recall`` profile.

``../shared/data/ner/test/`` is only read here, to report.  (The People's Daily test set is
retired: most of its sentences are MSRA training sentences.)
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # per-core figures: one thread, one process

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deid import analyze_batch, checksums  # noqa: E402
from deid.engine import forget_kept_outputs  # noqa: E402
from deid.training.corpus import NER_DATA_DIR, read_jsonl  # noqa: E402
from deid.training.evaluate import evaluate_files  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "corpus" / "anhui_agi_action_plan_2023.txt"
SAMPLES_PER_TYPE = 200
Sample = tuple[str, str]  # (label written before the value, value)


def carrier_sentences() -> list[str]:
    """Sentences of the shipped government document, split at full stops."""
    text = CORPUS.read_text(encoding="utf-8")
    parts = [p.strip() for p in re.split(r"(?<=[。;；])|\n", text)]
    return [p for p in parts if 12 <= len(p) <= 200]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _resident_id(rng: random.Random) -> Sample:
    region = rng.choice(["340104", "340111", "341202", "110105", "320102", "440305", "342401"])
    body = f"{region}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += _digits(rng, 3)
    label = rng.choice(["身份证号", "公民身份号码:", "身份证号码为", "(身份证", "证件号码"])
    return label, body + checksums.resident_id_check_char(body)


def _phone(rng: random.Random) -> Sample:
    mobile = rng.choice(["139", "186", "151", "177", "198", "135"]) + _digits(rng, 8)
    forms = [
        mobile,
        f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}",
        f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
        f"0086{mobile}",
        f"0551-6{_digits(rng, 7)}",
        f"(0551)6{_digits(rng, 3)} {_digits(rng, 4)}",
        f"0551-6{_digits(rng, 7)}转8{_digits(rng, 3)}",
        f"010-8{_digits(rng, 7)}",
    ]
    return rng.choice(["联系电话", "手机", "电话:", "联系方式", "座机"]), rng.choice(forms)


def _luhn_complete(body: str) -> str:
    for digit in "0123456789":
        if checksums.luhn_valid(body + digit):
            return body + digit
    raise AssertionError("unreachable: one digit always completes a Luhn number")


def _bank_card(rng: random.Random) -> Sample:
    number = _luhn_complete(
        rng.choice(["622202", "621700", "622848", "623668"]) + _digits(rng, rng.choice([9, 12]))
    )
    if rng.random() < 0.4:
        number = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return rng.choice(["银行卡号", "开户账号", "卡号:", "收款账户"]), number


def _uscc(rng: random.Random) -> Sample:
    body = rng.choice(["91", "12", "52"]) + rng.choice(["340100", "340104", "341200"])
    body += "".join(rng.choice(checksums.USCC_ALPHABET) for _ in range(9))
    return rng.choice(["统一社会信用代码", "信用代码:"]), body + checksums.uscc_check_char(body)


def _passport(rng: random.Random) -> Sample:
    value = rng.choice(
        [
            f"E{_digits(rng, 8)}",
            f"E{rng.choice('ABCDEFGH')}{_digits(rng, 7)}",
            f"G{_digits(rng, 8)}",
        ]
    )
    return rng.choice(["护照号码", "护照号:", "(护照"]), value


def _permit(rng: random.Random) -> Sample:
    value = rng.choice([f"C{_digits(rng, 8)}", f"CA{_digits(rng, 7)}", f"H{_digits(rng, 8)}"])
    return rng.choice(["往来港澳通行证号码", "港澳通行证", "回乡证号"]), value


def _plate(rng: random.Random) -> Sample:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    city = rng.choice("ABCDEFGHJKLMNPRS")
    value = rng.choice(
        [
            f"皖{city}{_digits(rng, 5)}",
            f"皖{city}{rng.choice(letters)}{_digits(rng, 4)}",
            f"皖{city}D{_digits(rng, 5)}",
            f"皖{city}{_digits(rng, 5)}F",
        ]
    )
    return rng.choice(["车牌号", "号牌号码为", "车辆"]), value


def _address(rng: random.Random) -> Sample:
    road = rng.choice(["长江西路", "黄山路", "金寨路", "望江东路", "宁国路", "繁华大道", "淮河路"])
    tail = f"{road}{rng.randint(1, 999)}号" + rng.choice(
        [
            "",
            f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(101, 3302)}室",
            f"{rng.randint(1, 20)}幢{rng.randint(101, 1802)}室",
        ]
    )
    if rng.random() < 0.25:
        tail = rng.choice(["杨婆村", "三河村", "小岗村"]) + rng.choice(["三组", "五组", "12组"])
        return rng.choice(["住址:安徽省肥西县三河镇", "家住凤阳县小溪河镇"]), tail
    return rng.choice(["住址:安徽省合肥市蜀山区", "家住合肥市包河区", "地址为", "现住"]), tail


def _email(rng: random.Random) -> Sample:
    user = rng.choice(["zhangwei", "li.na", "wang_fang88", "chen-jie"]) + _digits(rng, 2)
    domain = rng.choice(["163.com", "ah.gov.cn", "qq.com"])
    return rng.choice(["邮箱", "电子邮件:"]), f"{user}@{domain}"


def _ip(rng: random.Random) -> Sample:
    v4 = ".".join(str(rng.randint(1, 254)) for _ in range(4))
    v6 = f"2001:db8:{rng.randint(1, 9999):x}::{rng.randint(1, 65535):x}"
    return rng.choice(["IP地址", "登录IP", "服务器"]), rng.choice([v4, v6])


def _url(rng: random.Random) -> Sample:
    path = rng.choice(["zwgk/public", "xxgk/detail", "content/article"])
    host = rng.choice(["ah", "hefei", "ahzwfw"])
    value = f"https://www.{host}.gov.cn/{path}/{_digits(rng, 8)}.html"
    return rng.choice(["详见", "网址", "链接:"]), value


GENERATORS: dict[str, Callable[[random.Random], Sample]] = {
    "CN_RESIDENT_ID": _resident_id,
    "CN_PHONE": _phone,
    "CN_BANK_CARD": _bank_card,
    "CN_USCC": _uscc,
    "CN_PASSPORT": _passport,
    "CN_HK_MACAU_PERMIT": _permit,
    "CN_LICENSE_PLATE": _plate,
    "CN_ADDRESS": _address,
    "EMAIL_ADDRESS": _email,
    "IP_ADDRESS": _ip,
    "URL": _url,
}

BOILERPLATE = [
    "根据皖政秘〔2023〕218号文件要求,2023年12月31日前完成。",
    "省财政安排专项资金1.2亿元,其中2024年下达3500万元,增长12.5%。",
    "政务服务便民热线12345、报警电话110、急救电话120、95598供电服务热线全天受理。",
    "全国统一客服热线400-888-1234,投诉电话800-820-8820。",
    "皖发〔2022〕12号、财预〔2023〕1号文件同时废止,自2024年1月1日起施行。",
]


def structured_benchmark(rng: random.Random) -> tuple[dict[str, float], int]:
    """Recall per structured type, and non-name findings on carrier text without identifiers."""
    sentences = carrier_sentences()
    texts, golds = [], []
    for kind, generate in GENERATORS.items():
        for _ in range(SAMPLES_PER_TYPE):
            label, value = generate(rng)
            sentence = rng.choice(sentences).rstrip("。;；")
            prefix = f"{sentence},{label}" if rng.random() < 0.5 else f"经核实,{label}"
            texts.append(f"{prefix}{value},{rng.choice(sentences)}")
            golds.append((kind, len(prefix), len(prefix) + len(value)))
    found = analyze_batch(texts)
    recall: dict[str, float] = {}
    for kind in GENERATORS:
        hits = [
            any(f.entity_type == k and f.start <= s and e <= f.end for f in fs)
            for fs, (k, s, e) in zip(found, golds, strict=True)
            if k == kind
        ]
        recall[kind] = round(sum(hits) / len(hits), 4)
    clean = analyze_batch(sentences + BOILERPLATE)
    false_alarms = sum(f.entity_type != "PERSON" for fs in clean for f in fs)
    return recall, false_alarms


def throughput(texts: list[str], profile: str) -> float:
    """Characters per CPU second of ``analyze_batch`` over ``texts`` (best of three runs).

    CPU time of this single-threaded process, not wall time: a per-core figure that other
    jobs on a shared machine do not distort.  Each run reads the texts for the first time:
    the engine's kept name-model outputs (``deid.tagger_memo``, which holds all of
    msra_test) are emptied before it, or the second and third runs would mostly read them.
    """
    analyze_batch(texts[:200], profile=profile)
    best = float("inf")
    for _ in range(3):
        forget_kept_outputs()
        started = time.process_time()
        analyze_batch(texts, profile=profile)
        best = min(best, time.process_time() - started)
    return sum(map(len, texts)) / best


_COLD_START = """
import time
cpu, wall = time.process_time(), time.perf_counter()
import deid
deid.analyze("记者张胜男报道,王小明的电话是13912345678。")
print(time.process_time() - cpu, time.perf_counter() - wall)
"""


def cold_start() -> dict[str, float]:
    """CPU and wall seconds of a fresh process from ``import deid`` to its first analysis
    (the best of two, after one run that makes sure ``var/deid/`` holds its tables)."""
    runs = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", _COLD_START],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append([float(x) for x in done.stdout.split()])
    cpu, wall = min(runs[1:])
    return {"cpu_s": round(cpu, 2), "wall_s": round(wall, 2), "load": round(os.getloadavg()[0], 2)}


TEST_SETS = {"msra": "msra_test", "literature": "literature_test"}


def person_scores(profile: str) -> dict[str, dict[str, float | int]]:
    """``PERSON`` on the held-out test sets: covered recall and precision as the model card
    defines them (a finding is right when it overlaps a gold name), and exact-boundary
    precision, recall and F1."""
    test_dir = NER_DATA_DIR / "test"
    paths = [test_dir / f"{stem}.jsonl" for stem in TEST_SETS.values()]
    scores = evaluate_files(paths, profile=profile)
    result = {}
    for key, stem in TEST_SETS.items():
        row = scores[stem]["PERSON"].as_dict()
        result[key] = {
            "covered_recall": row["covered_recall"],
            "precision": row["precision"],
            "exact_precision": row["exact_precision"],
            "exact_recall": row["recall"],
            "exact_f1": row["exact_f1"],
            "names": row["gold"],
            "worst_misses": worst_misses(scores[stem]["PERSON"].misses),
        }
    return result


def worst_misses(misses: list[tuple[str, str]], count: int = 10) -> list[dict[str, object]]:
    """The ``count`` missed names that cost the most gold spans (ties: first missed first),
    each with how often it was missed and the sentence of its first miss, cut to 60
    characters around the name: what the model card's list of misses is written from."""
    tally: dict[str, list[str]] = {}
    for name, text in misses:
        tally.setdefault(name, []).append(text)
    ranked = sorted(tally.items(), key=lambda item: -len(item[1]))[:count]
    result = []
    for name, texts in ranked:
        at = texts[0].find(name)
        context = texts[0][max(0, at - 30) : at + len(name) + 30]
        result.append({"name": name, "missed": len(texts), "context": context})
    return result


def main() -> None:
    """Run everything and print the JSON line."""
    argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Takes no options. To score another labelled JSONL file of the test sets' "
        "format: python -m deid.training.evaluate FILE.jsonl [--profile recall] [--json].",
    ).parse_args()
    speed_texts = [r.text for r in read_jsonl(NER_DATA_DIR / "test" / "msra_test.jsonl")]
    result: dict[str, object] = {"person": person_scores("default")}
    result["chars_per_cpu_s"] = round(throughput(speed_texts, "default"))
    recall, false_alarms = structured_benchmark(random.Random(20231218))
    result["structured_recall"] = recall
    result["boilerplate_false_alarms"] = false_alarms
    result["recall_profile"] = {
        "person": person_scores("recall"),
        "chars_per_cpu_s": round(throughput(speed_texts, "recall")),
    }
    result["cold_start"] = cold_start()
    result["load"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
