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

from deid.dictionary import jieba_tables
from deid.divisions import division_names
from deid.findings import PERSON, Finding
from deid.guess_edges import names_trimmed, without_overhangs
from deid.guesses import court_document, without_no_names
from deid.listed import between_listed_names, quoted_nicknames
from deid.normalize import NormalizedText, normalize
from deid.recognizers.person_rules import FUNCTION_SURNAMES, is_cjk
from deid.recognizers.titled_names import name_after_title_word_spans
from deid.short_names import (
    MASKS,
    familiar_references,
    family_name_references,
    given_name_references,
    given_names,
    married_names,
    masked_surname_references,
    occurrences,
    other_scripts,
    spaced_references,
    wrapped_references,
)
from deid.surnames import SINGLE_SURNAMES, surname_length

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
    the caller settles overlaps.  The guesses are corrected first: those that are no name
    dropped (``deid.guesses``: 由东向西行驶, 於民國112年, 嗣經), those that run a name into the
    words beside it cut back (``deid.guess_edges``: 次子诸葛强), and list items between
    names found added."""
    findings = without_no_names(text, findings)
    people = [f for f in findings if f.entity_type == PERSON and f.score >= SEED_SCORE]
    findings = names_trimmed(text, findings, {text[f.start : f.end] for f in people})
    listed = _listed_names(text, pieces, people)
    findings += listed
    seeds: dict[str, float] = {}
    for finding in findings:
        if finding.entity_type == PERSON and finding.score >= SEED_SCORE:
            key = _key_of(text, pieces, finding)
            if len(key) >= 2:
                seeds[key] = max(seeds.get(key, 0.0), finding.score)
    repeated = _repeated_guesses(text, pieces, findings) - set(seeds)
    seeds.update(dict.fromkeys(repeated, SEED_SCORE))
    if not seeds:
        return findings
    married = married_names(pieces, seeds)
    repeated |= married.keys() - seeds.keys()
    seeds = married
    surnames = {key[: surname_length(key, 0)] for key in seeds if surname_length(key, 0)}
    unmasked = _written_in_full(seeds)
    added: list[Finding] = []
    references: list[Finding] = []
    # One piece: the person recognizer has found the other occurrences already, but not
    # those of a list item added here between two names (杨建军、才让扎西、冼国庆 … 证人才让
    # 扎西出庭; not the last of a list: 仇某、安信达财产保险).
    spread = seeds
    if len(pieces) == 1:
        between = {
            _key_of(text, pieces, f)
            for f in listed
            if text[f.end : f.end + 1] in ("、", "”") or _person_after_list(text, f)
        }
        spread = {key: score for key, score in seeds.items() if key in between | repeated}
    for offset, norm in pieces:
        for key, score in spread.items():
            added += occurrences(norm, offset, key, score)
        for match in _ROLE_SURNAME.finditer(norm.text):
            if (
                match.group(1) in surnames
                and not _begins_place(norm.text, match.start(1))
                and not _no_reference(norm.text, match.start(1))
            ):
                start, end = norm.to_original(*match.span(1))
                references.append(Finding(start + offset, end + offset, PERSON, SEED_SCORE))
    # A weak guess starting at a back reference to a masked name (被告人王到案 → 王到案) is
    # the surname and the words after it: the reference explains it.  After a surname the
    # document also writes unmasked, the guess may be a full name (被告人王小明) and stays,
    # unless a function character or a common verb follows the surname (被告人杨驾驶).
    starts = {r.start for r in references if name_key(text[r.start : r.end]) not in unmasked}
    kept = _without_guesses_at(text, findings, references, starts, _masked_surnames(seeds))
    added += _relatives_of_rare_surnames(pieces, seeds)
    added += given_name_references(pieces, seeds, RELATIVE_SCORE)
    added += family_name_references(pieces, seeds, RELATIVE_SCORE)
    added += spaced_references(pieces, seeds, SEED_SCORE)
    added += wrapped_references(pieces, seeds, SEED_SCORE)
    added += _court_references(text, pieces, seeds)
    found = kept + [f for f in added + references if not _inside_person(f, kept)]
    # a guess that ran a name found elsewhere into a word beside it (向陈丰收支付) gives way
    # to the name, as the guesses did before the names were spread, and one lying inside a
    # name but for a function character past its edge (东因 of 包援东因与) is dropped
    found = without_overhangs(text, names_trimmed(text, found, set(seeds)))
    return _with_mask_tails(text, found) + other_scripts(text, found)


# The rest of a masked name after the part a model or rule found: a Tibetan name's first
# syllable (扎西某某, 日西某某), a Uyghur name's second part (茹X·Y); not a place's or a
# firm's mask (扎西某某村, 某某公司 after a name).
_MASK_TAIL = re.compile(
    "某{1,2}(?![某村镇乡县市区路街公司厂店])|·(?:[A-Z]{1,3}|某{1,2})(?![A-Za-z])"
)


def _with_mask_tails(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` with each ``PERSON`` one of two characters or more that a mask follows
    (``_MASK_TAIL``) run on over it (over 某 only when it does not end in a mask already:
    张某某 is whole; a lone character before 某 is the masked recognizer's to read: 人民路某
    超市)."""
    result = []
    for finding in findings:
        person = finding.entity_type == PERSON and finding.end - finding.start >= 2
        tail = _MASK_TAIL.match(text, finding.end) if person else None
        if tail and (tail.group()[0] == "·" or text[finding.end - 1] not in MASKS):
            finding = Finding(finding.start, tail.end(), PERSON, finding.score)
        result.append(finding)
    return result


