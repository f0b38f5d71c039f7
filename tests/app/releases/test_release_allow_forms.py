"""The release allow-list matches a name however the document writes it: traditional or
simplified characters, full-width letters, spaces inside."""

from __future__ import annotations

from app.releases.policy import policy_from_dict
from app.releases.redaction import redact_document
from deid import Finding

TEXT = "國務院總理李強出席。王 清宪省长、王清宪和申请人王小明到场。"
KEY = b"release-key-forms"


def _finding(name: str, occurrence: int = 0) -> Finding:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(name, start + 1)
    return Finding(start, start + len(name), "PERSON", 0.85)


def test_allowed_names_in_other_written_forms_stay_and_are_reported() -> None:
    findings = [_finding("李強"), _finding("王 清宪"), _finding("王清宪"), _finding("王小明")]
    policy = policy_from_dict({"allow_list": ["李强", "王清宪"]})
    result = redact_document(TEXT, findings, policy, KEY)
    assert [k.text for k in result.kept] == ["李強", "王 清宪", "王清宪"]
    assert "李強" in result.text and "王 清宪" in result.text
    assert "王小明" not in result.text


def test_without_the_allow_list_every_form_is_redacted() -> None:
    findings = [_finding("李強"), _finding("王 清宪"), _finding("王清宪")]
    result = redact_document(TEXT, findings, policy_from_dict({}), KEY)
    assert result.kept == ()
    assert "李強" not in result.text and "清宪" not in result.text
