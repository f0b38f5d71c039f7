"""jieba's dictionary, shared by the name rules: word frequencies and part-of-speech tags."""

from __future__ import annotations

from functools import cache

import jieba
import jieba.posseg


@cache
def jieba_tables() -> tuple[dict[str, int], dict[str, str]]:
    """jieba's word frequencies and part-of-speech table (loaded once)."""
    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab
