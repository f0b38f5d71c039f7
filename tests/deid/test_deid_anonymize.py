"""Anonymization operators, merging of overlaps and the offset map."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import deid
from deid import Finding, Policy, anonymize

TEXT = "申请人王小明,身份证号11010519491231002X,电话13912345678。王小明签字。"
FINDINGS = [
    Finding(3, 6, "PERSON", 0.85),
    Finding(11, 29, "CN_RESIDENT_ID", 1.0),
    Finding(32, 43, "CN_PHONE", 0.95),
    Finding(44, 47, "PERSON", 0.85),
]


def test_replace_writes_type_tags() -> None:
    redaction = anonymize(TEXT, FINDINGS, Policy())
    assert redaction.text == "申请人<姓名>,身份证号<身份证号>,电话<电话>。<姓名>签字。"
    assert [op.operator for op in redaction.operations] == ["replace"] * 4


def test_mask_keeps_first_character_of_names_and_last_four_digits() -> None:
    redaction = anonymize(TEXT, FINDINGS, Policy(default="mask"))
    assert redaction.text == "申请人王**,身份证号**************002X,电话*******5678。王**签字。"


def test_pseudonym_is_consistent_within_a_release_and_keyed() -> None:
    first = anonymize(TEXT, FINDINGS, Policy(default="pseudonym", key=b"release-1")).text
    again = anonymize(TEXT, FINDINGS, Policy(default="pseudonym", key=b"release-1")).text
    other = anonymize(TEXT, FINDINGS, Policy(default="pseudonym", key=b"release-2")).text
    names = [part.split(">")[0] for part in first.split("<姓名-")[1:]]
    assert len(names) == 2 and names[0] == names[1]
    assert first == again and first != other
    assert "王小明" not in first


def test_pseudonym_without_key_is_refused() -> None:
    with pytest.raises(ValueError, match="key"):
        anonymize(TEXT, FINDINGS, Policy(default="pseudonym"))


def test_remove_and_per_type_operators() -> None:
    policy = Policy(default="remove", operators={"PERSON": "mask"})
    assert anonymize(TEXT, FINDINGS, policy).text == "申请人王**,身份证号,电话。王**签字。"


def test_offset_map_points_old_positions_into_new_text() -> None:
    redaction = anonymize(TEXT, FINDINGS, Policy())
    start, end = redaction.new_span(44, 47)
    assert redaction.text[start:end] == "<姓名>"
    assert redaction.text[redaction.offset_map[47] :] == "签字。"
    assert len(redaction.offset_map) == len(TEXT) + 1
    assert redaction.old_position(redaction.offset_map[6]) == 6


def test_overlapping_findings_become_one_region() -> None:
    findings = [Finding(0, 5, "CN_ADDRESS", 0.6), Finding(3, 8, "PERSON", 0.85)]
    redaction = anonymize("0123456789", findings, Policy())
    assert redaction.text == "<姓名>89"
    assert len(redaction.operations) == 1


def test_min_score_leaves_weak_findings() -> None:
    redaction = anonymize(TEXT, [Finding(3, 6, "PERSON", 0.5)], Policy(min_score=0.6))
    assert redaction.text == TEXT and redaction.operations == ()


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        anonymize("短", [Finding(0, 5, "PERSON", 0.9)], Policy())
    with pytest.raises(ValueError, match="unknown operator"):
        anonymize(TEXT, FINDINGS, Policy(default="shred"))


def test_analyze_then_anonymize_leaves_no_identifier() -> None:
    text = "联系人:张某某,手机139 1234 5678,身份证11010519491231002X。"
    redaction = anonymize(text, deid.analyze(text), Policy())
    assert redaction.text == "联系人:<姓名>,手机<电话>,身份证<身份证号>。"


def test_policy_opting_in_to_organizations_redacts_them() -> None:
    text = "安徽省财政厅会同合肥市人民政府印发通知。"
    policy = Policy(opt_in=("LOC",))
    redaction = anonymize(text, deid.analyze(text, entities=policy.entities), policy)
    assert "<地点>" in redaction.text
    assert anonymize(text, deid.analyze(text), Policy()).text == text


# A process that only redacts (a release's consumer) gives 宋海燕 and 海燕 one pseudonym
# without loading jieba's tables, about 90 MB it would otherwise hold (2026-12-06).
_REDACT_ONLY = """
import deid.dictionary
from deid import Finding, Policy, anonymize
text = "宋海燕来信。海燕说黄某某和黄某都到了。"
found = [Finding(0, 3, "PERSON", 0.9), Finding(6, 8, "PERSON", 0.9),
         Finding(9, 12, "PERSON", 0.9), Finding(13, 15, "PERSON", 0.9)]
print(anonymize(text, found, Policy(default="pseudonym", key=b"k")).text)
print(deid.dictionary.jieba_tables.cache_info().currsize)
"""


def test_pseudonyms_need_no_dictionary_tables() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _REDACT_ONLY],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    redacted, tables_loaded = done.stdout.strip().splitlines()[-2:]
    names = [part.split(">")[0] for part in redacted.split("<姓名-")[1:]]
    assert len(names) == 4 and names[0] == names[1] and names[2] == names[3] != names[0]
    assert tables_loaded == "0"
