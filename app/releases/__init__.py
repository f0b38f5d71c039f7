"""Releases: public documents de-identified, reviewed on a sample, signed and published.

The pure rules (policy, sampling, redaction, manifest, states) import neither Flask nor
SQLAlchemy; the services built on them do.
"""