def _court_references(
    text: str, pieces: Sequence[tuple[int, NormalizedText]], seeds: Iterable[str]
) -> list[Finding]:
    """In a court's document, how people call a person it names (老王, 平安哥) and a masked
    party's bare surname (蓝拒不服从 after 蓝某): news says these of people it never names."""
    if not court_document(text):
        return []
    return familiar_references(pieces, seeds, RELATIVE_SCORE) + masked_surname_references(
        pieces, _masked_surnames(seeds), RELATIVE_SCORE
    )


_COMMON_NAME_WORD = 10  # (dictionary frequency from which a listed item is a word)


def _person_after_list(text: str, finding: Finding) -> bool:
    """A list's last item with a name's shape (surname and one or two given characters, no
    common word) that a bracket about a person follows (纠集陈江、林权胜（均另行处理）; not
    安信达财产保险（…）)."""
    name = text[finding.start : finding.end]
    surname = surname_length(name, 0)
    return (
        text[finding.end : finding.end + 1] in ("（", "(")
        and surname > 0
        and len(name) - surname in (1, 2)
        and is_cjk(name)
        and jieba_tables()[0].get(name, 0) < _COMMON_NAME_WORD
    )


def _listed_names(
    text: str, pieces: Sequence[tuple[int, NormalizedText]], people: list[Finding]
) -> list[Finding]:
    """``between_listed_names`` of ``people``, and once more with the other occurrences of
    the names that adds (巴特尔、时桂兰、扎西顿珠 … 李娜、巴特尔、扎西顿珠、买买提艾力等人:
    the second list's last name is found once the first list gives it)."""
    listed = between_listed_names(text, people, SEED_SCORE)
    listed += quoted_nicknames(text, people, SEED_SCORE)
    if not listed:
        return listed
    keys = {_key_of(text, pieces, f) for f in listed}
    again = people + listed
    for offset, norm in pieces:
        for key in keys:
            again += occurrences(norm, offset, key, SEED_SCORE)
    return listed + [f for f in between_listed_names(text, again, SEED_SCORE) if f not in listed]


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
        and not MASKS & set(key)
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
    reference at their start replaces them.  A guess the document also writes after no
    role word stays (亢建设 beside 亢某)."""
    at_reference = {r.start for r in references}

    def stays(finding: Finding) -> bool:
        if finding.entity_type != PERSON:
            return True
        if finding.start in at_reference and _words_after_masked(text, finding, masked):
            return False
        if finding.start not in weak_starts or finding.score >= SEED_SCORE:
            return True
        return _written_as_a_name(text, text[finding.start : finding.end])

    return [f for f in findings if stays(f)]


# What a court writes after a masked party's bare surname (被告人杨对指控的事实无异议,
# 被告人杨驾驶…): a function character (not 向, a given-name character: 杨向东) …
_FUNCTION_AFTER = frozenset("对与和及跟同给被把将让由从在于为是称说经因已未也都又均并即就")
# … or a common verb, preposition, conjunction or adverb (驾驶, 明知, 于是, 未经).
_WORD_TAGS = frozenset({"v", "vd", "p", "c", "d"})
_COMMON_WORD = 200
_CLAUSE_ENDS = frozenset("，,。；;、）)")


def _masked_surnames(keys: Iterable[str]) -> set[str]:
    """Surnames the document writes masked (杨 of 杨*, 黄 of 黄某某)."""
    result = set()
    for key in keys:
        surname = surname_length(key, 0)
        if surname and MASKS & set(key[surname:]):
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
    if rest[0] in MASKS or (len(name) > surname + 1 and _written_as_a_name(text, name)):
        return False
    if rest[0] in _FUNCTION_AFTER:
        return True
    freq, tags = jieba_tables()
    word = text[finding.start + surname : finding.start + surname + 2]
    if tags.get(word) == "d" and text[finding.start + surname + 2 :][:1] in _CLAUSE_ENDS:
        return False  # 辩护人万欣然，山东…律师事务所律师: an adverb ends no clause
    return freq.get(word, 0) >= _COMMON_WORD and tags.get(word) in _WORD_TAGS


# A masked party's surname and the verb after it are written after a role word; a person's
# full name also stands alone (以亢建设涉嫌…, 支付亢建设…: 亢建设 beside 亢某, another person).
_ROLE_BEFORE = re.compile(f"(?:{_ROLES})$")
_WRITTEN_ALONE = 2


def _written_as_a_name(text: str, name: str) -> bool:
    """True when ``name`` occurs ``_WRITTEN_ALONE`` times or more after no role word."""
    alone = 0
    for match in re.finditer(re.escape(name), text):
        if not _ROLE_BEFORE.search(text, max(0, match.start() - 6), match.start()):
            alone += 1
    return alone >= _WRITTEN_ALONE


def _repeated_guesses(
    text: str, pieces: Sequence[tuple[int, NormalizedText]], findings: list[Finding]
) -> set[str]:
    """The names of the guesses (below the seed score) of a rule or a model that a court's
    document writes again after no role word: names too, wherever they stand (犯罪嫌疑人亢建设
    … 以亢建设涉嫌 … 支付亢建设).  Not in other text: news repeats a guess too (哈佛 … 哈佛)."""
    guesses = [f for f in findings if f.entity_type == PERSON and f.score < SEED_SCORE]
    repeated = {_key_of(text, pieces, f) for f in guesses if _repeated_guess(text, f)}
    return repeated if repeated and court_document(text) else set()


def _repeated_guess(text: str, finding: Finding) -> bool:
    """True for a guess of two to four Chinese characters, no common word (一直文明经营),
    written as a name elsewhere."""
    name = text[finding.start : finding.end]
    if not 2 <= len(name) <= 4 or not is_cjk(name):
        return False
    freq, _ = jieba_tables()
    return freq.get(name, 0) < _COMMON_WORD and _written_as_a_name(text, name)


_TIME_AFTER_YU = frozenset("当同次本上下该其前后翌法")


def _no_reference(text: str, start: int) -> bool:
    """True when the surname at ``start`` is a preposition or conjunction there (被告向原告支付,
    原告和被告), or opens a common word (被害人钱款, 当事人陈述等): before a Chinese character
    that is no mask nor a verb of speech."""
    after = text[start + 1 : start + 2]
    if text[start] == "于" and (after.isdigit() or after in _TIME_AFTER_YU):
        return True  # 被告于2016年6月, 被执行人于当日: the preposition before a time
    if not is_cjk(after) or after in "某称辩诉供":
        return False
    if after == "述" and text[start + 2 : start + 3] in "称":
        return False  # 被告陈述称: Mr 陈 said, or a statement (not 当事人陈述等证据)
    if text[start] in FUNCTION_SURNAMES:
        return True
    freq, tags = jieba_tables()  # 被害人钱款 (a noun of 8), 被告陈述 (763, tagged a name)
    word = text[start : start + 2]
    return freq.get(word, 0) >= _COMMON_WORD or (tags.get(word) == "n" and freq[word] >= 5)


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
            (masked if MASKS & set(key[len(surname) :]) else full).add((surname, key))
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
    if len(shorter) == surname_length(key, 0) and counts[key] == 1 and key[-1] not in MASKS:
        masked = (k for k in counts if k.startswith(shorter) and MASKS & set(k[len(shorter) :]))
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
    given = given_names({key for _, key in full}, words_too=True)
    keys = {}
    for region, key in names:
        keys[region] = given.get(key, key)  # 海燕 alone: 宋海燕's
        if not is_back_reference(key):
            continue
        surname = key[: surname_length(key, 0)]
        before = [k for s, k in full if s < region.start and k.startswith(surname)]
        after = [k for s, k in full if s > region.start and k.startswith(surname)]
        if before or after:
            keys[region] = before[-1] if before else after[0]
    return keys
