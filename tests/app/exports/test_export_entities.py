"""Entities as CoNLL-2003 BIO, doccano JSONL, spaCy DocBin and Label Studio JSON, read back
with independent readers: what a user trains on must hold the right characters, offsets,
labels and expert names."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.app.builders import World
from tests.app.exports.export_world import answer_in_turn, exported, text_project

TEXTS = ["张三在合肥工作。", "李四 去了芜湖。", "王五住在蚌埠。"]
AGREED = [[[0, 2, "人名"], [3, 5, "地名"]], [[0, 2, "人名"], [5, 7, "地名"]]]


def entities_project(world: World) -> tuple[object, int, list[int]]:
    vendor = world.vendor_api()
    project = text_project(world, vendor, "ner", TEXTS, ["人名", "地名"])
    order = answer_in_turn(
        world,
        project,
        {
            "周老师": [{"spans": AGREED[0]}, {"spans": AGREED[1]}, {"spans": [[0, 2, "人名"]]}],
            "吴老师": [{"spans": AGREED[0]}, {"spans": AGREED[1]}, {"spans": [[0, 3, "人名"]]}],
        },
    )
    return vendor, project, order


def spans_from_bio(block: str) -> tuple[str, list[list[object]]]:
    """The text (without whitespace) and the spans that a BIO block spells."""
    chars, spans = "", []
    for line in block.splitlines():
        char, tag = line.split(" ")
        if tag.startswith("B-"):
            spans.append([len(chars), len(chars) + 1, tag[2:]])
        elif tag.startswith("I-"):
            assert spans[-1][2] == tag[2:] and spans[-1][1] == len(chars)
            spans[-1][1] = len(chars) + 1
        chars += char
    return chars, spans


def test_entities_in_conll_doccano_spacy_and_label_studio(any_db_world: World) -> None:
    world = any_db_world  # SQLite, and PostgreSQL when WANBIAO_TEST_POSTGRES_URL is set
    vendor, project, order = entities_project(world)
    conll = exported(vendor, project, "conll")
    assert conll.headers["Content-Disposition"].endswith("-conll.conll")
    blocks = conll.get_data(as_text=True).split("\n\n")
    # The third item waits for review (0–2 against 0–3): training files leave it out.
    assert blocks[-1] == "" and len(blocks) == 3
    assert "-DOCSTART-" not in conll.get_data(as_text=True)
    assert blocks[0].splitlines()[:4] == ["张 B-人名", "三 I-人名", "在 O", "合 B-地名"]
    assert spans_from_bio(blocks[0]) == ("张三在合肥工作。", AGREED[0])
    # The space is not a token: offsets after it are one less in the BIO text.
    assert spans_from_bio(blocks[1]) == ("李四去了芜湖。", [[0, 2, "人名"], [4, 6, "地名"]])

    lines = [json.loads(line) for line in exported(vendor, project, "doccano").data.splitlines()]
    assert [line["item_id"] for line in lines] == order[:2]
    assert lines[1]["text"] == TEXTS[1] and lines[1]["label"] == AGREED[1]
    assert [TEXTS[1][s:e] for s, e, _ in lines[1]["label"]] == ["李四", "芜湖"]
    assert [e["name"] for e in lines[0]["experts"]] == ["周老师", "吴老师"]

    response = exported(vendor, project, "spacy")
    assert response.headers["Content-Type"] == "application/zip"
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.namelist() == ["part-00001.spacy"]
        docs = list(DocBin().from_bytes(archive.read("part-00001.spacy")).get_docs(Vocab()))
    assert [doc.text for doc in docs] == TEXTS[:2]
    assert [doc.user_data["item_id"] for doc in docs] == order[:2]
    assert [(e.start_char, e.end_char, e.label_) for e in docs[1].ents] == [
        (0, 2, "人名"),
        (5, 7, "地名"),
    ]
    assert [e.text for e in docs[1].ents] == ["李四", "芜湖"]
    assert [(s.start_char, s.label_) for s in docs[0].spans["吴老师"]] == [(0, "人名"), (3, "地名")]

    studio = json.loads(exported(vendor, project, "label_studio").data)
    undecided = next(task for task in studio if task["id"] == order[2])
    assert [a["created_username"] for a in undecided["annotations"]] == ["周老师", "吴老师"]
    assert undecided["annotations"][1]["result"][0]["value"] == {
        "start": 0,
        "end": 3,
        "text": "王五住",
        "labels": ["人名"],
    }
    decided = next(task for task in studio if task["id"] == order[0])
    assert decided["annotations"][0]["ground_truth"] is True
    assert [r["value"]["text"] for r in decided["annotations"][0]["result"]] == ["张三", "合肥"]


def test_spacy_files_are_split_so_no_export_holds_every_document_in_memory(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    from app.exports.formats import entities

    vendor, project, order = entities_project(world)
    monkeypatch.setattr(entities, "SPACY_DOCS_PER_FILE", 1)
    with zipfile.ZipFile(io.BytesIO(exported(vendor, project, "spacy").data)) as archive:
        assert archive.namelist() == ["part-00001.spacy", "part-00002.spacy"]
        docs = [
            list(DocBin().from_bytes(archive.read(name)).get_docs(Vocab()))
            for name in archive.namelist()
        ]
    assert [[doc.user_data["item_id"] for doc in part] for part in docs] == [
        [order[0]],
        [order[1]],
    ]
