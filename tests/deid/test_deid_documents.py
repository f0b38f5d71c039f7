"""Documents, not sentences: a name found once is found everywhere in its document, a bare
surname referring back to it is found, one person gets one pseudonym, and allow-listed names
stay and are reported."""

from __future__ import annotations

import deid
from deid.consistency import complete_document, is_back_reference, name_key, pseudonym_keys
from deid.engine import MAX_PIECE, split_for_analysis
from deid.findings import Finding
from deid.normalize import normalize

KEY = b"release-key-0123456789abcdef"
FILLER = "本院认为，公诉机关指控的事实清楚，证据确实充分，应予支持。" * 700
JUDGMENT = (
    "被告人黄某某，男，1985年出生，汉族。被告人王某某伙同李某甲盗窃。"
    "经审理查明，黄某于2018年3月驾驶车辆撞伤被害人。被告人黄对指控的事实无异议。"
    "被告人王到案后如实供述，李某系从犯。"
)


def _persons(text: str, findings: list[Finding]) -> list[tuple[int, str]]:
    return [(f.start, text[f.start : f.end]) for f in findings if f.entity_type == "PERSON"]


def test_a_name_found_once_is_found_in_every_piece_of_a_long_document() -> None:
    document = f"被告人向前进，男，1980年出生，汉族。{FILLER}向前进驾车离开现场后自首。"
    assert len(split_for_analysis(document)) > 1
    last = document.rindex("向前进")
    assert last > MAX_PIECE
    [found] = deid.analyze_batch([document])
    assert (last, "向前进") in _persons(document, found)
    # the same sentence alone names nobody the engine recognises: the document did it
    assert not deid.analyze("向前进驾车离开现场后自首。")


def test_surname_back_references_in_a_judgment() -> None:
    [found] = deid.analyze_batch([JUDGMENT])
    names = _persons(JUDGMENT, found)
    assert (JUDGMENT.index("黄某于"), "黄某") in names
    assert (JUDGMENT.index("黄对"), "黄") in names
    assert (JUDGMENT.index("王到案"), "王") in names
    assert (JUDGMENT.index("李某系"), "李某") in names
    # the back reference is the surname, not the words after it
    assert not any(name.startswith(("黄对", "王到")) for _, name in names)


def test_a_bare_surname_without_its_person_or_role_is_not_a_name() -> None:
    text = "王某某到庭。王老师当天不在学校，被告人李对此无异议。"
    pieces = [(0, normalize(text))]
    findings = [Finding(0, 3, "PERSON", 0.9)]
    added = complete_document(text, pieces, findings)
    # 李 follows a role but no 李 is named in the document; 王 follows no role word
    assert added == findings


def test_complete_document_maps_traditional_occurrences_to_original_offsets() -> None:
    text = "被告人陳冠希，男。……陳冠希到案。陈冠希辩称。"
    # two pieces, as a long document is analysed (the person recognizer completes one)
    pieces = [(0, normalize(text[:9])), (9, normalize(text[9:]))]
    start = text.index("陳冠希")
    completed = complete_document(text, pieces, [Finding(start, start + 3, "PERSON", 0.85)])
    assert sorted(s for s, _ in _persons(text, completed)) == [3, 11, 17]


def test_one_person_one_pseudonym_throughout_the_document() -> None:
    [found] = deid.analyze_batch([JUDGMENT])
    redaction = deid.anonymize(JUDGMENT, found, deid.Policy(default="pseudonym", key=KEY))
    by_name: dict[str, set[str]] = {}
    for operation in redaction.operations:
        if operation.entity_type == "PERSON":
            name = JUDGMENT[operation.start : operation.end]
            written = redaction.text[operation.new_start : operation.new_end]
            by_name.setdefault(name, set()).add(written)
    huang = by_name["黄某某"] | by_name["黄某"] | by_name["黄"]
    wang = by_name["王某某"] | by_name["王"]
    li = by_name["李某甲"] | by_name["李某"]
    assert len(huang) == len(wang) == len(li) == 1
    assert len(huang | wang | li) == 3


def test_back_reference_takes_the_nearest_full_name_before_it() -> None:
    text = "黄某甲与黄某乙。黄某乙称，黄某不在场。"
    regions = [
        Finding(s, s + len(n), "PERSON", 0.9)
        for n, s in (("黄某甲", 0), ("黄某乙", 4), ("黄某乙", 8), ("黄某", 13))
    ]
    keys = pseudonym_keys(text, regions)
    assert keys[regions[3]] == "黄某乙"
    assert keys[regions[0]] == "黄某甲"


