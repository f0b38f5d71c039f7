"""Exports of a project's items with their final and individual answers, written by a job
into object storage."""
