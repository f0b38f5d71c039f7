"""The engine as the release pipeline sees it: offline, batch-consistent, fail-closed."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import deid
from deid import engine

Found = Callable[..., list[tuple[str, str]]]
ROOT = Path(__file__).resolve().parents[2]

_NO_NETWORK = """
import socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args)
    raise OSError("network access attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import deid
text = "邮箱zhang.san@ahszf.gov.cn,网址https://www.ah.gov.cn/a,电话13912345678"
print(sorted({f.entity_type for f in deid.analyze(text)}))
print(sorted({f.entity_type for f in deid.analyze("mail john@example.co.uk", "en")}))
print(len(attempts))
"""


def test_engine_builds_and_runs_without_network() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _NO_NETWORK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    zh, en, attempts = result.stdout.strip().splitlines()[-3:]
    assert attempts == "0"  # libraries that catch the error and fall back still count
    assert zh == "['CN_PHONE', 'EMAIL_ADDRESS', 'URL']"
    assert en == "['EMAIL_ADDRESS']"


def test_batch_gives_the_same_findings_as_one_by_one() -> None:
    texts = ["王小明的电话是13912345678。", "", "无个人信息的句子。", "身份证11010519491231002X"]
    assert deid.analyze_batch(texts) == [deid.analyze(t) for t in texts]


@pytest.mark.slow
def test_a_document_longer_than_spacy_accepts_is_analysed_to_the_end() -> None:
    filler = "为加快推进数字政府建设,现将有关事项通知如下。" * 50_000  # 1.15 M characters
    text = "联系电话13912345678。" + filler + "身份证号11010519491231002X。"
    kinds = [(f.entity_type, text[f.start : f.end]) for f in deid.analyze(text)]
    assert kinds == [("CN_PHONE", "13912345678"), ("CN_RESIDENT_ID", "11010519491231002X")]


def test_pieces_cover_the_text_and_end_at_sentence_ends() -> None:
    text = "第一句话。第二句话很长很长。第三句。" * 3
    pieces = engine.split_for_analysis(text, limit=12)
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset:].startswith(piece) for offset, piece in pieces)
    assert all(piece.endswith("。") for _, piece in pieces)
    assert engine.split_for_analysis("") == [(0, "")]


def test_findings_have_the_published_shape() -> None:
    [finding] = deid.analyze("电话13912345678")
    assert (finding.start, finding.end, finding.entity_type) == (2, 13, "CN_PHONE")
    assert 0.0 < finding.score <= 1.0


def test_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        deid.analyze("Bonjour", language="fr")


def test_missing_model_fails_closed(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="name model missing"):
        engine.build_analyzer(tmp_path)


def test_a_failing_recognizer_fails_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    from deid.recognizers.person import ChinesePersonRecognizer

    def broken(*args: object) -> dict[tuple[int, int], float]:
        raise RuntimeError("recognizer crashed")

    monkeypatch.setattr(ChinesePersonRecognizer, "scored_spans", broken)
    with pytest.raises(RuntimeError, match="crashed"):
        deid.analyze("王小明的电话是13912345678。")


def test_org_and_loc_only_when_asked() -> None:
    text = "安徽省财政厅会同合肥市人民政府印发通知。"
    default = {f.entity_type for f in deid.analyze(text)}
    assert not default & {"ORG", "LOC"}
    asked = {f.entity_type for f in deid.analyze(text, entities=["ORG", "LOC"])}
    assert "LOC" in asked


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("经查,张某某于2023年5月擅自改变土地用途。", "张某某"),
        ("请王小明同志于周一前报到。", "王小明"),
        ("欧阳娜娜女士出席了签约仪式。", "欧阳娜娜"),
        ("黄家学,男,1965年生,汉族。", "黄家学"),
        ("芬兰农林部长卡莱维·海米莱会见了代表团。", "卡莱维·海米莱"),
        ("陳大文先生表示歡迎", "陳大文"),
        ("本报记者张胜男报道", "张胜男"),
        ("江先生的老伴石粉兰今年52岁。", "石粉兰"),
        ("他坚决贯彻毛主席制定的校训。", "毛"),
        ("出版社安排吕老去怀柔休息几天。", "吕"),
        ("洪湖一位姓樊的技术人员来到农庄。", "樊"),
        ("晨报讯(实习生李泽玲记者金融)当绝大多数银行已开始实施新政。", "金融"),
        ("法院以受贿罪判处丁业成有期徒刑五年。", "丁业成"),
    ],
)
def test_rule_names(found: Found, text: str, name: str) -> None:
    # the name itself, or a longer finding that covers it (吕老 for 吕)
    assert any(kind == "PERSON" and name in span for kind, span in found(text))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("对古老地质时代的研究", "古"),  # 古老 is a word, not 古 + 老
        ("国家主席出席了会议", "家"),
        ("司令员和政委向你交代任务", "和"),
        ("本报石家庄6月9日电记者陈国琦报道", "石家庄"),  # a dateline's place
        # a place before 县 (the models take 莱克伍德县 and 伍德县; a guess of three characters
        # or more ending in 县 is dropped as a district by deid.consistency)
        ("美国最近开始对莱克伍德县法官展开调查", "伍德"),
        ("鉴于某些欧盟机构与公民距离越来越远", "于某"),  # 某些 is not a masked name
        ("法国雇主协会和法中委员会25日晚举行工作宴会", "和法"),  # 委员会 is not a title
        ("前面爆破班的同志死了好几个", "班的"),  # a given name has no 的
    ],
)
def test_places_and_words_are_not_names(found: Found, text: str, word: str) -> None:
    names = [span for kind, span in found(text) if kind == "PERSON"]
    assert not [span for span in names if word in span]


def test_a_name_before_a_title_is_not_taken_for_a_place(found: Found) -> None:
    assert ("PERSON", "刘晓东") in found("会议由刘晓东县长主持。")


def test_names_in_a_news_sentence(found: Found) -> None:
    text = "记者李建国报道,合肥市民刘晓红和丈夫陈志强昨天领到了新房钥匙。"
    names = {span for kind, span in found(text) if kind == "PERSON"}
    assert {"李建国", "刘晓红", "陈志强"} <= names


def test_a_name_found_once_is_found_everywhere_in_the_text(found: Found) -> None:
    text = "黄家学,男,1965年生。黄家学长期从事免疫学研究。"
    assert [span for kind, span in found(text) if kind == "PERSON"].count("黄家学") == 2


def test_function_words_after_a_surname_are_not_names(found: Found) -> None:
    kinds = found("他曾任该公司董事,万人空巷,全是志愿者。")
    assert not [span for kind, span in kinds if kind == "PERSON" and span in {"曾任", "万人"}]


def test_recall_profile_adds_names_and_unknown_profile_is_refused(found: Found) -> None:
    text = "法国总理若斯潘在记者招待会上评价加入欧元区的前景。"

    def covered(profile: str) -> set[int]:
        found = deid.analyze(text, profile=profile)
        return {i for f in found if f.entity_type == "PERSON" for i in range(f.start, f.end)}

    # the recall profile redacts every character the default one does (its spans may be
    # longer: it keeps overlapping candidates whole instead of choosing boundaries)
    assert covered("default") <= covered("recall")
    assert {4, 5, 6} <= covered("default")  # 若斯潘
    with pytest.raises(ValueError, match="profile"):
        deid.analyze(text, profile="paranoid")


def test_public_document_has_no_structured_identifiers() -> None:
    path = ROOT.parent / "shared" / "data" / "corpus" / "anhui_agi_action_plan_2023.txt"
    if not path.exists():
        pytest.skip("shared corpus not beside the clone")
    kinds = {f.entity_type for f in deid.analyze(path.read_text(encoding="utf-8"))}
    assert kinds <= {"PERSON"}


def test_evaluate_command_scores_a_labelled_file(tmp_path: Path) -> None:
    data = tmp_path / "tiny.jsonl"
    rows = [
        {"text": "记者李建国报道。", "spans": [[2, 5, "PER"]]},
        {"text": "会议在合肥召开。", "spans": [[3, 5, "LOC"]]},
    ]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "deid.training.evaluate", str(data), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    scores = json.loads(result.stdout.strip().splitlines()[-1])["tiny"]["PERSON"]
    assert scores == {
        "precision": 1.0,
        "recall": 1.0,
        "covered_recall": 1.0,
        "exact_precision": 1.0,
        "exact_f1": 1.0,
        "gold": 1,
        "predicted": 1,
    }


def test_the_registry_remembers_its_choice_until_it_changes() -> None:
    analyzer = engine.get_engine()
    registry = analyzer.registry
    first = registry.get_recognizers("zh", ["PERSON", "CN_PHONE"])
    assert first == registry.get_recognizers("zh", ["PERSON", "CN_PHONE"])
    assert {r.name for r in first} >= {"PERSON_zh"}
    assert all(
        "PERSON" in r.supported_entities or "CN_PHONE" in r.supported_entities for r in first
    )
    fresh = engine.FixedRecognizerRegistry(
        recognizers=list(registry.recognizers), supported_languages=["zh", "en"]
    )
    assert fresh.get_recognizers("zh", ["PERSON"])
    fresh.remove_recognizer("PERSON_zh", "zh")
    with pytest.raises(ValueError, match="No matching recognizers"):
        fresh.get_recognizers("zh", ["PERSON"])


def test_duplicates_are_settled_as_presidio_settles_them() -> None:
    # the one-pass route of the analyzer must keep exactly what Presidio keeps
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    from deid.presidio_adapters import without_duplicates

    rng = random.Random(5)
    for _ in range(300):
        results = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randint(0, 15)
            results.append(
                RecognizerResult(
                    rng.choice(["PERSON", "CN_PHONE"]),
                    start,
                    start + rng.randint(1, 6),
                    rng.choice([0.0, 0.3, 0.5, 0.85, 1.0]),
                )
            )
        expected = EntityRecognizer.remove_duplicates(list(results))
        assert without_duplicates(results) == expected


def test_the_analyzer_gives_what_presidio_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    from presidio_analyzer import AnalyzerEngine

    texts = [
        "记者张胜男报道,王小明的电话是13912345678,邮箱wang@ah.gov.cn。",
        "被告人莫某某，男，住荔浦县马岭镇。审判员　　唐　勇",
        "根据皖政秘〔2023〕218号文件要求,2023年12月31日前完成。",
    ]
    fast = deid.analyze_batch(texts)
    monkeypatch.setattr(engine.SkipUncontextualAnalyzer, "analyze", AnalyzerEngine.analyze)
    assert deid.analyze_batch(texts) == fast
    assert any(fast)
