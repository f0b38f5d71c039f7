"""Forms of Taiwan's published decisions that the engine got wrong (session 27, on the 36
judgments of session 26's batch J, read only to measure; the texts here are written after
them, with other names): a name with a character the court's font made up, a disciplinary
committee spaced out in its footer, the party it disciplines, a married woman's name; and
(session 28, batch J's leftovers) a relative after 妹婿, the preposition 於, the pronoun 伊
and the verb 陳稱 read as names."""

from __future__ import annotations

import deid
from deid.anonymize import anonymize
from tests.deid.person_findings import missed_mentions, person_names

_HEAD = "臺灣某某地方法院刑事簡易判決　　　　 100年度簡字第1234號\n"
_COMMITTEE = "公務員懲戒委員會議決書          100 年度鑑字第 12345  號\n"


def test_a_name_with_a_made_up_character_is_found_through_it() -> None:
    # \ue329 stands for a rare character no code point had: the private use area
    name = "蔡明\ue329"
    text = _HEAD + (
        f"聲　請　人　臺灣某某地方法院檢察署檢察官\n被　　　告　{name}\n"
        f"上列被告因妨害名譽案件，本院判決如下：\n主  文\n{name}犯公然侮辱罪。\n"
        f"事實及理由\n一、{name}於民國99年3月間在網路上辱罵告訴人。\n"
    )
    assert missed_mentions(text, [name]) == []


def test_a_made_up_character_numbering_a_paragraph_is_left_alone() -> None:
    text = (
        _HEAD
        + "被　　　告　蔡明宏\n請求賠償下列損失：\uf6b1醫療費用三萬元。\uf6b2看護費用二萬元。\n"
    )
    redacted = anonymize(text, deid.analyze(text)).text
    assert "\uf6b1醫療費用" in redacted
    assert "\uf6b2看護費用" in redacted


def test_a_disciplinary_committee_spaced_out_in_the_footer_is_named() -> None:
    members = ["鄭  立  德", "孫  美  玲", "賴  志  成"]
    text = _COMMITTEE + (
        "被付懲戒人  王大明\n上列被付懲戒人因違法失職案件，本會議決如下：\n    主  文\n"
        "本件免議。\n"
        f"                          主席委員長  {members[0]}\n"
        f"                              委  員  {members[1]}\n"
        f"                              委  員  {members[2]}\n"
    )
    assert missed_mentions(text, members) == []


def test_the_party_a_committee_disciplines_is_named_wherever_it_is_written() -> None:
    text = _COMMITTEE + (
        "被付懲戒人  柯鎮暘\n上列被付懲戒人因違法失職案件，本會議決如下：\n    主  文\n"
        "本件免議。\n    理  由\n一、本件移送意旨略以：被付懲戒人柯鎮暘原係某某監獄管理員，"
        "收受受刑人家屬財物。\n二、經查被付懲戒人柯鎮暘於擔任主管期間違法失職。\n"
    )
    assert missed_mentions(text, ["柯鎮暘"]) == []


def test_a_married_womans_name_with_her_husbands_surname_is_found_whole() -> None:
    # as a scraped judgment runs it together, no party block to read it from
    name = "楊黃牡丹"
    text = (
        f"臺灣某某地方法院某某簡易庭民事判決111年度簡字第338號原告{name}吳美共同訴訟代理人"
        f"王大同律師被告張文德上列當事人間請求損害賠償事件，本院判決如下：主文一、被告應給付"
        f"原告{name}新臺幣五十萬元。事實及理由一、原告主張：訴外人柯文輝騎乘機車附載原告{name}，"
        f"被告駕車撞擊，致原告{name}受傷，原告{name}因此支出醫療費用。二、被告否認原告{name}之"
        "傷勢與事故有關。"
    )
    assert missed_mentions(text, [name]) == []


def test_a_relative_named_after_a_kinship_word_of_taiwan_is_found() -> None:
    # 古国 is a word (an ancient state); after 妹婿 and before 於 it opens a name
    text = _HEAD + (
        "被　　　告　蔡明宏\n上列被告因詐欺案件，本院判決如下：\n事實及理由\n"
        "一、被告之妹婿古國輝於民國99年3月間將款項交付被告，經其姊夫邱文雄證述屬實。\n"
    )
    assert missed_mentions(text, ["古國輝", "邱文雄"]) == []


def test_the_preposition_and_the_pronoun_of_taiwans_courts_are_no_names() -> None:
    # 於 simplifies to the surname 于, and 伊 is the courts' "he" or "she"
    text = _HEAD + (
        "被　　　告　林志明\n上列被告因竊盜案件，本院判決如下：\n事實及理由\n"
        "一、被告於偵查中供稱：伊不知道那是贓物等語。告訴人於本院審理時證稱：伊與被告素不相識。"
        "被告林志明於案發後逃逸，嗣於同年4月1日經警查獲。伊稱其於當日並未前往現場。"
        "證人於審理時陳稱：伊與被告素不相識。\n"
    )
    names = person_names(text)
    assert "林志明" in names
    assert not {name for name in names if "於" in name or name.startswith("伊") or "陳稱" in name}


def test_the_surname_yu_of_simplified_characters_stays_a_name() -> None:
    # simplified characters keep 於 for a surname of its own
    text = "原告於海涛诉称，被告于2019年3月向其借款。於海涛提交了借条。"
    assert person_names(text) == {"於海涛"}
