"""jieba's dictionary, shared by the name rules: word frequencies and part-of-speech tags.

Read from ``deid.cache`` when a previous process has kept them (jieba's own start reads a
bigger file more slowly, and its part-of-speech table parses the dictionary again); jieba's
tokenizer is handed the same frequency table, so it never loads its own, and keeps the
dictionary routes of its last blocks (``share_routes``).  Every name rule, ``deid.posseg``
and ``deid.segmenting`` stand above this module; it imports nothing of ``deid`` but the
cache.
"""

from __future__ import annotations

import sys
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jieba

from deid.cache import cached_marshal, input_key, source_files

JIEBA_DICTIONARY = Path(jieba.__file__).resolve().parent / jieba.DEFAULT_DICT_NAME
Tables = tuple[dict[str, int], dict[str, str]]
# Dictionary routes kept: a block's route is wanted twice in a row (its words, then its tags).
KEPT_ROUTES = 1024
# The longest block whose route is kept (a longer one is rarely repeated).
KEPT_ROUTE_CHARS = 200


@cache
def jieba_tables() -> Tables:
    """jieba's word frequencies (with its zero-count word prefixes) and part-of-speech
    table, loaded once per process; jieba's default tokenizer shares the frequencies, and
    keeps its last blocks' routes for ``jieba.posseg`` (``share_routes``)."""
    jieba.setLogLevel(60)
    key = input_key(
        JIEBA_DICTIONARY,
        jieba.__version__,
        *source_files("deid.dictionary", "deid.cache"),
    )
    freq, total, tags = cached_marshal("jieba-tables", key, _built_tables)
    with jieba.dt.lock:
        if not jieba.dt.initialized:
            jieba.dt.FREQ, jieba.dt.total = freq, total
            jieba.dt.initialized = True
    share_routes(jieba.dt)
    return jieba.dt.FREQ, tags


def _built_tables() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's own tables: its prefix dictionary and ``jieba.posseg``'s tag table.

    The tag table's words are the very string objects of the frequency table's, and each
    tag one object, so ``marshal`` writes each once and a process that reads the tables
    back holds each word once (~30 MB less per process than two copies)."""
    import jieba.posseg  # parses the dictionary again: only when the tables are not kept

    jieba.dt.check_initialized()
    freq = jieba.dt.FREQ
    words = {word: word for word in freq}
    tags = {
        words.get(word, word): sys.intern(tag) for word, tag in jieba.posseg.dt.word_tag_tab.items()
    }
    # jieba.posseg keeps this table, not its own copy with its own strings (~60 MB more for
    # the process's life than one that read the tables back; ``deid.posseg`` hands the
    # table over the same way then).
    jieba.posseg.dt.word_tag_tab = tags
    return freq, jieba.dt.total, tags


def share_routes(tokenizer: jieba.Tokenizer) -> None:
    """Have ``tokenizer`` (``jieba.dt``, which ``jieba.posseg`` segments with too) keep the
    dictionary route of its last blocks: ``jieba.cut`` and ``jieba.posseg.cut`` each build a
    block's word graph (``get_DAG``) and best path (``calc``), the same for both, and the
    ``recall`` profile asks for both of every block.  The kept graph is handed out as is
    (jieba only reads it) and the kept path copied into the caller's ``route``."""
    if getattr(tokenizer, "deid_shared_routes", False):
        return
    get_dag, calc = tokenizer.get_DAG, tokenizer.calc

    @lru_cache(maxsize=KEPT_ROUTES)
    def routed(block: str) -> tuple[dict[int, list[int]], dict[int, tuple[float, int]]]:
        dag = get_dag(block)
        route: dict[int, tuple[float, int]] = {}
        calc(block, dag, route)
        return dag, route

    def shared_get_dag(sentence: str) -> dict[int, list[int]]:
        return routed(sentence)[0] if len(sentence) <= KEPT_ROUTE_CHARS else get_dag(sentence)

    def shared_calc(sentence: str, dag: dict[int, list[int]], route: dict[int, Any]) -> None:
        if len(sentence) <= KEPT_ROUTE_CHARS:
            kept_dag, kept_route = routed(sentence)
            if kept_dag is dag:
                route.update(kept_route)
                return
        calc(sentence, dag, route)

    tokenizer.get_DAG = shared_get_dag
    tokenizer.calc = shared_calc
    tokenizer.deid_shared_routes = True
