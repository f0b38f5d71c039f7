"""Annotation projects: creation by vendors, progress and agreement for vendors and auditors."""
