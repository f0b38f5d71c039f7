"""Lists of names printed without separators (``deid.name_lists``)."""

from __future__ import annotations

from deid.findings import PERSON, Finding
from deid.name_lists import in_name_lists
from tests.deid.person_findings import person_mentions

MEMBERS = (
    "委员名单（按姓氏笔划排序）马建国王向阳王海燕（女）方圆石磊叶长青扎西多吉（藏族）"
    "刘一民许文华孙丽萍李大为"
)


def test_a_list_run_together_is_cut_into_its_names() -> None:
    # 方圆 and 石磊 are words, 扎西多吉 has no surname: the models alone miss 方圆 and read
    # 叶长青扎西多吉 as one name
    assert person_mentions(MEMBERS) == [
        "马建国",
        "王向阳",
        "王海燕",
        "方圆",
        "石磊",
        "叶长青",
        "扎西多吉",
        "刘一民",
        "许文华",
        "孙丽萍",
        "李大为",
    ]


def test_a_dotted_name_in_a_list_stays_whole() -> None:
    text = "常务委员名单：马建国阿不都·热合曼王向阳方圆石磊叶长青刘一民许文华"
    mentions = person_mentions(text)
    assert "阿不都·热合曼" in mentions
    assert {"王向阳", "方圆", "石磊"} <= set(mentions)


def test_prose_after_a_list_is_no_name() -> None:
    text = "出席会议的有马建国王向阳方圆石磊叶长青刘一民等在京的委员。"
    assert person_mentions(text) == ["马建国", "王向阳", "方圆", "石磊", "叶长青", "刘一民"]


def _found(text: str, *names: str) -> list[Finding]:
    return [Finding(text.index(n), text.index(n) + len(n), PERSON, 0.9) for n in names]


def test_false_alarms_side_by_side_make_no_list() -> None:
    # three names found, but only one pair of them side by side: a place, not a list
    text = "祝家庄镇小强村官庄组金增平三兄弟都有不同程度的先天性残疾。"
    found = _found(text, "庄镇小", "庄组", "金增平")
    assert in_name_lists(text, found) == found


def test_a_list_replaces_the_names_it_runs_over_and_keeps_what_it_confirms() -> None:
    text = "主席团成员名单马建国王向阳王海燕方圆石磊叶长青刘一民"
    found = _found(text, "马建国", "王向阳", "王海燕方圆", "叶长青", "刘一民")
    listed = in_name_lists(text, found)
    assert sorted(text[f.start : f.end] for f in listed) == sorted(
        ["马建国", "王向阳", "王海燕", "方圆", "石磊", "叶长青", "刘一民"]
    )
    scores = {text[f.start : f.end]: f.score for f in listed}
    assert scores["马建国"] == 0.9 and scores["方圆"] < 0.8  # no seed spread to every 方圆
