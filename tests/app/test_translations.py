"""The Chinese catalog is complete: every string in the source is translated, placeholders intact.

Pure file checks (no app, database or S3): the zh_CN ``.po`` file is read with Babel, and the
messages are extracted afresh from ``app/`` with the method map of ``babel.cfg`` and the keywords
of ``make extract-messages`` (Babel's defaults plus ``_l``). A string added to the code or a
template without a translation fails here with its text; fix it with ``make extract-messages``
and by translating the new entries in ``app/translations/zh_CN/LC_MESSAGES/messages.po``.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"
ZH_PO = ROOT / "app" / "translations" / "zh_CN" / "LC_MESSAGES" / "messages.po"

# `pybabel extract -k _l`: lazy_gettext's first argument is the message.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
# The Jinja2 extractor by its import path, so the test does not depend on entry points.
METHOD_ALIASES = {"jinja2": "jinja2.ext:babel_extract"}

# Python %-format placeholders: %(name)s, %(n)d, %s, %.2f …; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(
    r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
)


def placeholders(text: str) -> list[str]:
    """The placeholders of ``text``, sorted (literal ``%%`` left out)."""
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


def load_zh_catalog() -> Catalog:
    with ZH_PO.open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def translated_messages(catalog: Catalog) -> Iterator[Message]:
    """Every message of the catalog except the header."""
    return (message for message in catalog if message.id)


def forms(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ("",)
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """The ``[method: pattern]`` sections of babel.cfg, in order, with their options."""
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep option case
    parser.read(BABEL_CFG, encoding="utf-8")
    methods: list[tuple[str, str]] = []
    options: dict[str, dict[str, str]] = {}
    for section in parser.sections():
        method, _, pattern = section.partition(":")
        method, pattern = method.strip(), pattern.strip()
        if method == "extractors" or not pattern:
            continue
        methods.append((pattern, METHOD_ALIASES.get(method, method)))
        options[pattern] = dict(parser.items(section))
    return methods, options


def test_the_chinese_catalog_has_no_empty_or_fuzzy_entry() -> None:
    catalog = load_zh_catalog()
    messages = list(translated_messages(catalog))
    assert messages, f"{ZH_PO} holds no messages"
    assert not catalog.fuzzy, f"the header of {ZH_PO} is marked fuzzy"
    fuzzy = [message.id for message in messages if message.fuzzy]
    empty = [message.id for message in messages if not all(forms(message.string))]
    assert not fuzzy, f"fuzzy entries in {ZH_PO.name}: {fuzzy}"
    assert not empty, f"untranslated entries in {ZH_PO.name}: {empty}"


def test_every_translation_keeps_the_placeholders_of_its_source() -> None:
    wrong = []
    for message in translated_messages(load_zh_catalog()):
        source_forms = forms(message.id)
        if not any(placeholders(text) for text in source_forms) and not message.python_format:
            continue
        expected = placeholders(source_forms[-1])  # the plural form names every placeholder
        for translation in forms(message.string):
            if placeholders(translation) != expected:
                wrong.append(f"{message.id!r} → {translation!r}")
    assert not wrong, "placeholders differ between source and translation:\n" + "\n".join(wrong)


def has_stray_percent(text: str) -> bool:
    return "%" in PLACEHOLDER.sub("", text)


def test_the_translations_add_no_stray_percent_sign() -> None:
    """Jinja's new-style gettext %-formats every translation, so a lone "%" would crash a page."""
    stray = []
    for message in translated_messages(load_zh_catalog()):
        if any(has_stray_percent(text) for text in forms(message.id)):
            continue  # the source has one too: this string is not %-formatted
        stray += [
            f"{message.id!r} → {translation!r}"
            for translation in forms(message.string)
            if has_stray_percent(translation)
        ]
    assert not stray, "a lone % in a translation:\n" + "\n".join(stray)


def test_every_string_in_the_source_is_in_the_chinese_catalog() -> None:
    methods, options = method_map()
    assert methods, f"no extraction method in {BABEL_CFG}"
    catalog = load_zh_catalog()
    missing: dict[str, list[str]] = {}
    extracted = 0
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map=methods, options_map=options, keywords=KEYWORDS
    ):
        extracted += 1
        msgid = message if isinstance(message, str) else message[0]
        entry = catalog.get(msgid, context=context)
        if entry is None or not all(forms(entry.string)):
            missing.setdefault(msgid, []).append(f"{filename}:{lineno}")
    assert extracted, "nothing was extracted from the source: is babel.cfg right?"
    if missing:
        lines = [f"  {msgid!r}  ({', '.join(where)})" for msgid, where in sorted(missing.items())]
        pytest.fail(
            f"{len(missing)} source string(s) have no Chinese translation in "
            f"{os.path.relpath(ZH_PO, ROOT)}; run `make extract-messages` and translate:\n"
            + "\n".join(lines)
        )
