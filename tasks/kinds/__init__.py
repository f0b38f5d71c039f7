"""The task types, one module each: classify, ner, clean, bbox, collect."""
