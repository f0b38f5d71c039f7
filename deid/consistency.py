"""One document, one set of names: every occurrence of a name found once, surname-only back
references (黄某 after 黄某某, 被告人王 after 王某某), and one pseudonym key per person.

A document is analysed in pieces (``deid.engine.split_for_analysis``), and a name the model
finds in its title (王小明同志) is written bare further down; a judgment names 黄某某 in full
once and 黄某 afterwards.  ``complete_document`` adds those occurrences to the findings;
``pseudonym_keys`` gives a back reference the key of the name it refers to, so the pseudonym
operator writes the same pseudonym for both.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from deid.divisions import division_names
from deid.findings import Finding
from deid.normalize import NormalizedText, normalize
from deid.recognizers.judgment_rules import ORGANIZATION_AFTER, TITLE_WITHIN, is_judgment
from deid.recognizers.judgment_words import NoNames
from deid.recognizers.person import ROLE_WORDS, title_ending_in
from deid.recognizers.person_rules import TITLE_WORDS, is_cjk, name_after_title_word_spans
from deid.recognizers.surnames import SINGLE_SURNAMES, surname_length
from deid.recognizers.word_tables import jieba_tables

PERSON = "PERSON"
# A name found with at least this score (a rule or the name model) is looked for elsewhere.
SEED_SCORE = 0.8
# A name after a title or kinship word whose rare surname the document gives someone else.
RELATIVE_SCORE = 0.55
# Roles after which a bare surname refers to a person the document names in full
# (被告人王辩称 after 被告人王某某): the court and penalty-notice roles.
_ROLES = (
    "原审被告人|被告人|被告|原告|上诉人|被上诉人|被申请人|申请执行人|申请人|被执行人|第三人|"
    "证人|被害人|受害人|罪犯|犯罪嫌疑人|嫌疑人|当事人|违法行为人|行为人|辩护人|代理人|自诉人"
)
_MASKS = frozenset("某X×x*○〇□■")
_ROLE_SURNAME = re.compile(f"(?:{_ROLES})([{''.join(sorted(SINGLE_SURNAMES))}])")


def name_key(name: str) -> str:
    """The form a name is compared in: NFKC, traditional characters simplified, no spaces
    (陳 冠希 and 陈冠希 are one name)."""
    return "".join(normalize(name).text.split())


def is_back_reference(name: str) -> bool:
    """True for a bare surname (王, 欧阳) or a surname with one 某 (黄某): forms that stand
    for a person the document names more fully elsewhere."""
    surname = surname_length(name, 0)
    return bool(surname) and name[surname:] in ("", "某")


def complete_document(
    text: str, pieces: Sequence[tuple[int, NormalizedText]], findings: list[Finding]
) -> list[Finding]:
    """``findings`` of the document ``text`` (analysed as normalised ``pieces``, each with
    its offset) plus every other occurrence of each name found with ``SEED_SCORE`` or more,
    and each bare surname of such a name after a role word (被告人王).  Not deduplicated:
    the caller settles overlaps.  A guess that is a role word or holds a narrative's word
    that is no name (由东向西行驶, 於民國112年, 嗣經: ``_no_name``) is dropped first, and a
    list item between two names found is added (``_between_listed_names``)."""
    if any(f.entity_type == PERSON for f in findings):
        no_names = NoNames(text)
        # (read only when a guess is such a word: most texts have none)
        court = any(_role_or_title(text, f) for f in findings) and _court_document(text)
        findings = [
            f for f in findings if f.entity_type != PERSON or not _no_name(text, f, no_names, court)
        ]
    findings = _names_trimmed(text, findings) + _between_listed_names(text, findings)
    seeds: dict[str, float] = {}
    for finding in findings:
        if finding.entity_type == PERSON and finding.score >= SEED_SCORE:
            key = _key_of(text, pieces, finding)
            if len(key) >= 2:
                seeds[key] = max(seeds.get(key, 0.0), finding.score)
    if not seeds:
        return findings
    surnames = {key[: surname_length(key, 0)] for key in seeds if surname_length(key, 0)}
    unmasked = _written_in_full(seeds)
    added: list[Finding] = []
    references: list[Finding] = []
    for offset, norm in pieces:
        # One piece: the person recognizer has found the other occurrences already.
        for key, score in seeds.items() if len(pieces) > 1 else ():
            added += _occurrences(norm, offset, key, score)
        for match in _ROLE_SURNAME.finditer(norm.text):
            if match.group(1) in surnames and not _begins_place(norm.text, match.start(1)):
                start, end = norm.to_original(*match.span(1))
                references.append(Finding(start + offset, end + offset, PERSON, SEED_SCORE))
    # A weak guess starting at a back reference to a masked name (被告人王到案 → 王到案) is
    # the surname and the words after it: the reference explains it.  After a surname the
    # document also writes unmasked, the guess may be a full name (被告人王小明) and stays,
    # unless a function character or a common verb follows the surname (被告人杨驾驶).
    starts = {r.start for r in references if name_key(text[r.start : r.end]) not in unmasked}
    kept = _without_guesses_at(text, findings, references, starts, _masked_surnames(seeds))
    added += _relatives_of_rare_surnames(pieces, seeds)
    return kept + [f for f in added + references if not _inside_person(f, kept)]


_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})


def _names_trimmed(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` with a guess that runs a name the document names on its own into the
    words beside it cut back to that name: the end of a title, role or kinship word before
    it (次子诸葛强 where 诸葛强 is found), or 的 and what follows (诸葛建国的父母). One person,
    one pseudonym, and the words left to read."""
    names = {
        text[f.start : f.end] for f in findings if f.entity_type == PERSON and f.score >= SEED_SCORE
    }
    result = []
    for finding in findings:
        start, end = finding.start, finding.end
        if finding.entity_type == PERSON and end - start >= 3:
            start += title_ending_in(text, start, end, names)
            end = _name_end(text, start, end, names)
        result.append(
            finding
            if (start, end) == (finding.start, finding.end)
            else Finding(start, end, PERSON, finding.score)
        )
    return result


