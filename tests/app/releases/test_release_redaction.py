"""Redacting a document under a release policy, and labels carried through the offset map."""

from __future__ import annotations

import random

import pytest

import deid
from app.releases.errors import SpanInvalid
from app.releases.policy import policy_from_dict
from app.releases.redaction import redact_document, remap_span, remap_spans, reviewer_finding
from deid import Finding
from deid.anonymize import merge_regions

TEXT = "省长王清宪到访。申请人王小明,电话13912345678,住合肥市蜀山区长江西路1号。王小明签字。"
NAMES = [(2, 5), (11, 14), (43, 46)]
FINDINGS = [
    Finding(2, 5, "PERSON", 0.9),
    Finding(11, 14, "PERSON", 0.8),
    Finding(17, 28, "CN_PHONE", 0.95),
    Finding(30, 42, "CN_ADDRESS", 0.7),
    Finding(43, 46, "PERSON", 0.8),
]
KEY = b"release-key-1"


def test_offsets_of_the_fixture_are_right() -> None:
    assert [TEXT[s:e] for s, e in NAMES] == ["王清宪", "王小明", "王小明"]
    assert TEXT[17:28] == "13912345678" and TEXT[30:42] == "合肥市蜀山区长江西路1号"


def test_policy_operators_apply_and_allowed_names_stay_reported() -> None:
    policy = policy_from_dict({"allow_list": ["王清宪"], "operators": {"CN_PHONE": "mask"}})
    result = redact_document(TEXT, FINDINGS, policy, KEY)
    assert result.text.startswith("省长王清宪到访。申请人<姓名-")
    assert "*******5678" in result.text and "<地址>" in result.text
    assert "王小明" not in result.text and "13912345678" not in result.text
    assert [(k.start, k.end, k.text) for k in result.kept] == [(2, 5, "王清宪")]
    assert {f.entity_type for f in result.applied} == {"PERSON", "CN_PHONE", "CN_ADDRESS"}


def test_one_person_one_pseudonym_per_release_and_another_in_the_next() -> None:
    policy = policy_from_dict({})
    first = redact_document(TEXT, FINDINGS, policy, KEY).text
    other_document = redact_document("王小明来电。", [Finding(0, 3, "PERSON", 0.9)], policy, KEY)
    next_release = redact_document(TEXT, FINDINGS, policy, b"release-key-2").text
    pseudonyms = [part.split(">")[0] for part in first.split("<姓名-")[1:]]
    assert pseudonyms[1] == pseudonyms[2] != pseudonyms[0]
    assert other_document.text == f"<姓名-{pseudonyms[1]}>来电。"
    assert pseudonyms[1] not in next_release


def test_rejected_findings_stay_and_reviewer_spans_are_redacted() -> None:
    policy = policy_from_dict({})
    added = [reviewer_finding(TEXT, 0, 2, "PERSON")]  # a reviewer decided 省长 identifies
    result = redact_document(
        TEXT, FINDINGS, policy, KEY, rejected={(17, 28, "CN_PHONE")}, added=added
    )
    assert "13912345678" in result.text
    assert not result.text.startswith("省长")
    assert Finding(0, 2, "PERSON", 1.0) in result.applied


def test_an_allowed_name_inside_a_redacted_span_goes_with_it() -> None:
    text = "地址王清宪路8号"
    findings = [Finding(2, 5, "PERSON", 0.9), Finding(0, 8, "CN_ADDRESS", 0.6)]
    policy = policy_from_dict({"allow_list": ["王清宪"]})
    result = redact_document(text, findings, policy, KEY)
    # deid merges the overlap into one region typed by its strongest finding
    assert result.text == "<姓名-" + result.text[4:] and "王清宪" not in result.text
    assert len(result.text) == len("<姓名-12345678>") and result.kept == ()


