"""Tables and JSON records as corpora: CSV, TSV, ``.xlsx``, JSON arrays and JSON Lines,
with a mapping that says which column (or dotted JSON path) is the text, which is the
vendor's own id, and which others are kept as item metadata."""
