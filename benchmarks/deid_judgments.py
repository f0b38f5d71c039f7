"""De-identification of realistic Chinese court judgments: every person found.

Generates judgments of the kinds courts publish (criminal first instance, civil first and
second instance, administrative, enforcement and sentence-reduction rulings, mediation;
``benchmarks/judgment_kinds.py``) with their conventions: masked parties (张某, 张某某,
张某甲, 张某1, 王XX, 李**, 刘×), full names of the bench, clerks, counsel, prosecutors and
legal representatives, back references, 曾用名 and 绰号, minority names with middle dots,
names that are ordinary words (汪洋, 高明), spaced footer titles and names, case and
document numbers, dates in Chinese numerals and amounts.  Given names come from MSRA's
training ``PER`` spans (``benchmarks/judgment_names.py``).

    .venv/bin/python benchmarks/deid_judgments.py [--documents 200] [--misses]

Scored as ``benchmarks/deid_documents.py`` scores: a gold name is found when one
``PERSON`` finding covers all its characters.  The last line printed is one JSON object:
PERSON covered recall overall, by role, by form and by kind of judgment; precision (share
of ``PERSON`` findings that overlap a gold name); findings touching a span that must stay,
by kind; characters per CPU second.  ``--misses`` prints each miss and false alarm first.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # per-core figures: one thread, one process

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from judgment_kinds import KINDS, Context  # noqa: E402
from judgment_text import Document  # noqa: E402

from deid import Finding, analyze_batch  # noqa: E402

SEED = 20261204


def build_document(rng: random.Random) -> Document:
    doc = Document(kind=rng.choice(list(KINDS)))
    KINDS[doc.kind](Context(rng, doc))
    return doc


def _ratio(hits: list[bool]) -> float:
    return round(sum(hits) / len(hits), 4)


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 12) : end + 8].replace("\n", "⏎")


def _report(doc: Document, names: list[Finding], findings: list[Finding], hits: list[bool]) -> None:
    """Print the document's misses, false alarms and touched spans."""
    text = doc.text
    for gold, hit in zip(doc.gold, hits, strict=True):
        if not hit:
            name, around = text[gold.start : gold.end], _context(text, gold.start, gold.end)
            print(f"MISS {gold.form}/{gold.role}: {name!r} in {around!r}")
    for f in names:
        if not any(f.start < g.end and g.start < f.end for g in doc.gold):
            print(f"FALSE {text[f.start : f.end]!r} in {_context(text, f.start, f.end)!r}")
    for start, end, kind in doc.untouched:
        if any(f.start < end and start < f.end for f in findings):
            print(f"TOUCHED {kind}: {text[start:end]!r}")


def score(
    documents: list[Document], found: list[list[Finding]], show: bool = False
) -> dict[str, object]:
    """Covered recall by role, form and kind; precision; untouched violations by kind."""
    by: dict[str, dict[str, list[bool]]] = {"role": {}, "form": {}, "kind": {}}
    every: list[bool] = []
    persons = overlapping = 0
    touched: dict[str, int] = {}
    for doc, findings in zip(documents, found, strict=True):
        names = [f for f in findings if f.entity_type == "PERSON"]
        hits = [any(f.start <= g.start and g.end <= f.end for f in names) for g in doc.gold]
        every += hits
        for gold, hit in zip(doc.gold, hits, strict=True):
            for axis, key in (("role", gold.role), ("form", gold.form), ("kind", doc.kind)):
                by[axis].setdefault(key, []).append(hit)
        persons += len(names)
        overlapping += sum(
            any(f.start < g.end and g.start < f.end for g in doc.gold) for f in names
        )
        for start, end, kind in doc.untouched:
            if any(f.start < end and start < f.end for f in findings):
                touched[kind] = touched.get(kind, 0) + 1
        if show:
            _report(doc, names, findings, hits)
    return {
        "person_recall": _ratio(every),
        "precision": round(overlapping / persons, 4) if persons else None,
        "names": len(every),
        "recall_by_form": {k: _ratio(v) for k, v in sorted(by["form"].items())},
        "recall_by_role": {k: _ratio(v) for k, v in sorted(by["role"].items())},
        "recall_by_kind": {k: _ratio(v) for k, v in sorted(by["kind"].items())},
        "untouched_violations": sum(touched.values()),
        "untouched_by_kind": touched,
    }


def main() -> None:
    """Build, analyse, score; print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--misses", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    documents = [build_document(rng) for _ in range(args.documents)]
    texts = [doc.text for doc in documents]
    analyze_batch(texts[:3])
    started = time.process_time()
    found = analyze_batch(texts)
    seconds = time.process_time() - started
    result = score(documents, found, args.misses)
    result["documents"] = len(documents)
    result["chars"] = sum(map(len, texts))
    result["chars_per_cpu_s"] = round(result["chars"] / seconds)  # type: ignore[operator]
    result["load"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