def _name_end(text: str, start: int, end: int, names: set[str]) -> int:
    """Where the name of ``names`` that opens ``text[start:end]`` ends when 的 follows it
    (诸葛建国的父母), else ``end``. (Not before a function word or a common word: a given
    name ends in 和, 同 or 一 often enough, 何后和, 靳定一出庭.)"""
    for cut in range(end - 1, start + 1, -1):
        if text[cut] == "的" and text[start:cut] in names:
            return cut
    return end


def _role_or_title(text: str, finding: Finding) -> bool:
    word = text[finding.start : finding.end].strip()
    return finding.entity_type == PERSON and (word in ROLE_WORDS or word in TITLE_WORDS)


def _court_document(text: str) -> bool:
    """``deid.engine.court_document``: ``is_judgment`` of the text or of its head read
    simplified (刑事判決)."""
    return is_judgment(text) or is_judgment(normalize(text[:TITLE_WITHIN]).text)


def _no_name(text: str, finding: Finding, no_names: NoNames, court: bool) -> bool:
    """True for a guess that is, in a ``court`` document, a role, title or kinship word
    (申请人 opening a line, which the name models read as a name with the line break before
    it; 胞弟, 次女: elsewhere a gold name may hold one, 婆婆王氏, 书记白庚胜), a place of
    three characters or more ending in 省, 区 or 县 (丰泽区), a lone character of a word
    or a place (``_in_word``), or holds a narrative's word that is no name
    (``no_names``: ``deid.recognizers.judgment_words.not_a_name``)."""
    word = text[finding.start : finding.end].strip()
    if len(word) == 1 and _in_word(text, finding.start):
        return True
    if (
        len(word) >= 3
        and word[-1] in _DISTRICT_ENDS
        and text[finding.end : finding.end + 1] not in (_TITLE_AFTER_PLACE)
        and not _common_noun(word[-2:])  # 唐知县: Magistrate 唐 (MSRA), 知县 a title
    ):
        return True  # 丰泽区, 彭泽县: a district, not 丰泽 + 区
    if court and _role_or_title(text, finding):
        return True
    return no_names.holds(finding.start, finding.end)


