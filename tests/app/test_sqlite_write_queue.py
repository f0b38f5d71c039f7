"""SQLite writers of one process queue on a Python lock; every way a transaction ends frees it."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import func, select, text


def _write(app: Any, note: str, hold_s: float = 0.0, fail: bool = False) -> None:
    from app.database import begin_write
    from app.extensions import db

    with app.app_context():
        begin_write()
        db.session.execute(
            text(
                "INSERT INTO audit_event (created_at, action, detail) "
                "VALUES (CURRENT_TIMESTAMP, :note, '{}')"
            ),
            {"note": note},
        )
        time.sleep(hold_s)
        if fail:
            raise RuntimeError("the request failed half-way")
        db.session.commit()


def _actions(app: Any) -> list[str]:
    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_second_writer_waits_for_the_first_and_both_land(app: Any) -> None:
    first = threading.Thread(target=_write, args=(app, "first", 0.3))
    first.start()
    time.sleep(0.1)  # the first writer now holds the write lock
    started = time.monotonic()
    _write(app, "second")
    waited = time.monotonic() - started
    first.join()
    assert _actions(app) == ["first", "second"]
    assert waited >= 0.15  # it queued behind the first writer instead of failing


@pytest.mark.parametrize("how", ["exception", "rollback", "close"])
def test_a_failed_writer_frees_the_lock(app: Any, how: str) -> None:
    from app.database import begin_write
    from app.extensions import db

    if how == "exception":
        with pytest.raises(RuntimeError):
            _write(app, "lost", fail=True)
    else:
        with app.app_context():
            begin_write()
            db.session.execute(
                text(
                    "INSERT INTO audit_event (created_at, action, detail) "
                    "VALUES (CURRENT_TIMESTAMP, 'lost', '{}')"
                )
            )
            if how == "rollback":
                db.session.rollback()
            else:
                db.session.connection().invalidate()  # the connection is closed under it
    done = threading.Event()
    writer = threading.Thread(target=lambda: (_write(app, "next"), done.set()))
    writer.start()
    assert done.wait(5), "the write lock was not given back"
    writer.join()
    assert _actions(app) == ["next"]


def test_readers_do_not_queue_behind_a_writer(app: Any) -> None:
    from app.extensions import db
    from app.models import AuditEvent

    writer = threading.Thread(target=_write, args=(app, "slow", 0.5))
    writer.start()
    time.sleep(0.1)
    started = time.monotonic()
    with app.app_context():
        db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert time.monotonic() - started < 0.3
    writer.join()
