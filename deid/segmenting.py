"""jieba's words and part-of-speech person tags, block by block, each block's result kept.

jieba cuts a text into blocks at every character outside its word alphabet (punctuation,
spaces, line breaks) and segments each block on its own: the words and tags of a block
depend on the block alone, never on the text around it.  So the words (``cut``) and the
person-name words (``posseg_name_spans``) of a block are computed once per process and kept
(least recently used first out): clauses recur within a document (a name, a heading, a
formula) and across the documents of one publisher (公文 boilerplate), and jieba's
dictionary route and its HMM (``jieba.posseg``'s Viterbi above all) are most of the
``recall`` profile's time.

The output is jieba's own, word for word: ``cut(text) == list(jieba.cut(text))``, and
``posseg_name_spans`` is what walking ``jieba.posseg.cut(text)`` gives.  Nothing here adds
words to jieba's dictionary at run time (that would make a kept block stale).
"""

from __future__ import annotations

import re
from functools import lru_cache

import jieba

from deid import posseg

# Blocks kept per function, and the longest block kept (a longer one is rarely repeated).
KEPT_BLOCKS = 16_384
KEPT_BLOCK_CHARS = 200
# jieba.posseg's tags of person names.
NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})


def cut(text: str) -> list[str]:
    """``list(jieba.cut(text))`` (accurate mode with the HMM), each block's words kept."""
    words: list[str] = []
    for block in jieba.re_han_default.split(text):
        if not block:
            continue
        if len(block) <= KEPT_BLOCK_CHARS and jieba.re_han_default.match(block):
            words += _block_words(block)
        else:
            words += jieba.dt.cut(block)
    return words


@lru_cache(maxsize=KEPT_BLOCKS)
def _block_words(block: str) -> tuple[str, ...]:
    return tuple(jieba.dt.cut(block))


def posseg_name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the words of two characters or more that ``jieba.posseg.cut(text)`` tags as
    person names (``NAME_TAGS``), each block's spans kept.  A block outside jieba's word
    alphabet (punctuation, spaces, digits with other marks) is never tagged a name."""
    pattern = posseg.tagger().re_han_internal  # loaded on first use: the recall profile
    spans: list[tuple[int, int]] = []
    position = 0
    for block in pattern.split(text):
        if block and pattern.match(block):
            found = (
                _block_name_spans(block)
                if len(block) <= KEPT_BLOCK_CHARS
                else _tagged_name_spans(block)
            )
            spans += [(position + start, position + end) for start, end in found]
        position += len(block)
    return spans


@lru_cache(maxsize=KEPT_BLOCKS)
def _block_name_spans(block: str) -> tuple[tuple[int, int], ...]:
    return _tagged_name_spans(block)


def _tagged_name_spans(block: str) -> tuple[tuple[int, int], ...]:
    spans = []
    position = 0
    for word, flag in posseg.tagger().dt.cut(block):
        if flag in NAME_TAGS and len(word) >= 2:
            spans.append((position, position + len(word)))
        position += len(word)
    return tuple(spans)


# Any character ``str.split`` splits at (both test ``Py_UNICODE_ISSPACE``).
_WHITE_SPACE = re.compile(r"\s")


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """``spacy.util.get_words_and_spaces(words, text)``, in linear time: spaCy's slices the
    rest of the text to find each word (``text[pos:].index(word)``), which grows with the
    square of a document's length (a 20,000-character piece: 10,000 slices of up to 20,000
    characters).  Same words, same spaces, same ``ValueError`` when the words are not the
    text's."""
    if not _WHITE_SPACE.search(text) and "".join(words) == text:
        return list(words), [False] * len(words)  # what the loop below gives such a text
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError(f"words do not match the text: {text[:80]!r}")
    text_words: list[str] = []
    text_spaces: list[bool] = []
    position = 0
    for word in words:
        if word.isspace():
            continue
        found = text.find(word, position)
        if found < 0:
            raise ValueError(f"word {word!r} not found in the text after {position}")
        if found > position:
            text_words.append(text[position:found])
            text_spaces.append(False)
            position = found
        text_words.append(word)
        text_spaces.append(False)
        position += len(word)
        if position < len(text) and text[position] == " ":
            text_spaces[-1] = True
            position += 1
    if position < len(text):
        text_words.append(text[position:])
        text_spaces.append(False)
    return text_words, text_spaces
