"""Translated messages for the error codes of the pure packages and the ingestion job."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.i18n import TASK_TYPE_NAMES
from tasks import TaskRuleError

_RULES: dict[str, Any] = {
    "overlap_range": _l("Overlap must be between %(low)d and %(high)d."),
    "label_count": _l("Give between %(low)d and %(high)d labels."),
    "duplicate_labels": _l("Each label may appear only once."),
    "label_too_long": _l("A label may have at most %(limit)d characters."),
    "unknown_type": _l("Unknown task type."),
    "classify_shape": _l('The answer must be {"label": "…"}.'),
    "unknown_label": _l("“%(label)s” is not a label of this project."),
    "unknown_option": _l("Unknown option “%(name)s”."),
    "option_invalid": _l("The option “%(name)s” has a value of the wrong kind."),
    "option_range": _l("The option “%(name)s” must be between %(low)s and %(high)s."),
    "option_minimum": _l("The option “%(name)s” must be at least %(low)s."),
    "option_required": _l("The option “%(name)s” is required."),
    "option_too_long": _l("The option “%(name)s” may have at most %(limit)d characters."),
    "unknown_domain": _l("“%(domain)s” is not a known domain."),
    "labels_not_used": _l("A %(type)s project takes no labels."),
    "gold_not_supported": _l("A %(type)s project cannot use check items."),
    "classify_multi_shape": _l('The answer must be {"labels": ["…", …]}.'),
    "no_label_chosen": _l("Choose at least one label."),
    "duplicate_answer_labels": _l("Each label may be chosen only once."),
    "unsure_flag": _l('The field "unsure" must be true or false.'),
    "ner_shape": _l('The answer must be {"spans": [[start, end, "label"], …]}.'),
    "too_many_spans": _l("An answer may have at most %(limit)d spans."),
    "span_shape": _l('Span %(number)d must be [start, end, "label"] with whole-number offsets.'),
    "span_bounds": _l("Span %(number)d must satisfy 0 ≤ start < end ≤ %(length)d."),
    "duplicate_span": _l("The span [%(start)d, %(end)d) “%(label)s” is marked twice."),
    "overlapping_spans": _l(
        "The spans [%(start)d, %(end)d) and [%(other_start)d, %(other_end)d) overlap."
    ),
    "clean_shape": _l('The answer must be {"text": "…", "flags": […]}.'),
    "text_too_long": _l("The text may have at most %(limit)d characters."),
    "unknown_flag": _l("“%(flag)s” is not a cleaning flag."),
    "empty_text_unflagged": _l(
        "The text may be empty only when the item is flagged as junk or duplicate."
    ),
    "bbox_shape": _l('The answer must be {"boxes": [[x, y, width, height, "label"], …]}.'),
    "too_many_boxes": _l("An answer may have at most %(limit)d boxes."),
    "box_shape": _l('Box %(number)d must be [x, y, width, height, "label"] with finite numbers.'),
    "box_size": _l("Box %(number)d must have a positive width and height."),
    "box_negative": _l("Box %(number)d starts left of or above the image."),
    "box_outside": _l("Box %(number)d reaches outside the %(width)d × %(height)d image."),
    "duplicate_box": _l("Box %(number)d is drawn twice."),
    "collect_shape": _l('The answer must be {"text": "…"} or an uploaded picture.'),
    "collect_empty_text": _l("Write something before submitting."),
    "object_key": _l("The upload reference is not valid."),
    "object_sha256": _l("The upload's checksum must be 64 hexadecimal digits."),
    "object_content_type": _l("“%(content_type)s” uploads are not accepted; use PNG or JPEG."),
    "gold_answer_shape": _l("A stored %(type)s answer has the wrong shape and cannot be scored."),
}

_LINE_ERRORS: dict[str, Any] = {
    "invalid_utf8": _l("not valid UTF-8"),
    "nul_byte": _l("contains a NUL byte"),
    "line_too_long": _l("line longer than 1 MiB"),
    "too_deep": _l("JSON nested too deeply"),
    "invalid_json": _l("not valid JSON"),
    "not_object": _l("not a JSON object"),
    "missing_text": _l("no string field “text”"),
    "empty_text": _l("the field “text” is empty"),
    "no_items": _l("the file holds no text"),
    "extra_cells": _l("the row has more cells than the header has columns (a stray delimiter?)"),
    "not_array": _l("the JSON file is not an array of objects"),
    "no_header": _l("the file has no header row naming its columns"),
    "bad_csv": _l("the CSV file is malformed here (a quote is not closed?)"),
    "bad_workbook": _l("the Excel workbook is damaged"),
    "unknown_sheet": _l("the workbook no longer has the chosen sheet"),
    # Set by the hourly sweep when a table waited too long for its mapping (app.jobs).
    "mapping_expired": _l(
        "no column mapping was chosen in time and the file was deleted: upload it again"
    ),
    # Set by the job recovery when an ingestion could not finish (app.jobs).
    "interrupted": _l(
        "the ingestion was interrupted again and again (its worker stopped): upload the file "
        "again, and tell the platform operator if it fails again"
    ),
    "storage_unavailable": _l(
        "the object store did not answer while the file was read: upload it again later"
    ),
    "ingestion_error": _l(
        "the ingestion failed because of an error on our side; it was logged: upload the "
        "file again, and tell the platform operator if it fails again"
    ),
    "not_an_image": _l("not a PNG or JPEG image, or a damaged one"),
    "image_too_many_pixels": _l("the image has too many pixels (at most 50 million)"),
    "image_over_budget": _l(
        "the picture is too large to decode (width × height × colour channels over the "
        "memory budget): scale it down"
    ),
    "unsafe_member": _l("an archive member's name leaves the archive (absolute or ..)"),
    "symlink_member": _l("the archive holds a symbolic link"),
    "nested_archive": _l("the archive holds another archive"),
    "too_many_members": _l("the archive holds more than 10,000 files"),
    "member_too_large": _l("a file in the archive is larger than 50 MB"),
    "archive_too_large": _l("the archive unpacks to more than 2 GB"),
    "compression_ratio": _l("a file in the archive inflates more than 100 times (a ZIP bomb?)"),
    "bad_archive": _l("the archive is damaged, encrypted or lies about its sizes"),
    # Documents (app.corpora.documents.REFUSALS)
    "unsupported_format": _l("not a .docx, PDF, OFD, text or HTML file"),
    "legacy_office": _l("an old binary Office file (.doc, .wps): save it as .docx"),
    "macro_enabled": _l("a Word file with macros (.docm) is refused"),
    "corrupt_docx": _l("the Word file is damaged"),
    "no_text_layer": _l("the document has no text layer (a scan?): OCR is not supported"),
    "encrypted_pdf": _l("the PDF is protected by a password"),
    "corrupt_pdf": _l("the PDF is damaged"),
    "corrupt_ofd": _l("the OFD file is damaged or incomplete"),
    "external_reference": _l("the OFD file refers to a file outside itself"),
    "unsafe_xml": _l("the XML declares a DTD or entities"),
    "unknown_encoding": _l("the text is neither UTF-8 nor GB18030/GBK"),
    "binary_content": _l("contains NUL bytes: not text"),
    "empty_document": _l("the document holds no text"),
    "document_too_large": _l("the document is larger than 50 MB or 5,000 pages"),
    # Other tools' exports read as pre-annotations (app.corpora.annotations_in)
    "bad_span": _l("a span is not [start, end, label] with whole-number offsets and a label"),
    "span_out_of_range": _l("a span's offsets lie outside its text (0 ≤ start < end ≤ length)"),
    "span_text_mismatch": _l("a span's “text” is not the text at its offsets"),
    "record_too_large": _l("a record larger than 16 MB"),
    "not_an_array": _l("not a JSON array of tasks"),
    "ls_task": _l("not a Label Studio task (an object with a “data” object)"),
    "ls_no_text": _l("the task's “data” has no string field “text”"),
    "ls_image_task": _l(
        "a Label Studio task of a picture: upload the JSON in a ZIP with the pictures, or "
        "import them with their boxes as COCO, Pascal VOC or YOLO"
    ),
    "bad_region": _l("a result region is not a valid labels, choices or text area region"),
    "ls_box": _l(
        "a rectanglelabels region is not x, y, width and height in percent with a label "
        "and no rotation"
    ),
    "ls_no_image": _l("the task's “data” has no “image” or “file_name” naming its picture"),
    "spacy_docbin": _l("not a spaCy DocBin (the bytes do not parse)"),
    "spacy_too_large": _l("a spaCy DocBin larger than 256 MB: split it into smaller files"),
    "conll_line": _l("not a “token TAG” line"),
    "conll_tag": _l("the tag is not O, B-, I-, E- or S- followed by a label"),
    "coco_shape": _l("not COCO JSON (an object with images, annotations and categories)"),
    "coco_image": _l("a COCO image without a “file_name”"),
    "coco_image_id": _l("a COCO annotation names an image id that is not in “images”"),
    "coco_category": _l("a COCO annotation names a category that is not in “categories”"),
    "bad_box": _l("a box is not four finite numbers with a positive width and height"),
    "box_outside": _l("a box lies outside its picture"),
    "voc_xml": _l("not a Pascal VOC annotation (damaged XML, or a DTD or entities)"),
    "yolo_line": _l("not a YOLO line “class cx cy w h”"),
    "yolo_class": _l("the class number is not in classes.txt or data.yaml"),
    "yolo_classes": _l("no classes.txt or data.yaml with the class names"),
    "picture_missing": _l("the picture this box file names is not in the archive"),
    "two_box_files": _l("a second box file for the same picture"),
    # The table of a ZIP of pictures (app.corpora.picture_tables)
    "two_picture_tables": _l(
        "a second table in the archive: one table (CSV, TSV, JSON, JSONL or .xlsx) describes "
        "the pictures"
    ),
    "picture_column_missing": _l(
        "the table has no picture column (image, file, file_name, path, 图片 or 文件名)"
    ),
    "picture_cell_empty": _l("the picture column of this row is empty or not a file name"),
    "picture_not_in_archive": _l("this row names a picture that is not in the archive"),
    "picture_named_twice": _l("this row names a picture an earlier row already named"),
}


def rule_message(error: TaskRuleError) -> str:
    """The translated sentence for a task rule error (task types by their translated names)."""
    template = _RULES.get(error.code)
    if template is None:
        return error.code
    params = dict(error.params)
    if "type" in params:
        params["type"] = str(TASK_TYPE_NAMES.get(params["type"], params["type"]))
    return str(template % params)


#: Errors in one column or field of a table's row, the column named.
_FIELD_ERRORS: dict[str, Any] = {
    "missing_text": _l("the text column “%(field)s” is missing"),
    "empty_text": _l("the text column “%(field)s” is empty"),
    "text_not_string": _l("the text column “%(field)s” holds a list or object, not text"),
    "missing_id": _l("the id column “%(field)s” is empty"),
    "label_not_string": _l("the label column “%(field)s” holds an object, not labels"),
}


def line_error_message(code: str, field: str | None = None) -> str:
    """The translated description of an ingestion error code (naming the table's column
    ``field`` where one is given)."""
    if field is not None and code in _FIELD_ERRORS:
        return str(_FIELD_ERRORS[code] % {"field": field})
    template = _LINE_ERRORS.get(code)
    return str(template) if template is not None else code


def image_over_budget_message(width: int, height: int, decoded: int, budget: int) -> str:
    """Why a picture was refused before it was decoded, with its size and the budget."""
    return str(
        _l(
            "This picture (%(width)d × %(height)d pixels) would take %(mb)d MB of memory to "
            "open; at most %(budget)d MB are allowed. Scale it down and upload it again. "
            "Nothing was stored.",
            width=width,
            height=height,
            mb=-(-decoded // (1024 * 1024)),
            budget=budget // (1024 * 1024),
        )
    )