def test_reviewer_spans_outside_the_text_are_refused() -> None:
    for start, end, entity, code in [
        (5, 99, "PERSON", "span.out_of_range"),
        (3, 3, "PERSON", "span.out_of_range"),
        (0, 2, "SSN", "span.unknown_entity_type"),
    ]:
        with pytest.raises(SpanInvalid) as refused:
            reviewer_finding(TEXT, start, end, entity)
        assert refused.value.code == code
    with pytest.raises(SpanInvalid):
        redact_document("短", [Finding(0, 5, "PERSON", 0.9)], policy_from_dict({}), KEY)


def test_labels_on_names_land_on_their_pseudonyms() -> None:
    result = redact_document(TEXT, FINDINGS, policy_from_dict({}), KEY)
    moved = remap_spans(result.redaction, [(s, e, "PER") for s, e in NAMES] + [(0, 2, "TITLE")])
    assert [m.status for m in moved] == ["covers", "covers", "covers", "kept"]
    assert [result.text[m.new_start : m.new_end][:4] for m in moved[:3]] == ["<姓名-"] * 3
    assert result.text[moved[3].new_start : moved[3].new_end] == "省长"


def test_a_label_cutting_through_a_redaction_is_widened_and_reported() -> None:
    result = redact_document(TEXT, FINDINGS, policy_from_dict({}), KEY)
    moved = remap_span(result.redaction, 36, 46, "LOC")  # 长江西路1号。王小明: cuts the address
    assert moved.status == "widened"
    assert result.text[moved.new_start : moved.new_end].startswith("<地址>")
    assert result.text[moved.new_start : moved.new_end].endswith(">")


def test_a_label_inside_a_removed_identifier_is_dropped() -> None:
    policy = policy_from_dict({"operators": {"CN_PHONE": "remove"}})
    result = redact_document(TEXT, FINDINGS, policy, KEY)
    assert remap_span(result.redaction, 20, 24, "NUM").status == "dropped"
    with pytest.raises(SpanInvalid):
        remap_span(result.redaction, 0, len(TEXT) + 1, "ALL")


def expected_text(
    text: str, findings: list[Finding], start: int, end: int, policy: deid.Policy
) -> str:
    """What a span must show after redaction, built without the offset map: the original
    characters outside identifiers, and each identifier it touches replaced whole."""
    regions = merge_regions(findings)
    for region in regions:  # widen to whole regions
        if region.start < start < region.end:
            start = region.start
        if region.start < end < region.end:
            end = region.end
    out, position = [], start
    for region in (r for r in regions if start <= r.start and r.end <= end):
        out.append(text[position : region.start])
        operator = deid.OPERATORS[policy.operator_for(region.entity_type)]
        out.append(operator(text[region.start : region.end], region.entity_type, policy))
        position = region.end
    out.append(text[position:end])
    return "".join(out)


@pytest.mark.parametrize("seed", range(30))
def test_every_remapped_span_points_at_the_same_redacted_text(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("张王李明华市区路号电话123。,") for _ in range(rng.randint(20, 120)))
    findings = []
    for _ in range(rng.randint(0, 8)):
        start = rng.randrange(len(text) - 1)
        end = rng.randint(start + 1, min(len(text), start + 12))
        findings.append(
            Finding(
                start,
                end,
                rng.choice(["PERSON", "CN_PHONE", "CN_ADDRESS"]),
                rng.choice([0.5, 0.8, 0.99]),
            )
        )
    operators = {t: rng.choice(sorted(deid.OPERATORS)) for t in ["PERSON", "CN_PHONE", "URL"]}
    policy = policy_from_dict({"operators": operators})
    result = redact_document(text, findings, policy, KEY)
    deid_policy = policy.deid_policy(KEY)
    for _ in range(40):
        start = rng.randrange(len(text))
        end = rng.randint(start, len(text))
        moved = remap_span(result.redaction, start, end, "X")
        got = result.text[moved.new_start : moved.new_end]
        assert got == expected_text(text, list(result.applied), start, end, deid_policy)
        if moved.status == "kept":
            assert got == text[start:end]
