"""Reservations under the rate limits: attempts that count while their outcome is unknown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class LimitReservation(Base):
    """An attempt in progress, counted as an event of one counter and key (``name``) until
    it ends (issue 14): a login whose password is being checked counts as a failed login of
    its address and of its account, so logins sent together never check more passwords than
    the limits allow. The attempt's end deletes its rows (``token``); on a failure, in the
    transaction that writes the ``login_failed`` audit event in their place. A row a crashed
    process left behind counts as a failure until its window is over, then it is swept.
    """

    __tablename__ = "limit_reservation"
    __table_args__ = (Index("ix_limit_reservation_name_time", "name", "reserved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), index=True)
    # The counter and its key, as the Redis store names its sorted set.
    name: Mapped[str] = mapped_column(String(400))
    reserved_at: Mapped[datetime]
