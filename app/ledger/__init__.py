"""The vendor ledger (issue 12): an append-only, Merkle-tree-backed transaction log.

Pure modules (no Flask, no SQLAlchemy): ``merkle`` (RFC 6962 hashing and proofs), ``entries``
(canonical leaf bytes and checked input), ``tree_heads`` (signed tree heads), ``subsidy`` (the
yearly subsidy arithmetic) and ``verify_statement`` (the stand-alone verifier shipped to
vendors).
"""
