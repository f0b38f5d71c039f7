"""The residual scan reuses the name models' outputs of the sentences redaction left
unchanged (``deid.tagger_memo``): its findings are those of a scan that computes everything
afresh, on letters, notices and judgments with names, numbers and addresses."""

from __future__ import annotations

import random

import pytest

import deid
from app.releases.policy import ReleasePolicy
from app.releases.redaction import redact_document
from app.releases.scanning import RESIDUAL_PROFILE, analyse_texts, residual_outcomes, residual_scan
from deid.engine import _MEMOS, build_analyzer

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗欧阳"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英建国晓东"
SUBJECTS = ["户籍办理", "医保报销", "企业开办", "公积金提取", "不动产登记", "社保转移"]
STREETS = ["合肥市蜀山区长江西路", "芜湖市镜湖区北京中路", "安庆市迎江区人民路"]
KEY = b"release-key-residual-reuse"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def _letter(rng: random.Random, number: int) -> str:
    subject = rng.choice(SUBJECTS)
    name, clerk = _name(rng), _name(rng)
    parts = [f"关于{subject}有关事项的答复（第{number}号）。\n"]
    parts.append(f"来信人{name}，联系电话139{rng.randrange(10**8):08d}，反映{subject}问题。")
    if rng.random() < 0.5:
        parts.append(f"{name}身份证号340104198001010012，住{rng.choice(STREETS)}{number}号。")
    if rng.random() < 0.3:
        parts.append(f"电子邮箱{name[0]}x{number}@example.com。")
    while sum(map(len, parts)) < 400:
        parts.append(
            f"各县区有关部门要按照{subject}工作要求，优化办理流程，"
            f"在{rng.randrange(3, 30)}个工作日内完成办理并公开结果。"
        )
    if rng.random() < 0.4:  # a given name alone: the default profile leaves it, the scan not
        parts.append(f"办事群众{''.join(rng.choices(GIVEN, k=2))}对答复表示满意。")
    parts.append(f"{name[0]}某对答复无异议。\n经办人：{clerk}\n")
    return "".join(parts)


def _judgment(rng: random.Random, number: int) -> str:
    accused, victim, judge = _name(rng), _name(rng), _name(rng)
    return (
        f"安徽省合肥市蜀山区人民法院\n刑 事 判 决 书\n（2024）皖0104刑初{number}号\n"
        f"被告人{accused}，男，1987年6月12日出生，住{rng.choice(STREETS)}。\n"
        f"经审理查明，被告人{accused}窜至被害人{victim}经营的商店，盗走现金人民币3200元。"
        f"被告人{accused[0]}在家中被抓获。被害人{victim}的陈述、证人{judge[0]}某某的证言证实。\n"
        f"本院认为，被告人{accused}以非法占有为目的，秘密窃取他人财物，其行为已构成盗窃罪。\n"
        f"审判员　　{judge}\n二〇二四年六月十五日\n"
    )


def _documents(count: int) -> list[str]:
    rng = random.Random(7)
    boilerplate = "本办法自发布之日起施行，由市数据资源局负责解释。"
    return [
        [_letter, _judgment][n % 3 == 2](rng, n) if n % 5 else boilerplate * (1 + n % 4)
        for n in range(count)
    ]


@pytest.mark.slow
def test_the_residual_scan_finds_what_a_scan_from_scratch_finds() -> None:
    texts = _documents(120)
    policy = ReleasePolicy()
    found = analyse_texts(texts, policy.profile)  # the process's engines, sharing their memo
    redactions = [
        redact_document(text, f, policy, KEY)
        for text, f in zip(texts, found, strict=True)
        if not isinstance(f, str)
    ]
    assert len(redactions) == len(texts)
    before = _MEMOS[0].reused_chars
    reused = residual_scan(redactions, policy.residual_threshold)
    assert _MEMOS[0].reused_chars - before > sum(len(r.text) for r in redactions) // 3

    # From scratch: engines of their own, without the memo.
    fresh_found = deid.analyze_batch(texts, analyzer=build_analyzer(profile=policy.profile))
    recall = build_analyzer(profile=RESIDUAL_PROFILE)
    rescanned = deid.analyze_batch([r.text for r in redactions], analyzer=recall)
    fresh = residual_outcomes(redactions, list(rescanned), policy.residual_threshold)
    assert fresh_found == found
    assert reused == fresh
    assert sum(map(len, fresh)) > 0  # the scan had something to find (given names alone …)
