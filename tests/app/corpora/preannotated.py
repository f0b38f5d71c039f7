"""Other tools' exports to upload (Label Studio, doccano, CoNLL, COCO, VOC, YOLO), and what
the stored items of a corpus hold: their text, metadata and pre-annotation."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

from tests.app.builders import Api, World
from tests.app.corpora.image_files import archive, png

TEXTS = ["张三在合肥工作。", "李四去了芜湖市。", "今天天气很好。"]
SPANS = [[[0, 2, "人名"], [3, 5, "地名"]], [[0, 2, "人名"], [4, 7, "地名"]], []]
ENTITY_LABELS = ["人名", "地名"]
BOX_LABELS = ["车", "人"]
#: (member path, width, height, boxes in pixels)
PICTURES: list[tuple[str, int, int, list[list[Any]]]] = [
    ("images/a.png", 64, 48, [[4, 5, 20, 10, "车"], [30, 20, 10, 25, "人"]]),
    ("images/b.png", 80, 60, [[0, 0, 80, 60, "人"]]),
    ("images/c.png", 40, 40, []),
]


def label_studio_tasks() -> bytes:
    """Two tasks with annotations (spans), one with only a prediction; each with its own
    id and a document number in ``data``."""
    tasks = []
    for n, (text, spans) in enumerate(zip(TEXTS, SPANS, strict=True)):
        regions = [
            {
                "id": f"r{n}{k}",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]},
            }
            for k, (s, e, label) in enumerate(spans)
        ]
        answer = [{"id": 1, "result": regions, "was_cancelled": False}]
        tasks.append(
            {
                "id": 100 + n,
                "data": {"text": text, "doc_no": f"公文-{n}"},
                "annotations": answer if n < 2 else [],
                "predictions": answer if n == 2 else [],
            }
        )
    return json.dumps(tasks, ensure_ascii=False, indent=1).encode()


def doccano_lines() -> bytes:
    lines = [
        {"id": 7 + n, "text": text, "label": spans, "来源": "新闻"}
        for n, (text, spans) in enumerate(zip(TEXTS, SPANS, strict=True))
    ]
    return "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode() + b"\n"


def conll_text() -> bytes:
    blocks = []
    for text, spans in zip(TEXTS, SPANS, strict=True):
        tags = ["O"] * len(text)
        for s, e, label in spans:
            tags[s:e] = [f"B-{label}"] + [f"I-{label}"] * (e - s - 1)
        blocks.append("\n".join(f"{c} {t}" for c, t in zip(text, tags, strict=True)))
    return ("-DOCSTART- O\n\n" + "\n\n".join(blocks) + "\n").encode()


def picture_members() -> list[tuple[str, bytes]]:
    colours = ["red", "green", "blue"]
    return [(path, png(w, h, colours[n])) for n, (path, w, h, _) in enumerate(PICTURES)]


def coco_archive() -> bytes:
    images = [
        {"id": 501 + n, "file_name": path, "width": w, "height": h, "license": 2}
        for n, (path, w, h, _) in enumerate(PICTURES)
    ]
    categories = [{"id": 11 + n, "name": label} for n, label in enumerate(BOX_LABELS)]
    annotations = [
        {
            "id": len(images) + k,
            "image_id": 501 + n,
            "category_id": 11 + BOX_LABELS.index(box[4]),
            "bbox": box[:4],
        }
        for n, (_, _, _, boxes) in enumerate(PICTURES)
        for k, box in enumerate(boxes)
    ]
    document = {"images": images, "annotations": annotations, "categories": categories}
    return archive(
        [*picture_members(), ("annotations/instances.json", json.dumps(document).encode())]
    )


def voc_xml(path: str, width: int, height: int, boxes: list[list[Any]]) -> bytes:
    objects = "".join(
        f"<object><name>{label}</name><bndbox><xmin>{x}</xmin><ymin>{y}</ymin>"
        f"<xmax>{x + w}</xmax><ymax>{y + h}</ymax></bndbox></object>"
        for x, y, w, h, label in boxes
    )
    name = path.rsplit("/", 1)[-1]
    return (
        f"<annotation><filename>{name}</filename><size><width>{width}</width>"
        f"<height>{height}</height><depth>3</depth></size>{objects}</annotation>"
    ).encode()


def voc_archive() -> bytes:
    xmls = [
        (f"Annotations/{path.rsplit('/', 1)[-1][:-4]}.xml", voc_xml(path, w, h, boxes))
        for path, w, h, boxes in PICTURES
    ]
    return archive([*picture_members(), *xmls])


def yolo_archive() -> bytes:
    labels = []
    for path, w, h, boxes in PICTURES:
        lines = "".join(
            f"{BOX_LABELS.index(label)} {(x + bw / 2) / w:.6f} {(y + bh / 2) / h:.6f} "
            f"{bw / w:.6f} {bh / h:.6f}\n"
            for x, y, bw, bh, label in boxes
        )
        labels.append((f"labels/{path.rsplit('/', 1)[-1][:-4]}.txt", lines.encode()))
    classes = ("classes.txt", "".join(f"{label}\n" for label in BOX_LABELS).encode())
    return archive([*picture_members(), *labels, classes])


def uploaded(api: Api, content: bytes, filename: str) -> dict[str, Any]:
    """Upload and return the corpus as the API shows it once ingested."""
    reply = api.upload(content, filename)
    assert reply.status_code == 201, reply.json
    corpus: dict[str, Any] = api.get(f"/api/v1/corpora/{reply.json['id']}").json
    return corpus


def stored_items(world: World, corpus_id: int) -> list[tuple[Any, ...]]:
    """(text, meta, pre-annotation, width, height) of each item, in corpus order."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with world.app.app_context():
        rows = db.session.execute(
            select(Item.text, Item.meta, Item.preannotation, Item.width, Item.height)
            .where(Item.corpus_id == corpus_id)
            .order_by(Item.seq)
        )
        return [tuple(row) for row in rows]