def _common_noun(word: str) -> bool:
    """True for a common noun of jieba's dictionary (知县, 社区), not a place's name."""
    freq, tags = jieba_tables()
    return freq.get(word, 0) >= _COMMON and tags.get(word) == "n"


def _in_word(text: str, position: int) -> bool:
    """True when the character at ``position``, no surname, is part of a common word that is
    no name with the one before or after it (年 of 成年子女), or begins a place's name (石家庄,
    吴中区): a lone-character guess there is no name."""
    freq, tags = jieba_tables()
    # a surname before a common word stays (黄家, 余家: the 黄 and 余 families, MSRA names)
    words = (
        ()
        if surname_length(text, position)
        else (
            text[max(0, position - 1) : position + 1],
            text[position : position + 2],
        )
    )
    for word in words:
        if len(word) == 2 and freq.get(word, 0) >= _COMMON and tags.get(word) not in _NAME_TAGS:
            return True
    divisions = division_names()
    if any(text[position : position + length] in divisions for length in (2, 3, 4)):
        return True
    # 吴|中区, 苏|州市: a place's suffix one or two characters on, no title after it (张县长)
    # nor a common word up to it (唐|知县)
    return any(
        text[suffix : suffix + 1] in _PLACE_SUFFIXES
        and text[suffix + 1 : suffix + 2] not in _TITLE_AFTER_PLACE
        and is_cjk(text[position + 1 : suffix + 1])
        and freq.get(text[position + 1 : suffix + 1], 0) < _COMMON
        for suffix in (position + 1, position + 2)
    )


_PLACE_SUFFIXES = frozenset("省市区县镇乡")
# Suffixes that end a place's name, not a given name of three characters or more (市 does:
# 原正市, a Japanese agronomist in MSRA).
_DISTRICT_ENDS = frozenset("省区县")
_TITLE_AFTER_PLACE = frozenset("长委")


# A list item between two names found (被害人应秀琴、毛建国、竺海燕、贝伟: 竺 is not in the
# surname table): two or three Chinese characters between two 、.
_LIST_ITEM = re.compile("(?<=、)([\u4e00-\u9fa5]{2,3})(?=、)")


def _between_listed_names(text: str, findings: list[Finding]) -> list[Finding]:
    """Names between two names found in a list of names (``_LIST_ITEM``), whatever their
    surname: one of the list is the same kind of thing as its neighbours."""
    people = [f for f in findings if f.entity_type == PERSON and f.score >= SEED_SCORE]
    if "、" not in text or len(people) < 2:
        return []
    ends = {f.end for f in people}
    starts = {f.start for f in people}
    covered = {i for f in people for i in range(f.start, f.end)}
    found = []
    for match in _LIST_ITEM.finditer(text):
        start, end = match.span(1)
        if start - 1 in ends and end + 1 in starts and start not in covered:
            found.append(Finding(start, end, PERSON, SEED_SCORE))
    for position in sorted(ends):
        if text[position : position + 1] == "、" and position + 1 not in covered:
            found += _last_listed_name(text, position + 1)
    return found


# What ends the last name of a list: a mark or a function character (侯亮、付强的), or a
# common word that is no name (侯亮、付强轮流值夜班).
_LIST_ENDS = frozenset("、，,。；;：:（(的等和与及在")
_WORD_AFTER = 100
_OPENING_WORD = 5
# A common word of jieba's dictionary (成年 465; not 马列 102, two names in MSRA's gold).
_COMMON = 300


