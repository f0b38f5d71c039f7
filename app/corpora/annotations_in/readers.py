"""The readers of the text formats with pre-annotations, by format name."""

from __future__ import annotations

from app.corpora.annotations_in.conll import parse_conll
from app.corpora.annotations_in.docbin import parse_docbin
from app.corpora.annotations_in.doccano import parse_doccano
from app.corpora.annotations_in.labelstudio import parse_label_studio
from app.corpora.formats import Parser

TEXT_READERS: dict[str, Parser] = {
    "lsjson": parse_label_studio,
    "doccano": parse_doccano,
    "conll": parse_conll,
    "spacy": parse_docbin,
}