def project_over(api: Api, corpus_id: int, kind: str, labels: list[str]) -> Any:
    return api.post(
        "/api/v1/projects",
        {
            "name": f"{kind}-{uuid.uuid4().hex[:6]}",
            "corpus_id": corpus_id,
            "type": kind,
            "overlap": 1,
            "labels": labels,
        },
    )


def with_pictures(exported: bytes, kind: str, pictures: list[tuple[str, bytes]]) -> bytes:
    """An export's box files (a COCO JSON, or the members of a VOC or YOLO ZIP) zipped with
    the pictures, as a vendor re-uploads them (exports never copy the pictures)."""
    members = list(pictures)
    if kind == "coco":
        members.append(("annotations.json", exported))
    else:
        with zipfile.ZipFile(io.BytesIO(exported)) as source:
            members += [(name, source.read(name)) for name in source.namelist()]
    return archive(members)


def upload_mapped(api: Api, content: bytes, filename: str, mapping: dict[str, Any]) -> Any:
    """POST a table with its column or field mapping (a JSON form field)."""
    data = {
        "file": (io.BytesIO(content), filename),
        "name": "表格",
        "mapping": json.dumps(mapping, ensure_ascii=False),
    }
    return api.client.post(
        "/api/v1/corpora",
        data=data,
        headers={"Authorization": f"Bearer {api.token}"},
        content_type="multipart/form-data",
    )


def uploaded_with_mapping(
    api: Api, content: bytes, filename: str, mapping: dict[str, Any]
) -> dict[str, Any]:
    """Upload a table with its mapping and return the corpus once ingested."""
    reply = upload_mapped(api, content, filename, mapping)
    assert reply.status_code == 201, reply.json
    corpus: dict[str, Any] = api.get(f"/api/v1/corpora/{reply.json['id']}").json
    return corpus