def _last_listed_name(text: str, start: int) -> list[Finding]:
    """The name after a found name's 、 (同事侯亮、付强轮流值夜班 → 付强): a surname and two
    characters, or one, up to a mark or a common word; nothing when it is a common word
    itself."""
    surname = surname_length(text, start)
    if not surname:
        return []
    freq, tags = jieba_tables()
    for end in (start + surname + 2, start + surname + 1):
        name = text[start:end]
        if end > len(text) or not is_cjk(name):
            continue
        after = text[end : end + 2]
        if not (
            end == len(text)
            or text[end] in _LIST_ENDS
            or (freq.get(after, 0) >= _WORD_AFTER and tags.get(after) not in _NAME_TAGS)
        ):
            continue
        opening = text[start : start + 2]
        if (
            (freq.get(name, 0) >= _WORD_AFTER and tags.get(name) not in _NAME_TAGS)
            or (freq.get(opening, 0) >= _OPENING_WORD and tags.get(opening) not in _NAME_TAGS)
            or name in division_names()
        ):
            return []  # 陈述、申辩和要求, 朱某甲、原审第三人, 李某、石家庄某某公司
        return [Finding(start, end, PERSON, SEED_SCORE)]
    return []


def _relatives_of_rare_surnames(
    pieces: Sequence[tuple[int, NormalizedText]], seeds: Iterable[str]
) -> list[Finding]:
    """Names after a title or kinship word with a surname the table lacks but the document
    gives a person it names (婚生子訾子轩 after 訾卫国: the children take the surname)."""
    rare = frozenset(
        key[0]
        for key in seeds
        if len(key) in (2, 3)
        and is_cjk(key[0])
        and not surname_length(key, 0)
        and not _MASKS & set(key)
    )
    found = []
    for offset, norm in pieces if rare else ():
        for start, end in name_after_title_word_spans(norm.text, rare):
            start, end = norm.to_original(start, end)
            found.append(Finding(start + offset, end + offset, PERSON, RELATIVE_SCORE))
    return found


def _without_guesses_at(
    text: str,
    findings: list[Finding],
    references: list[Finding],
    weak_starts: set[int],
    masked: set[str],
) -> list[Finding]:
    """``findings`` less the weak guesses starting at ``weak_starts`` and the guesses that
    are a masked party's surname with words glued on (被告人杨驾驶 after 杨*): the
    reference at their start replaces them."""
    at_reference = {r.start for r in references}

    def stays(finding: Finding) -> bool:
        if finding.entity_type != PERSON:
            return True
        if finding.start in at_reference and _words_after_masked(text, finding, masked):
            return False
        return finding.start not in weak_starts or finding.score >= SEED_SCORE

    return [f for f in findings if stays(f)]


# What a court writes after a masked party's bare surname (被告人杨对指控的事实无异议,
# 被告人杨驾驶…): a function character (not 向, a given-name character: 杨向东) …
_FUNCTION_AFTER = frozenset("对与和及跟同给被把将让由从在于为是称说经因已未也都又均并即就")
# … or a common verb, preposition, conjunction or adverb (驾驶, 明知, 于是, 未经).
_WORD_TAGS = frozenset({"v", "vd", "p", "c", "d"})
_COMMON_WORD = 200


def _masked_surnames(keys: Iterable[str]) -> set[str]:
    """Surnames the document writes masked (杨 of 杨*, 黄 of 黄某某)."""
    result = set()
    for key in keys:
        surname = surname_length(key, 0)
        if surname and _MASKS & set(key[surname:]):
            result.add(key[:surname])
    return result


def _words_after_masked(text: str, finding: Finding, masked: set[str]) -> bool:
    """True when a name guess after a role word is a masked party's bare surname with
    words glued on (被告人杨驾驶 → 杨 + 驾驶): the surname is written masked elsewhere in the
    document, and what follows it here is a function character or a common verb, never a
    mask (杨某某 stays whole)."""
    name = text[finding.start : finding.end]
    surname = surname_length(name, 0)
    if not surname or name[:surname] not in masked or len(name) == surname:
        return False
    rest = name[surname:]
    if rest[0] in _MASKS:
        return False
    if rest[0] in _FUNCTION_AFTER:
        return True
    freq, tags = jieba_tables()
    word = text[finding.start + surname : finding.start + surname + 2]
    return freq.get(word, 0) >= _COMMON_WORD and tags.get(word) in _WORD_TAGS