def test_traditional_and_simplified_forms_share_a_pseudonym() -> None:
    text = "陳冠希、陈冠希"
    findings = [Finding(0, 3, "PERSON", 0.85), Finding(4, 7, "PERSON", 0.85)]
    redaction = deid.anonymize(text, findings, deid.Policy(default="pseudonym", key=KEY))
    first, second = redaction.text.split("、")
    assert first == second and first.startswith("<姓名-")


def test_allow_listed_names_stay_and_are_reported() -> None:
    text = "國務院總理李強出席會議并讲话。李强指出，王小明的合法权益应予保护。"
    findings = deid.analyze(text)
    policy = deid.Policy(key=KEY, allow_list=("李强",))
    redaction = deid.anonymize(text, findings, policy)
    assert "李強" in redaction.text and "李强" in redaction.text
    assert "王小明" not in redaction.text and "<姓名>" in redaction.text
    assert [text[k.start : k.end] for k in redaction.kept] == ["李強", "李强"]
    # without the allow-list both are replaced
    plain = deid.anonymize(text, findings, deid.Policy(key=KEY))
    assert "李强" not in plain.text and plain.kept == ()


def test_an_allowed_name_merged_into_another_finding_is_redacted() -> None:
    text = "李强13912345678"
    findings = [Finding(0, 2, "PERSON", 0.85), Finding(1, 13, "CN_PHONE", 0.95)]
    redaction = deid.anonymize(text, findings, deid.Policy(allow_list=("李强",)))
    assert redaction.kept == () and "李" not in redaction.text


def test_name_keys_and_back_references() -> None:
    assert name_key(" 陳 冠希 ") == "陈冠希"
    assert name_key("王ＸＸ") == "王XX"
    assert is_back_reference("王") and is_back_reference("黄某") and is_back_reference("欧阳")
    assert not is_back_reference("黄某某") and not is_back_reference("王小明")


def _regions(text: str, names: list[str]) -> list[Finding]:
    regions, position = [], 0
    for name in names:
        position = text.index(name, position)
        regions.append(Finding(position, position + len(name), "PERSON", 0.85))
        position += len(name)
    return regions


def test_a_character_glued_onto_a_name_keeps_its_pseudonym_key() -> None:
    text = "被告人郑德，女。被告人郑德驾驶车辆。"
    regions = _regions(text, ["郑德", "郑德驾"])
    assert set(pseudonym_keys(text, regions).values()) == {"郑德"}
    masked = "被告人王某某，男。被告人王到案后如实供述。"
    regions = _regions(masked, ["王某某", "王到"])
    assert set(pseudonym_keys(masked, regions).values()) == {"王某某"}


def test_different_people_keep_different_keys() -> None:
    text = "王小明与王明、陈建国到场。"
    regions = _regions(text, ["王小明", "王明", "陈建国"])
    assert list(pseudonym_keys(text, regions).values()) == ["王小明", "王明", "陈建国"]


def test_a_weak_guess_after_a_role_stays_when_the_surname_is_written_unmasked() -> None:
    # 王建国 is written in full: 被告人王小明 may be a second person, so the guess stays
    text = "被告人王建国，男。被告人王小明，男。"
    pieces = [(0, normalize(text))]
    guess = Finding(12, 15, "PERSON", 0.55)
    completed = complete_document(text, pieces, [Finding(3, 6, "PERSON", 0.85), guess])
    assert guess in completed
    # in a document that masks its names, the same guess is the surname and a verb
    masked = "被告人王某某，男。被告人王到案后供述。"
    glued = Finding(12, 15, "PERSON", 0.55)
    completed = complete_document(
        masked, [(0, normalize(masked))], [Finding(3, 6, "PERSON", 0.9), glued]
    )
    assert glued not in completed
    assert Finding(12, 13, "PERSON", 0.8) in completed


def test_a_role_word_is_never_a_name_even_where_a_document_starts_with_it() -> None:
    """The name model read 申请人 at the start of a text as a name (申 + 请人), and a name
    found once is looked for everywhere: every 申请人 of the document was redacted."""
    text = "申请人李秀英，住合肥市。被申请人张伟。申请人李秀英称，被申请人未按期付款。"
    for profile in ("default", "recall"):
        [found] = deid.analyze_batch([text], profile=profile)
        named = [name for _, name in _persons(text, found)]
        assert not [n for n in named if "李秀英" not in n and "张伟" not in n], (profile, named)
        assert sum("李秀英" in n for n in named) >= 2 and any("张伟" in n for n in named)
