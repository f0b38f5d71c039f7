"""Vendors' corpora: upload with progress, ingestion status."""
