"""Imported pre-annotations in exports: a final answer wins over the pre-annotation in the
training formats, the pre-annotation fills the items nobody has decided yet, and Label Studio
carries it as ``predictions`` beside the experts' annotations."""

from __future__ import annotations

import json

from tests.app.builders import World
from tests.app.corpora import preannotated as files
from tests.app.exports.export_world import answer_in_turn, exported

EXPERT_SPANS = [[0, 3, "人名"]]


def test_final_answers_win_and_pre_annotations_fill_the_rest(world: World) -> None:
    vendor = world.vendor_api()
    corpus = files.uploaded(vendor, files.doccano_lines(), "all.jsonl")
    project = files.project_over(vendor, corpus["id"], "ner", files.ENTITY_LABELS).json["id"]
    # One expert (k = 1) answers the first item differently from the import.
    order = answer_in_turn(world, project, {"周老师": [{"spans": EXPERT_SPANS}]})
    assert len(order) == 1

    lines = [
        json.loads(line) for line in exported(vendor, project, "doccano").get_data().splitlines()
    ]
    assert [line["label"] for line in lines] == [EXPERT_SPANS, files.SPANS[1], files.SPANS[2]]
    assert [line["来源"] for line in lines] == ["新闻"] * 3  # metadata goes back out
    assert lines[0]["experts"] == [{"name": "周老师", "label": EXPERT_SPANS}]

    blocks = exported(vendor, project, "conll").get_data(as_text=True).split("\n\n")
    assert blocks[0].splitlines()[:4] == ["张 B-人名", "三 I-人名", "在 I-人名", "合 O"]
    assert blocks[1].splitlines()[:2] == ["李 B-人名", "四 I-人名"]

    jsonl = [json.loads(line) for line in exported(vendor, project, None).get_data().splitlines()]
    assert [line["preannotation"] for line in jsonl] == [{"spans": s} for s in files.SPANS]
    assert jsonl[0]["final"] == {"spans": EXPERT_SPANS} and jsonl[1]["final"] is None

    tasks = json.loads(exported(vendor, project, "label_studio").get_data())
    assert tasks[0]["data"]["来源"] == "新闻" and tasks[0]["data"]["source_id"] == 7
    final = tasks[0]["annotations"][0]
    assert final["ground_truth"] and [r["value"]["text"] for r in final["result"]] == ["张三在"]
    predicted = [r["value"]["text"] for r in tasks[0]["predictions"][0]["result"]]
    assert predicted == ["张三", "合肥"]
    assert tasks[1]["annotations"] == [] and tasks[1]["predictions"][0]["model_version"] == (
        "preannotation"
    )