def _begins_place(text: str, start: int) -> bool:
    """True when the surname at ``start`` begins a place name (被告郑州市自然资源局): a
    division or a word jieba tags as a place."""
    _, tags = jieba_tables()
    divisions = division_names()
    return any(
        text[start : start + length] in divisions or tags.get(text[start : start + length]) == "ns"
        for length in (2, 3)
    )


def _written_in_full(keys: Iterable[str]) -> set[str]:
    """Surnames of the names in ``keys`` written in full.  A surname with one character
    after it does not count when the document also writes that surname masked: 王到 next
    to 王某某 is the surname with a verb glued on (a document that masks a name never
    writes its given name)."""
    masked: set[tuple[str, str]] = set()
    full: set[tuple[str, str]] = set()
    for key in keys:
        surname = key[: surname_length(key, 0)]
        if surname:
            (masked if _MASKS & set(key[len(surname) :]) else full).add((surname, key))
    masked_surnames = {surname for surname, _ in masked}
    return {
        surname
        for surname, key in full
        if surname not in masked_surnames or len(key) > len(surname) + 1
    }


def _key_of(text: str, pieces: Sequence[tuple[int, NormalizedText]], finding: Finding) -> str:
    """``name_key`` of the finding, read off the normalised piece when it is the text."""
    if len(pieces) == 1 and pieces[0][1].index_map is None:
        return "".join(pieces[0][1].text[finding.start : finding.end].split())
    return name_key(text[finding.start : finding.end])


def _occurrences(norm: NormalizedText, offset: int, key: str, score: float) -> list[Finding]:
    """Every occurrence of ``key`` in the piece but those inside an organisation's or a
    place's name (海洋 in 青岛海洋食品有限公司)."""
    found = []
    position = norm.text.find(key)
    while position != -1:
        if not ORGANIZATION_AFTER.match(norm.text, position + len(key)):
            start, end = norm.to_original(position, position + len(key))
            found.append(Finding(start + offset, end + offset, PERSON, score))
        position = norm.text.find(key, position + 1)
    return found


def _inside_person(finding: Finding, findings: list[Finding]) -> bool:
    return any(
        f.entity_type == PERSON and f.start <= finding.start and finding.end <= f.end
        for f in findings
    )


def _shortened(key: str, counts: Counter[str]) -> str:
    """The name ``key`` stands for when a character was glued onto it: another name of the
    document found at least as often (郑德驾 where 郑德 is found: 被告人郑德驾驶), or the
    surname of a masked name (王到 in a document naming 王某某: a document that masks a
    name never writes its given name), else ``key``."""
    shorter = key[:-1]
    if len(key) < 2 or not surname_length(key, 0):
        return key
    if len(shorter) >= 2 and not is_back_reference(shorter) and counts[shorter] >= counts[key]:
        return shorter
    if len(shorter) == surname_length(key, 0) and counts[key] == 1 and key[-1] not in _MASKS:
        masked = (k for k in counts if k.startswith(shorter) and _MASKS & set(k[len(shorter) :]))
        if any(masked):
            return shorter
    return key


def pseudonym_keys(text: str, regions: Sequence[Finding]) -> dict[Finding, str]:
    """The pseudonym key of every ``PERSON`` region of ``text``: its ``name_key`` (less
    characters glued on, see ``_shortened``), or for a back reference (黄某, 王) the key of
    the nearest full name before it with that surname (after it, if none comes before), so
    黄某 and 黄某某 get one pseudonym."""
    names = [(r, name_key(text[r.start : r.end])) for r in regions if r.entity_type == PERSON]
    counts = Counter(key for _, key in names)
    names = [(r, _shortened(key, counts)) for r, key in names]
    full = [(r.start, key) for r, key in names if not is_back_reference(key)]
    keys = {}
    for region, key in names:
        keys[region] = key
        if not is_back_reference(key):
            continue
        surname = key[: surname_length(key, 0)]
        before = [k for s, k in full if s < region.start and k.startswith(surname)]
        after = [k for s, k in full if s > region.start and k.startswith(surname)]
        if before or after:
            keys[region] = before[-1] if before else after[0]
    return keys
