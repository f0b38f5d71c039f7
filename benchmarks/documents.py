"""Reading speed of the document formats: .docx files, PDF pages and OFD files per second.

Builds the files first (untimed) with the test builders, from the sample government document
(the Anhui AGI action plan, 2023), then reads each with ``read_document`` on one core, timed
in CPU seconds of this process (the machine is shared). Prints one JSON line:
``{"docx_per_s", "pdf_pages_per_s", "ofd_per_s", ...}`` with the load average beside it.

    .venv/bin/python benchmarks/documents.py [--documents 200] [--pdf-pages 200] [--chars 500]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.corpora.documents import read_document  # noqa: E402
from tests.app.corpora.document_files import (  # noqa: E402
    docx_bytes,
    ofd_bytes,
    pdf_bytes,
    sample_paragraphs,
)


def _chunks(paragraphs: list[str], chars: int, count: int) -> list[list[str]]:
    """``count`` documents of about ``chars`` characters, cycling through the paragraphs."""
    documents, current, size, index = [], [], 0, 0
    while len(documents) < count:
        paragraph = paragraphs[index % len(paragraphs)][:chars]
        current.append(paragraph)
        size += len(paragraph)
        index += 1
        if size >= chars:
            documents.append(current)
            current, size = [], 0
    return documents


def _rate(files: list[bytes], unit: str) -> tuple[float, int]:
    # CPU time of this process: the machine is shared, and wall time would time the others.
    started = time.process_time()
    total = 0
    for number, data in enumerate(files):
        document = read_document(data, f"{unit}-{number}")
        total += document.pages or 1 if unit == "page" else 1
    return total / (time.process_time() - started), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--pdf-pages", type=int, default=200)
    parser.add_argument("--chars", type=int, default=500)
    args = parser.parse_args()
    plan = sample_paragraphs()
    texts = _chunks(plan, args.chars, args.documents)
    print("building files…", file=sys.stderr)
    docx_files = [docx_bytes(paragraphs) for paragraphs in texts]
    ofd_files = [ofd_bytes([paragraphs]) for paragraphs in texts]
    pages_per_plan = read_document(pdf_bytes([plan]), "plan.pdf").pages or 1
    pdf = pdf_bytes([plan] * max(1, round(args.pdf_pages / pages_per_plan)))
    docx_rate, _ = _rate(docx_files, "docx")
    ofd_rate, _ = _rate(ofd_files, "ofd")
    pdf_rate, pages = _rate([pdf], "page")
    print(
        json.dumps(
            {
                "docx_per_s": round(docx_rate, 1),
                "pdf_pages_per_s": round(pdf_rate, 1),
                "ofd_per_s": round(ofd_rate, 1),
                "documents": args.documents,
                "chars_per_document": sum(map(len, texts[0])),
                "pdf_pages": pages,
                "docx_kb": round(sum(map(len, docx_files)) / len(docx_files) / 1024, 1),
                "ofd_kb": round(sum(map(len, ofd_files)) / len(ofd_files) / 1024, 1),
                "pdf_kb": round(len(pdf) / 1024, 1),
                "timer": "process_time",
                "load_average_1m": round(os.getloadavg()[0], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
