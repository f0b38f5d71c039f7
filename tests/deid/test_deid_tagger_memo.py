"""The name models' outputs kept per sentence (``deid.tagger_memo``): a text read again with
a few sentences changed gets the outputs it would get computed afresh."""

from __future__ import annotations

import numpy as np

from deid.engine import load_name_tagger
from deid.name_tagger import TaggerOutput
from deid.tagger_memo import TaggerMemo

LETTER = (
    "关于户籍办理有关事项的答复。\n来信人王建国，联系电话13912345678，反映户籍办理问题！"
    "各县区有关部门要按照工作要求，优化办理流程；在15个工作日内完成办理并公开结果。"
    "经办人：李秀英"
)
REDACTED = LETTER.replace("王建国", "<PERSON>").replace("13912345678", "<CN_PHONE>")


def _close(memoized: TaggerOutput, direct: TaggerOutput) -> None:
    assert memoized.firsts.tolist() == direct.firsts.tolist()
    for name in ("mixed", "linear", "network"):
        # the matrix products of a shorter array may round one unit in the last place apart
        assert np.allclose(getattr(memoized, name), getattr(direct, name), rtol=0, atol=1e-6)


def test_a_redacted_text_gets_the_outputs_of_its_own_computation() -> None:
    tagger = load_name_tagger()
    memo = TaggerMemo(tagger)
    first = memo.outputs([LETTER, "另一封来信。"])
    assert memo.reused_chars == 0
    assert np.array_equal(first.mixed, tagger.outputs([LETTER, "另一封来信。"]).mixed)
    texts = ["", REDACTED, LETTER]
    _close(memo.outputs(texts), tagger.outputs(texts))
    # the whole letter, the second time, and the redacted letter's last three sentences
    # (the first is within the models' reach of the changed name) came from the memo
    assert memo.reused_chars == len(LETTER) + len(
        "各县区有关部门要按照工作要求，优化办理流程；在15个工作日内完成办理并公开结果。经办人：李秀英"
    )


def test_the_context_of_a_sentence_is_part_of_its_key() -> None:
    """A sentence after a changed one is reused only when the change is beyond the models'
    reach of its characters."""
    tagger = load_name_tagger()
    memo = TaggerMemo(tagger)
    memo.outputs([LETTER])
    near = LETTER.replace("反映户籍办理问题！", "反映户籍办理事！")  # 3 characters before 各
    _close(memo.outputs([near]), tagger.outputs([near]))


def test_the_memo_forgets_the_oldest_sentences_beyond_its_size() -> None:
    memo = TaggerMemo(load_name_tagger(), kept_chars=len(LETTER))
    memo.outputs([LETTER])
    memo.outputs([LETTER.replace("户籍", "医保")])
    assert memo.held_chars <= len(LETTER)
    memo.outputs([LETTER])
    assert sum(len(key[0]) for key in memo.held) > 0


def test_forgetting_the_kept_outputs_makes_the_next_call_read_everything() -> None:
    from deid import analyze_batch
    from deid.engine import _MEMOS, forget_kept_outputs

    texts = ["记者张胜男报道，王小明今天到合肥。", "会议由李红主持。"]
    first = analyze_batch(texts)
    memo = _MEMOS[0]
    reused = memo.reused_chars
    assert analyze_batch(texts) == first and memo.reused_chars > reused
    forget_kept_outputs()
    assert memo.held_chars == 0
    reused = memo.reused_chars
    assert analyze_batch(texts) == first and memo.reused_chars == reused
