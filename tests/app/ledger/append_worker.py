"""A separate process appending to the ledger, for the concurrency test.

``python append_worker.py DATABASE_URL VENDOR_ID COUNT``: appends COUNT declarations, one
transaction each, through the real append path, and prints the sequence numbers it got (JSON).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))


def main(url: str, vendor_id: int, count: int) -> list[int]:
    """Append ``count`` entries for ``vendor_id``; return their sequence numbers."""
    from app import create_app
    from app.database import begin_write
    from app.extensions import db
    from app.ledger import log

    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 40, "SQLALCHEMY_DATABASE_URI": url})
    seqs = []
    with app.app_context():
        for n in range(count):
            begin_write()
            fields = {"kind": "labeling", "amount_fen": 100 + n, "contract_date": "2026-03-01"}
            seqs.append(log.append("declaration", vendor_id, None, fields)["seq"])
            db.session.commit()
        db.engine.dispose()
    return seqs


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
